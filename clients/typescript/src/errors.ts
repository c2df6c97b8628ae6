// Typed errors. Every failed call rejects with a PitchreelError whose `code` is the
// server's stable error code (or a client-side one: network_error, invalid_response,
// job_failed, job_canceled), `status` the HTTP status (0 when no answer came) and
// `retryAfter` the seconds the server asked to wait (429 and 503 answers), else null.

import type { components } from './schema.js';

export type ErrorBody = components['schemas']['Error'];
type Job = components['schemas']['Job'];

export class PitchreelError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retryAfter: number | null;
  readonly requestId: string | null;

  constructor(code: string, message: string, status: number, retryAfter: number | null = null, requestId: string | null = null) {
    super(message);
    this.name = 'PitchreelError';
    this.code = code;
    this.status = status;
    this.retryAfter = retryAfter;
    this.requestId = requestId;
  }
}

// A job that ended without a video: `code` is the job's error code (or job_canceled).
export class JobFailedError extends PitchreelError {
  readonly job: Job;

  constructor(job: Job) {
    const canceled = job.status === 'canceled';
    super(
      job.error?.code ?? (canceled ? 'job_canceled' : 'job_failed'),
      job.error?.message ?? (canceled ? 'The job was canceled.' : 'The job failed.'),
      0,
    );
    this.name = 'JobFailedError';
    this.job = job;
  }
}

// Retry-After as seconds: a number of seconds or an HTTP date.
export function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

export async function errorFromResponse(res: Response): Promise<PitchreelError> {
  const retryAfter = parseRetryAfter(res.headers.get('Retry-After'));
  let body: Partial<ErrorBody> | null = null;
  try {
    body = (await res.json()) as Partial<ErrorBody>;
  } catch {
    body = null;
  }
  if (body && typeof body.code === 'string') {
    return new PitchreelError(body.code, body.error ?? body.code, res.status, retryAfter, body.requestId ?? null);
  }
  return new PitchreelError('invalid_response', `The server answered ${res.status} without an error object.`, res.status, retryAfter);
}
