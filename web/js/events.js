// Follows a job: server-sent events read with fetch() (EventSource cannot send the
// Authorization header), falling back to polling GET /api/v1/jobs/{id} every second when
// the stream cannot be opened or ends before the job does. Calls onJob(job) for every
// change until the job is final or stop() is called.

const FINAL = new Set(['succeeded', 'failed', 'canceled']);
const POLL_MS = 1000;
// Browsers open at most 6 HTTP/1.1 connections per server, and each stream holds one: past
// this many, further jobs are polled so that the rest of the page still gets answers.
const MAX_STREAMS = 3;
let openStreams = 0;

export function isFinal(job) {
  return FINAL.has(job.status);
}

// Parses a text/event-stream body into {event, data} records.
async function* readEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        else if (line.startsWith('event:')) event = line.slice(6).trim();
      }
      if (data.length) yield { event, data: data.join('\n') };
    }
  }
}

export class JobFollower {
  constructor(api, jobId, onJob, onError) {
    this.api = api;
    this.jobId = jobId;
    this.onJob = onJob;
    this.onError = onError;
    this.controller = new AbortController();
    this.mode = 'events';
    this.run();
  }

  stop() {
    this.controller.abort();
  }

  get stopped() {
    return this.controller.signal.aborted;
  }

  async run() {
    let last = null;
    if (openStreams < MAX_STREAMS) {
      openStreams += 1;
      try {
        last = await this.stream();
      } catch (e) {
        if (this.stopped) return;
        if (e.status === 401 || e.status === 404) return this.onError(e);
      } finally {
        openStreams -= 1;
      }
    }
    if (this.stopped || (last && isFinal(last))) return;
    this.mode = 'polling';
    await this.poll();
  }

  // Returns the last job seen on the stream.
  async stream() {
    const res = await this.api.get(`/api/v1/jobs/${this.jobId}/events`, {
      raw: true,
      signal: this.controller.signal,
      headers: { Accept: 'text/event-stream' },
    });
    if (!res.body || typeof TextDecoderStream === 'undefined') return null;
    let last = null;
    for await (const { event, data } of readEvents(res.body)) {
      if (event !== 'job') continue;
      last = JSON.parse(data);
      this.onJob(last);
      if (isFinal(last)) break;
    }
    return last;
  }

  async poll() {
    let failures = 0;
    while (!this.stopped) {
      try {
        const job = await this.api.get(`/api/v1/jobs/${this.jobId}`, { signal: this.controller.signal });
        failures = 0;
        this.onJob(job);
        if (isFinal(job)) return;
      } catch (e) {
        if (this.stopped) return;
        if (e.status === 401 || e.status === 404) return this.onError(e);
        failures += 1;
        if (failures === 3) this.onError(e); // say so once, keep trying
      }
      await new Promise((resolve) => setTimeout(resolve, failures ? Math.min(10000, POLL_MS * 2 ** failures) : POLL_MS));
    }
  }
}
