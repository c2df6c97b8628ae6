// verifyWebhook against a real delivery: a `pitchreel serve` on loopback sends a ping to a
// receiver here, whose raw body and headers the client must accept, and refuse once altered.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';

import { startTestServer } from '../../../tests/contract/server.mjs';
import { verifyWebhook, WebhookVerificationError } from '../dist/index.js';

let server;
let receiver;
const received = [];

before(async () => {
  receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks), headers: req.headers });
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  server = await startTestServer({ PITCHREEL_ALLOW_PRIVATE_WEBHOOK_URLS: 'true', PITCHREEL_ROLE: 'api' });
});
after(async () => {
  await server?.stop();
  await new Promise((resolve) => receiver.close(resolve));
});

async function waitFor(check, ms = 30000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the delivery');
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a real delivery verifies; altered ones are refused with a reason', async () => {
  const url = `http://127.0.0.1:${receiver.address().port}/hook`;
  const created = await server.api('POST', '/api/v1/webhooks', { json: { url } });
  assert.equal(created.status, 201);
  const { id, secret } = created.body;
  const ping = await server.api('POST', `/api/v1/webhooks/${id}/test`);
  assert.equal(ping.status, 202);
  await waitFor(() => received.length >= 1);
  const { body, headers } = received[0];

  const event = await verifyWebhook(body, headers, secret);
  assert.equal(event.type, 'ping');
  assert.equal(event.data.endpointId, id);
  // Text, a Headers object and an ArrayBuffer work as well.
  const asHeaders = new Headers(Object.entries(headers).filter(([, v]) => typeof v === 'string'));
  assert.equal((await verifyWebhook(body.toString('utf8'), asHeaders, secret)).type, 'ping');
  assert.equal((await verifyWebhook(body.buffer.slice(body.byteOffset, body.byteOffset + body.length), headers, secret)).type, 'ping');

  const refused = async (promise, code) => {
    await assert.rejects(promise, (e) => e instanceof WebhookVerificationError && e.code === code);
  };
  await refused(verifyWebhook(body.toString('utf8').replace('ping', 'pong'), headers, secret), 'bad_signature');
  await refused(verifyWebhook(body, headers, 'whsec_' + Buffer.from('another secret').toString('base64')), 'bad_signature');
  await refused(verifyWebhook(body, { ...headers, 'webhook-id': 'msg_other' }, secret), 'bad_signature');
  await refused(verifyWebhook(body, headers, secret, { now: Number(headers['webhook-timestamp']) + 301 }), 'stale_timestamp');
  await refused(verifyWebhook(body, { 'webhook-id': headers['webhook-id'] }, secret), 'missing_headers');

  // After a rotation the delivery carries two signatures; the old and the new secret both verify.
  const rotated = await server.api('POST', `/api/v1/webhooks/${id}/rotate-secret`);
  await server.api('POST', `/api/v1/webhooks/${id}/test`);
  await waitFor(() => received.length >= 2);
  const second = received[1];
  assert.equal(second.headers['webhook-signature'].split(' ').length, 2);
  assert.equal((await verifyWebhook(second.body, second.headers, secret)).type, 'ping');
  assert.equal((await verifyWebhook(second.body, second.headers, rotated.body.secret)).type, 'ping');
});
