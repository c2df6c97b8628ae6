// @pitchreel/client: the pitchreel API from TypeScript or JavaScript, in browsers and
// Node 18+, with no dependency beyond fetch.
export { PitchreelClient } from './client.js';
export type {
  CallOptions,
  ClientOptions,
  CreateJobOptions,
  ImageInput,
  Info,
  Job,
  JobInput,
  JobStatus,
  ListVideosOptions,
  Me,
  ScriptSuggestion,
  SeedPending,
  SeedResult,
  TokenSource,
  Video,
  VideoPage,
  Voice,
  WaitOptions,
} from './client.js';
export { JobFailedError, PitchreelError, parseRetryAfter } from './errors.js';
export type { ErrorBody } from './errors.js';
export { readEvents } from './events.js';
export { verifyWebhook, WebhookVerificationError } from './webhooks.js';
export type { VerifyWebhookOptions, WebhookEvent, WebhookHeaders } from './webhooks.js';
export type { ServerEvent } from './events.js';
export type { components, operations, paths } from './schema.js';
