// The pitchreel API client: one class, fetch only (browsers and Node 18+), types generated
// from the server's OpenAPI document (schema.ts). Not thread-bound; a client holds no
// connection of its own, so one instance can serve a whole app.

import { JobFailedError, PitchreelError, errorFromResponse } from './errors.js';
import { readEvents } from './events.js';
import type { components } from './schema.js';

type Schemas = components['schemas'];
export type Job = Schemas['Job'];
export type Video = Schemas['Video'];
export type VideoPage = Schemas['VideoPage'];
export type Voice = Schemas['Voice'];
export type Info = Schemas['Info'];
export type Me = Schemas['Me'];
export type ScriptSuggestion = Schemas['ScriptSuggestion'];
export type SeedResult = Schemas['SeedResult'];
export type SeedPending = Schemas['SeedPending'];
export type JobStatus = Job['status'];

// A picture: a File or Blob, raw bytes, an http(s) URL the server fetches, or a data: URL.
export type ImageInput = Blob | ArrayBuffer | ArrayBufferView | string;

type JsonFields = Omit<Schemas['JobRequestJson'], 'image' | 'avatar' | 'imageUrl' | 'avatarUrl'>;
export interface JobInput extends JsonFields {
  image?: ImageInput;
  avatar?: ImageInput;
  imageUrl?: string;
  avatarUrl?: string;
}

export type TokenSource = () => string | null | undefined | Promise<string | null | undefined>;

export interface ClientOptions {
  // The server's address, e.g. "https://videos.example.com" or "/pitchreel" behind a proxy.
  baseUrl: string;
  // A fixed bearer token (an API key, prk_...): only where it stays secret (a server).
  apiKey?: string;
  // Called before each request: e.g. the Supabase session's access token.
  getToken?: TokenSource;
  fetch?: typeof fetch;
  headers?: Record<string, string>;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface CreateJobOptions extends CallOptions {
  // A retry with the same key returns the first request's job instead of making a second video.
  idempotencyKey?: string;
}

export interface WaitOptions extends CallOptions {
  // Each new state of the job (progress, stage, queue position), from events or polls.
  onProgress?: (job: Job) => void;
  // How often to poll when the event stream is unavailable (ms).
  pollIntervalMs?: number;
  // Event-stream connections to try (reconnecting after a drop) before polling instead.
  maxStreamAttempts?: number;
}

export interface ListVideosOptions extends CallOptions {
  productId?: string;
  pageSize?: number;
}

const FINISHED: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'canceled']);

export class PitchreelClient {
  readonly baseUrl: string;
  private readonly options: ClientOptions;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ClientOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const f = options.fetch ?? globalThis.fetch;
    if (!f) throw new Error('No fetch: pass options.fetch (Node 18+ and browsers have one).');
    this.fetchImpl = (input, init) => f(input, init);
  }

  // ---- jobs ---------------------------------------------------------------------------

  // Queues a video. Files (File, Blob, bytes) go as multipart/form-data; an http(s) URL is
  // sent as imageUrl for the server to fetch; a data: URL goes in a JSON body.
  async createJob(input: JobInput, options: CreateJobOptions = {}): Promise<Job> {
    const headers: Record<string, string> = {};
    if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
    return this.call<Job>('POST', '/api/v1/jobs', { body: jobBody(input), headers, signal: options.signal });
  }

  getJob(id: string, options: CallOptions = {}): Promise<Job> {
    return this.call<Job>('GET', `/api/v1/jobs/${encodeURIComponent(id)}`, options);
  }

  // Cancels a queued or running job; a job that had already finished is returned as it is.
  async cancelJob(id: string, options: CallOptions = {}): Promise<Job> {
    return this.call<Job>('POST', `/api/v1/jobs/${encodeURIComponent(id)}/cancel`, { ...options, accept: [409] });
  }

  // Resolves with the succeeded job (its video set); rejects with JobFailedError when the job
  // fails or is canceled, with the signal's reason when aborted. Follows the job's event
  // stream, reconnecting after drops, and polls when streams keep failing.
  async waitForJob(id: string, options: WaitOptions = {}): Promise<Job> {
    const { signal, onProgress } = options;
    const pollMs = options.pollIntervalMs ?? 2000;
    const maxAttempts = options.maxStreamAttempts ?? 3;
    let last = '';
    const seen = (job: Job): Job | null => {
      const text = JSON.stringify(job);
      if (text !== last) {
        last = text;
        onProgress?.(job);
      }
      return FINISHED.has(job.status) ? job : null;
    };
    const finish = (job: Job): Job => {
      if (job.status === 'succeeded') return job;
      throw new JobFailedError(job);
    };

    let failures = 0;
    while (failures < maxAttempts) {
      signal?.throwIfAborted();
      try {
        const res = await this.send('GET', `/api/v1/jobs/${encodeURIComponent(id)}/events`, {
          signal,
          headers: { Accept: 'text/event-stream' },
        });
        if (!res.ok) throw await errorFromResponse(res);
        if (!res.body || !(res.headers.get('Content-Type') ?? '').startsWith('text/event-stream')) break;
        let progressed = false;
        for await (const e of readEvents(res.body)) {
          if (e.event !== 'job') continue;
          progressed = true;
          const done = seen(JSON.parse(e.data) as Job);
          if (done) return finish(done);
        }
        // The stream ended before the job did (a proxy's timeout, a restart): reconnect.
        failures = progressed ? 0 : failures + 1;
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        // Answers about the job itself (401, 404) are final; transport failures are retried.
        if (e instanceof PitchreelError && e.status >= 400 && e.status < 500 && e.status !== 429) throw e;
        failures += 1;
      }
      if (failures > 0) await sleep(Math.min(250 * 2 ** failures, 4000), signal);
    }
    // Polling: the stream is unavailable here (a proxy that buffers, an old server).
    for (;;) {
      signal?.throwIfAborted();
      const done = seen(await this.getJob(id, { signal }));
      if (done) return finish(done);
      await sleep(pollMs, signal);
    }
  }

  // ---- videos -------------------------------------------------------------------------

  // Every video (newest first, optionally one product's), fetching pages as it goes.
  async *listVideos(options: ListVideosOptions = {}): AsyncGenerator<Video, void, undefined> {
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams();
      if (options.productId) query.set('productId', options.productId);
      if (options.pageSize) query.set('limit', String(options.pageSize));
      if (cursor) query.set('cursor', cursor);
      const qs = query.toString();
      const page: VideoPage = await this.call<VideoPage>('GET', `/api/v1/videos${qs ? `?${qs}` : ''}`, { signal: options.signal });
      yield* page.videos;
      cursor = page.nextCursor;
    } while (cursor);
  }

  // One video with freshly signed links.
  getVideo(id: string, options: CallOptions = {}): Promise<Video> {
    return this.call<Video>('GET', `/api/v1/videos/${encodeURIComponent(id)}`, options);
  }

  async deleteVideo(id: string, options: CallOptions = {}): Promise<void> {
    await this.call('DELETE', `/api/v1/videos/${encodeURIComponent(id)}`, options);
  }

  // ---- everything else ----------------------------------------------------------------

  suggestScript(product: { productName: string; productDescription?: string }, options: CallOptions = {}): Promise<ScriptSuggestion> {
    return this.call<ScriptSuggestion>('POST', '/api/v1/scripts/suggest', { ...options, body: JSON.stringify(product), json: true });
  }

  async voices(options: CallOptions = {}): Promise<Voice[]> {
    return (await this.call<Schemas['VoiceList']>('GET', '/api/v1/voices', options)).voices;
  }

  // A short spoken sample of a voice (WAV), e.g. for URL.createObjectURL.
  async voicePreview(voiceId: string, options: CallOptions = {}): Promise<Blob> {
    const res = await this.send('GET', `/api/v1/voices/${encodeURIComponent(voiceId)}/preview`, options);
    if (!res.ok) throw await errorFromResponse(res);
    return res.blob();
  }

  info(options: CallOptions = {}): Promise<Info> {
    return this.call<Info>('GET', '/api/v1/info', options);
  }

  me(options: CallOptions = {}): Promise<Me> {
    return this.call<Me>('GET', '/api/v1/me', options);
  }

  // The seed system's call: waits for the video on the server (up to its
  // PITCHREEL_SEED_WAIT_S); `pending: true` means it is still being made: waitForJob(jobId).
  async generateVideo(input: JobInput, options: CallOptions = {}): Promise<SeedResult | SeedPending> {
    return this.call<SeedResult | SeedPending>('POST', '/api/generate-video', { body: jobBody(input), signal: options.signal });
  }

  // ---- plumbing -----------------------------------------------------------------------

  private async send(
    method: string,
    path: string,
    init: { body?: BodyInit; json?: boolean; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...this.options.headers, ...init.headers };
    const token = this.options.getToken ? await this.options.getToken() : this.options.apiKey;
    if (token) headers.Authorization = `Bearer ${token}`;
    if (init.json || (typeof init.body === 'string' && init.body.startsWith('{'))) headers['Content-Type'] = 'application/json';
    try {
      return await this.fetchImpl(this.baseUrl + path, { method, headers, body: init.body, signal: init.signal });
    } catch (e) {
      if (init.signal?.aborted) throw init.signal.reason;
      throw new PitchreelError('network_error', `Cannot reach ${this.baseUrl}: ${(e as Error).message}`, 0);
    }
  }

  private async call<T>(
    method: string,
    path: string,
    init: { body?: BodyInit; json?: boolean; headers?: Record<string, string>; signal?: AbortSignal; accept?: number[] } = {},
  ): Promise<T> {
    const res = await this.send(method, path, init);
    if (!res.ok && !init.accept?.includes(res.status)) throw await errorFromResponse(res);
    try {
      return (await res.json()) as T;
    } catch {
      throw new PitchreelError('invalid_response', `The server's answer to ${method} ${path} is not JSON.`, res.status);
    }
  }
}

// multipart/form-data when the request carries a file, JSON otherwise.
function jobBody(input: JobInput): BodyInit {
  const fields: Record<string, unknown> = {};
  const files: Record<string, Blob> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined || value === null) continue;
    if ((name === 'image' || name === 'avatar') && typeof value !== 'string') {
      files[name] = toBlob(value as Blob | ArrayBuffer | ArrayBufferView);
    } else if ((name === 'image' || name === 'avatar') && /^https?:/i.test(value as string)) {
      fields[`${name}Url`] = value;
    } else {
      fields[name] = value;
    }
  }
  if (Object.keys(files).length === 0) return JSON.stringify(fields);
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, String(value));
  for (const [name, blob] of Object.entries(files)) {
    form.append(name, blob, (blob as File).name || `${name}${extensionFor(blob.type)}`);
  }
  return form;
}

function toBlob(value: Blob | ArrayBuffer | ArrayBufferView): Blob {
  if (value instanceof Blob) return value;
  if (value instanceof ArrayBuffer) return new Blob([value]);
  return new Blob([new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice()]);
}

function extensionFor(type: string): string {
  return type === 'image/png' ? '.png' : type === 'image/webp' ? '.webp' : '.jpg';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
