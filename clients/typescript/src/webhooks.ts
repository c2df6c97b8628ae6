// Verifying pitchreel's webhook deliveries (Standard Webhooks): the signature over
// "<webhook-id>.<webhook-timestamp>.<body>" with HMAC-SHA256, keyed with the base64 bytes
// after `whsec_`, and the timestamp within a tolerance (replays). WebCrypto only: browsers,
// Deno, Bun and Node 18+ (where the global is missing, Node's own webcrypto is used).

import type { components } from './schema.js';

export type WebhookEvent = components['schemas']['WebhookEvent'];

export type WebhookHeaders =
  | Headers
  | Record<string, string | string[] | undefined>
  | { get(name: string): string | null };

export interface VerifyWebhookOptions {
  // Seconds a delivery's timestamp may differ from `now`; default 300.
  toleranceSeconds?: number;
  // Unix seconds to judge the timestamp by; default the clock.
  now?: number;
}

// Why a delivery was refused: missing_headers, invalid_secret, stale_timestamp,
// bad_signature, invalid_body.
export class WebhookVerificationError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.code = code;
  }
}

function header(headers: WebhookHeaders, name: string): string | null {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(' ') : value ?? null;
}

function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

async function subtleCrypto(): Promise<SubtleCrypto> {
  const global = (globalThis as { crypto?: Crypto }).crypto;
  if (global?.subtle) return global.subtle;
  // Node 18 has WebCrypto only as a module; the name is a variable so bundlers for
  // browsers (which always have the global) leave it alone.
  const nodeCrypto = 'node:crypto';
  const mod = (await import(/* @vite-ignore */ nodeCrypto)) as { webcrypto: Crypto };
  return mod.webcrypto.subtle;
}

// Verifies one delivery and returns its parsed body. `payload` must be the raw body bytes
// (or their exact text), before any JSON parsing. Throws WebhookVerificationError.
export async function verifyWebhook(
  payload: string | Uint8Array | ArrayBuffer,
  headers: WebhookHeaders,
  secret: string,
  options: VerifyWebhookOptions = {},
): Promise<WebhookEvent> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError('missing_headers', 'The webhook-id, webhook-timestamp and webhook-signature headers are required.');
  }
  let key: Uint8Array<ArrayBuffer>;
  try {
    key = base64ToBytes(secret.startsWith('whsec_') ? secret.slice(6) : secret);
  } catch {
    throw new WebhookVerificationError('invalid_secret', 'The secret must be whsec_ followed by base64, as pitchreel showed it.');
  }
  const sent = Number(timestamp);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (!Number.isInteger(sent) || Math.abs(now - sent) > tolerance) {
    throw new WebhookVerificationError('stale_timestamp', `The webhook timestamp is more than ${tolerance} s from now (a replay, or a wrong clock).`);
  }
  const body = typeof payload === 'string' ? new TextEncoder().encode(payload) : new Uint8Array(payload as ArrayBuffer);
  const prefix = new TextEncoder().encode(`${id}.${timestamp}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix, 0);
  signed.set(body, prefix.length);
  const subtle = await subtleCrypto();
  const hmacKey = await subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const expected = bytesToBase64(new Uint8Array(await subtle.sign('HMAC', hmacKey, signed)));
  const match = signatures.split(' ').some((s) => {
    const [version, value] = s.split(',', 2);
    return version === 'v1' && value !== undefined && timingSafeEqual(value, expected);
  });
  if (!match) throw new WebhookVerificationError('bad_signature', 'No signature of this delivery matches the secret.');
  try {
    return JSON.parse(new TextDecoder().decode(body)) as WebhookEvent;
  } catch {
    throw new WebhookVerificationError('invalid_body', 'The delivery is signed but its body is not JSON.');
  }
}
