// Webhooks end to end: a real `pitchreel serve` delivers to a receiver on loopback that
// verifies every delivery with the standardwebhooks package. Endpoints on loopback need the
// operator's allowance (PITCHREEL_ALLOW_PRIVATE_WEBHOOK_URLS), set for these servers only;
// one server without it shows a private address refused. Attempts time out after 2 s here
// (PITCHREEL_WEBHOOK_TIMEOUT_S) so the slow receiver needs no 15 s wait; retries follow
// the real schedule (the first after 5 s).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';

import { productPng } from '../contract/fixtures.mjs';
import { startTestServer } from '../contract/server.mjs';
import { eventually, startReceiver } from './receiver.mjs';

const ALLOW = { PITCHREEL_ALLOW_PRIVATE_WEBHOOK_URLS: 'true', PITCHREEL_WEBHOOK_TIMEOUT_S: '2' };
const image = `data:image/png;base64,${productPng().toString('base64')}`;
const SCRIPT = 'Meet the Aurora lamp. Warm light, all night.';

let server; // role api: jobs stay queued, so a cancel is an instant job.canceled
let receiver;

before(async () => {
  receiver = await startReceiver();
  server = await startTestServer({ ...ALLOW, PITCHREEL_ROLE: 'api' });
});

after(async () => {
  await server?.stop();
  await receiver?.close();
});

async function addEndpoint(srv, path, { token, events } = {}) {
  const r = await srv.api('POST', '/api/v1/webhooks', { token, json: { url: receiver.url(path), ...(events ? { events } : {}) } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.match(r.body.secret, /^whsec_/);
  receiver.secrets.set(path, [r.body.secret]);
  return r.body;
}

// A job that is canceled at once (the api role renders nothing): one job.canceled event.
async function canceledJob(srv, token, productId = 'p1') {
  const job = await srv.api('POST', '/api/v1/jobs', { token, json: { image, script: SCRIPT, productId } });
  assert.equal(job.status, 202, JSON.stringify(job.body));
  const c = await srv.api('POST', `/api/v1/jobs/${job.body.id}/cancel`, { token });
  assert.equal(c.status, 202);
  return job.body.id;
}

function assertAllVerified(path) {
  const got = receiver.at(path);
  assert.ok(got.length > 0, `nothing arrived at ${path}`);
  for (const d of got) assert.ok(d.verified.length > 0 && d.verified.every(Boolean), `${path}: ${d.id} failed verification`);
}

test('a canceled job is delivered signed, with the Standard Webhooks headers and body', async () => {
  await addEndpoint(server, '/ok-1');
  const jobId = await canceledJob(server);
  const d = await eventually(() => receiver.at('/ok-1').find((x) => x.json?.data?.id === jobId), 30000, 'the job.canceled delivery');
  assertAllVerified('/ok-1');
  assert.equal(d.json.type, 'job.canceled');
  assert.match(d.json.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(d.json.data.status, 'canceled');
  assert.match(d.id, /^msg_/);
  assert.ok(Math.abs(Number(d.timestamp) - Date.now() / 1000) < 60);
});

test('a new event wakes the dispatcher: delivered long before its 60 s poll', async () => {
  // This server's dispatcher polls only every 60 s; the canceled job must wake it (the
  // whole test ends within 30 s of the cancel, long before the first poll after start).
  const srv = await startTestServer({ ...ALLOW, PITCHREEL_ROLE: 'api', PITCHREEL_WEBHOOK_POLL_MS: '60000' });
  try {
    const ep = await srv.api('POST', '/api/v1/webhooks', { json: { url: receiver.url('/woken') } });
    assert.equal(ep.status, 201, JSON.stringify(ep.body));
    receiver.secrets.set('/woken', [ep.body.secret]);
    const jobId = await canceledJob(srv, undefined, 'woken');
    await eventually(() => receiver.at('/woken').find((x) => x.json?.data?.id === jobId), 30000, 'the delivery, woken by its event');
    assertAllVerified('/woken');
  } finally {
    await srv.stop();
  }
});

test('a ping from /test arrives; deliveries list each attempt', async () => {
  const ep = await addEndpoint(server, '/ok-ping');
  const t = await server.api('POST', `/api/v1/webhooks/${ep.id}/test`);
  assert.equal(t.status, 202);
  await eventually(() => receiver.at('/ok-ping').find((x) => x.id === t.body.messageId), 30000, 'the ping');
  assertAllVerified('/ok-ping');
  const list = await eventually(async () => {
    const r = await server.api('GET', `/api/v1/webhooks/${ep.id}/deliveries`);
    return r.body.deliveries?.[0]?.status === 'delivered' && r;
  }, 30000, 'the delivery log');
  const [delivery] = list.body.deliveries;
  assert.equal(delivery.type, 'ping');
  assert.equal(delivery.messageId, t.body.messageId);
  assert.equal(delivery.attemptLog.length, 1);
  assert.equal(delivery.attemptLog[0].httpStatus, 204);
  assert.equal(typeof delivery.attemptLog[0].latencyMs, 'number');
});

test('500 then 200: retried after the first step of the schedule with the same webhook-id', async () => {
  const ep = await addEndpoint(server, '/flaky');
  const t = await server.api('POST', `/api/v1/webhooks/${ep.id}/test`);
  const both = await eventually(() => receiver.at('/flaky').length >= 2 && receiver.at('/flaky'), 60000, 'the retry');
  assert.equal(both[0].id, t.body.messageId);
  assert.equal(both[1].id, both[0].id);
  assert.equal(both[1].body, both[0].body);
  assert.ok(Number(both[1].timestamp) - Number(both[0].timestamp) >= 4, 'about 5 s apart');
  assertAllVerified('/flaky');
  const r = await server.api('GET', `/api/v1/webhooks/${ep.id}/deliveries`);
  assert.deepEqual(r.body.deliveries[0].attemptLog.map((a) => a.httpStatus), [500, 200]);
});

test('410 disables the endpoint, shown with the reason', async () => {
  const ep = await addEndpoint(server, '/gone');
  await server.api('POST', `/api/v1/webhooks/${ep.id}/test`);
  const got = await eventually(async () => {
    const r = await server.api('GET', `/api/v1/webhooks/${ep.id}`);
    return r.body.enabled === false && r.body;
  }, 30000, 'the endpoint disabled');
  assert.match(got.disabledReason, /410/);
  // Re-enabling works; nothing is sent while disabled.
  const on = await server.api('PATCH', `/api/v1/webhooks/${ep.id}`, { json: { enabled: true } });
  assert.equal(on.body.enabled, true);
  assert.equal(on.body.disabledReason, null);
});

test('a receiver slower than the timeout gets the delivery again', async () => {
  const ep = await addEndpoint(server, '/slow');
  await server.api('POST', `/api/v1/webhooks/${ep.id}/test`);
  const r = await eventually(async () => {
    const x = await server.api('GET', `/api/v1/webhooks/${ep.id}/deliveries`);
    return x.body.deliveries?.[0]?.status === 'delivered' && x;
  }, 60000, 'the retry after a timeout');
  const [first, second] = r.body.deliveries[0].attemptLog;
  assert.equal(first.httpStatus, null);
  assert.match(first.error, /no answer within 2 s/);
  assert.equal(second.httpStatus, 200);
  assert.equal(receiver.at('/slow')[0].id, receiver.at('/slow')[1].id);
});

test('a redirect is a failure and is not followed', async () => {
  const ep = await addEndpoint(server, '/redirect');
  const before = receiver.at('/ok').length;
  const t = await server.api('POST', `/api/v1/webhooks/${ep.id}/test`);
  const r = await eventually(async () => {
    const x = await server.api('GET', `/api/v1/webhooks/${ep.id}/deliveries`);
    return x.body.deliveries?.[0]?.attemptLog?.length >= 1 && x;
  }, 30000, 'the attempt');
  const [delivery] = r.body.deliveries;
  assert.equal(delivery.status, 'pending');
  assert.equal(delivery.attemptLog[0].httpStatus, 302);
  assert.match(delivery.lastError, /redirect/);
  assert.equal(receiver.at('/ok').filter((d) => d.id === t.body.messageId).length, 0);
  assert.equal(receiver.at('/ok').length, before);
  await server.api('DELETE', `/api/v1/webhooks/${ep.id}`);
});

test('secret rotation: both secrets sign for 24 h, each verifies alone', async () => {
  const ep = await addEndpoint(server, '/rotated');
  const old = ep.secret;
  const rot = await server.api('POST', `/api/v1/webhooks/${ep.id}/rotate-secret`);
  assert.equal(rot.status, 200);
  assert.notEqual(rot.body.secret, old);
  assert.ok(rot.body.previousSecretExpiresAt - Date.now() / 1000 > 86000);
  receiver.secrets.set('/rotated', [old, rot.body.secret]);
  const t = await server.api('POST', `/api/v1/webhooks/${ep.id}/test`);
  const d = await eventually(() => receiver.at('/rotated').find((x) => x.id === t.body.messageId), 30000, 'the ping');
  assert.deepEqual(d.verified, [true, true]);
  assert.equal(d.signature.split(' ').length, 2);
  // The listed endpoint never shows a secret.
  const got = await server.api('GET', `/api/v1/webhooks/${ep.id}`);
  assert.equal(got.body.secret, undefined);
});

test("organisation A's endpoint never receives organisation B's events", async () => {
  const b = server.admin('user', 'create', '--org', 'org-b', '--email', 'b@b.test', '--role', 'owner');
  await addEndpoint(server, '/org-a');
  await addEndpoint(server, '/org-b', { token: b.apiKey });
  const jobA = await canceledJob(server, undefined, 'a-product');
  const jobB = await canceledJob(server, b.apiKey, 'b-product');
  await eventually(() => receiver.at('/org-a').some((d) => d.json?.data?.id === jobA), 30000, "A's event at A");
  await eventually(() => receiver.at('/org-b').some((d) => d.json?.data?.id === jobB), 30000, "B's event at B");
  // Listings are per organisation too.
  const listB = await server.api('GET', '/api/v1/webhooks', { token: b.apiKey });
  assert.deepEqual(listB.body.webhooks.map((w) => w.url), [receiver.url('/org-b')]);
  assert.ok(!receiver.at('/org-a').some((d) => d.json?.data?.id === jobB));
  assert.ok(!receiver.at('/org-b').some((d) => d.json?.data?.id === jobA));
  assertAllVerified('/org-a');
  assertAllVerified('/org-b');
});

test('members may not manage webhooks; bad input has stable codes', async () => {
  const m = server.admin('user', 'create', '--org', 'default', '--email', 'm@a.test', '--role', 'member');
  const r = await server.api('GET', '/api/v1/webhooks', { token: m.apiKey });
  assert.equal(r.status, 403);
  const bad = await server.api('POST', '/api/v1/webhooks', { json: { url: receiver.url('/x'), events: ['job.exploded'] } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, 'webhook_events_invalid');
  const noUrl = await server.api('POST', '/api/v1/webhooks', { json: {} });
  assert.equal(noUrl.body.code, 'webhook_url_invalid');
});

test('a private-address URL is refused without the operator allowance', async () => {
  const strict = await startTestServer({ PITCHREEL_ROLE: 'api' });
  try {
    for (const url of ['https://127.0.0.1/hook', 'https://10.0.0.8/hook', 'https://[::1]/hook', 'https://169.254.169.254/latest']) {
      const r = await strict.api('POST', '/api/v1/webhooks', { json: { url } });
      assert.equal(r.status, 400, url);
      assert.equal(r.body.code, 'webhook_url_forbidden', url);
    }
    const http = await strict.api('POST', '/api/v1/webhooks', { json: { url: 'http://example.com/hook' } });
    assert.equal(http.body.code, 'webhook_url_invalid');
  } finally {
    await strict.stop();
  }
});

test('receiver down, server killed (-9) with deliveries pending: after restart every event arrives with its id', async () => {
  const down = await startReceiver();
  const port = down.port;
  const srv = await startTestServer({ ...ALLOW, PITCHREEL_ROLE: 'api' });
  try {
    const ep = await srv.api('POST', '/api/v1/webhooks', { json: { url: `http://127.0.0.1:${port}/down` } });
    assert.equal(ep.status, 201);
    await down.close(); // nothing listens now: attempts are refused
    const jobs = [];
    for (let i = 0; i < 3; i++) jobs.push(await canceledJob(srv, undefined, `down-${i}`));
    const pending = await eventually(async () => {
      const r = await srv.api('GET', `/api/v1/webhooks/${ep.body.id}/deliveries`);
      const ds = r.body.deliveries || [];
      return ds.length === 3 && ds.every((d) => d.status === 'pending' && d.attemptLog.length >= 1) && ds;
    }, 30000, 'three failed first attempts');
    for (const d of pending) assert.match(d.lastError, /refused/);
    const ids = new Set(pending.map((d) => d.messageId));

    srv.child.kill('SIGKILL');
    await new Promise((resolve) => (srv.child.exitCode !== null || srv.child.signalCode !== null ? resolve() : srv.child.once('exit', resolve)));
    const up = await startReceiver({ port });
    up.secrets.set('/down', [ep.body.secret]);
    const { startServer } = await import('../e2e/server.mjs');
    const again = await startServer({ binary: srv.binary, dir: srv.dir, env: { ...ALLOW, PITCHREEL_ROLE: 'api' } });
    try {
      await eventually(() => new Set(up.at('/down').map((d) => d.id)).size === 3, 60000, 'every pending event after the restart');
      assert.deepEqual(new Set(up.at('/down').map((d) => d.id)), ids);
      for (const d of up.at('/down')) assert.deepEqual(d.verified, [true]);
      assert.deepEqual(new Set(up.at('/down').map((d) => d.json.data.id)), new Set(jobs));
    } finally {
      await again.stop();
      await up.close();
    }
  } finally {
    await srv.stop();
  }
});

test('a finished video is announced as job.succeeded with the job and its video', async () => {
  const full = await startTestServer(ALLOW); // role all: renders
  try {
    await addEndpoint(full, '/succeeded');
    const job = await full.api('POST', '/api/v1/jobs', { json: { image, script: SCRIPT, productId: 'hook-1', aspect: '1:1', height: 720 } });
    assert.equal(job.status, 202);
    const d = await eventually(() => receiver.at('/succeeded').find((x) => x.json?.type === 'job.succeeded'), 300000, 'job.succeeded');
    assertAllVerified('/succeeded');
    assert.equal(d.json.data.id, job.body.id);
    assert.equal(d.json.data.status, 'succeeded');
    assert.equal(d.json.data.video.productId, 'hook-1');
    const mp4 = await fetch(d.json.data.video.url);
    assert.equal(mp4.status, 200);
    // Deleting the video announces video.deleted.
    await full.api('DELETE', `/api/v1/videos/${d.json.data.video.id}`);
    const del = await eventually(() => receiver.at('/succeeded').find((x) => x.json?.type === 'video.deleted'), 30000, 'video.deleted');
    assert.equal(del.json.data.id, d.json.data.video.id);
    assert.equal(del.json.data.jobId, job.body.id);
  } finally {
    await full.stop();
  }
});

test('`pitchreel admin webhook` lists, disables and enables endpoints', async () => {
  const list = server.admin('webhook', 'list', '--org', 'default');
  assert.ok(list.length >= 1);
  const target = list[0];
  const off = server.admin('webhook', 'disable', '--org', 'default', '--id', target.id);
  assert.equal(off.enabled, false);
  const on = server.admin('webhook', 'enable', '--org', 'default', '--id', target.id);
  assert.equal(on.enabled, true);
  const r = spawnSync(server.binary, ['admin', '--data-dir', server.dataDir, 'webhook', 'disable', '--org', 'default', '--id', 'nope'], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
});
