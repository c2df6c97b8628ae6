// Conformance of the webhook API: every answer of /api/v1/webhooks... a real server gives
// (created, listed, changed, rotated, pinged, delivered, redelivered, deleted, and its
// errors) is validated against the OpenAPI document it serves.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';

import { contractValidator } from './openapi_validator.mjs';
import { startTestServer } from './server.mjs';

let server;
let v;
let api;
let receiver;

before(async () => {
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(req.url === '/fail' ? 500 : 204).end());
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  server = await startTestServer({ PITCHREEL_ALLOW_PRIVATE_WEBHOOK_URLS: 'true', PITCHREEL_ROLE: 'api' });
  v = await contractValidator(server.baseUrl);
  const checked = v.checkingFetch(fetch);
  api = async (method, path, { token = server.apiKey, json } = {}) => {
    const res = await checked(server.baseUrl + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(json ? { 'Content-Type': 'application/json' } : {}) },
      body: json ? JSON.stringify(json) : undefined,
    });
    return { status: res.status, body: await res.json() };
  };
});

after(async () => {
  await server?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

const url = (p) => `http://127.0.0.1:${receiver.address().port}${p}`;

async function until(check, ms = 30000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the webhook API answers what the document says, errors included', async () => {
  const created = await api('POST', '/api/v1/webhooks', { json: { url: url('/ok'), events: ['job.succeeded'], description: 'shop' } });
  assert.equal(created.status, 201);
  const id = created.body.id;
  assert.equal((await api('GET', '/api/v1/webhooks')).status, 200);
  assert.equal((await api('GET', `/api/v1/webhooks/${id}`)).status, 200);
  const patched = await api('PATCH', `/api/v1/webhooks/${id}`, { json: { events: [], enabled: false } });
  assert.equal(patched.body.enabled, false);
  assert.equal(typeof patched.body.disabledReason, 'string');
  await api('PATCH', `/api/v1/webhooks/${id}`, { json: { enabled: true } });
  const rotated = await api('POST', `/api/v1/webhooks/${id}/rotate-secret`);
  assert.equal(typeof rotated.body.previousSecretExpiresAt, 'number');
  const ping = await api('POST', `/api/v1/webhooks/${id}/test`);
  assert.equal(ping.status, 202);
  const list = await until(async () => {
    const r = await api('GET', `/api/v1/webhooks/${id}/deliveries`);
    return r.body.deliveries[0]?.status === 'delivered' && r;
  });
  const delivery = list.body.deliveries[0];
  assert.equal((await api('POST', `/api/v1/webhooks/${id}/deliveries/${delivery.id}/redeliver`)).status, 202);

  // A failing endpoint's delivery shows its error and next attempt.
  const failing = await api('POST', '/api/v1/webhooks', { json: { url: url('/fail') } });
  await api('POST', `/api/v1/webhooks/${failing.body.id}/test`);
  const failed = await until(async () => {
    const r = await api('GET', `/api/v1/webhooks/${failing.body.id}/deliveries?limit=5`);
    return r.body.deliveries[0]?.attemptLog.length >= 1 && r;
  });
  assert.equal(failed.body.deliveries[0].lastError, 'HTTP 500');
  assert.equal(typeof failed.body.deliveries[0].nextAttemptAt, 'number');

  // Errors.
  assert.equal((await api('POST', '/api/v1/webhooks', { json: { url: 'ftp://x' } })).status, 400);
  assert.equal((await api('PATCH', `/api/v1/webhooks/${id}`, { json: { enabled: 'yes' } })).status, 400);
  assert.equal((await api('GET', '/api/v1/webhooks/00000000-0000-0000-0000-000000000000')).status, 404);
  assert.equal((await api('POST', `/api/v1/webhooks/${id}/deliveries/00000000/redeliver`)).status, 404);
  assert.equal((await api('GET', '/api/v1/webhooks', { token: 'prk_wrong' })).status, 401);
  const member = server.admin('user', 'create', '--org', 'default', '--email', 'm@x.test', '--role', 'member');
  assert.equal((await api('GET', '/api/v1/webhooks', { token: member.apiKey })).status, 403);
  assert.deepEqual((await api('DELETE', `/api/v1/webhooks/${id}`)).body, { success: true, id });
});
