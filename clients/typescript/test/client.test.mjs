// @pitchreel/client against a real `pitchreel serve` (started here, on loopback). Every
// JSON answer the client receives is also validated against the served OpenAPI document.

import assert from 'node:assert/strict';
import fs from 'node:fs';
// Node 18 has File in node:buffer only; from Node 20 it is also a global.
import { File } from 'node:buffer';
import http from 'node:http';
import { after, before, test } from 'node:test';

import { productPng } from '../../../tests/contract/fixtures.mjs';
import { contractValidator } from '../../../tests/contract/openapi_validator.mjs';
import { startTestServer } from '../../../tests/contract/server.mjs';
import { JobFailedError, PitchreelClient, PitchreelError } from '../dist/index.js';
import { SCHEMA_FILE, typesFrom } from '../scripts/generate-types.mjs';

const SCRIPT = 'Meet the Aurora lamp. Warm light, all night.';
const png = productPng();
let server;
let validator;
let client;

before(async () => {
  server = await startTestServer({ PITCHREEL_ALLOW_PRIVATE_IMAGE_URLS: 'true' });
  validator = await contractValidator(server.baseUrl);
  client = new PitchreelClient({ baseUrl: server.baseUrl, apiKey: server.apiKey, fetch: validator.checkingFetch(fetch) });
});
after(() => server?.stop());

const small = { script: SCRIPT, aspect: '1:1', height: 720 };

test('the checked-in types are what openapi-typescript makes of the served document', async () => {
  const fresh = await typesFrom(validator.doc);
  const stale = fs.readFileSync(SCHEMA_FILE, 'utf8') !== fresh;
  assert.equal(stale, false, 'src/schema.ts is stale: run `npm run generate` in clients/typescript');
});

test('info, me, voices and a suggested script', async () => {
  const info = await client.info();
  assert.equal(info.maxScriptCharacters, 500);
  assert.equal((await client.me()).role, 'owner');
  const voices = await client.voices();
  assert.ok(voices.some((v) => v.backend === 'espeak'));
  const wav = await client.voicePreview(voices[0].id);
  assert.equal(Buffer.from(await wav.slice(0, 4).arrayBuffer()).toString('latin1'), 'RIFF');
  const s = await client.suggestScript({ productName: 'Aurora lamp', productDescription: 'Warm light. Lasts all night.' });
  assert.ok(s.script.includes('Aurora'));
});

test('createJob with bytes, waitForJob over events with progress, getVideo, deleteVideo', async () => {
  const job = await client.createJob({ ...small, image: new Uint8Array(png), productId: 'ts-bytes' });
  assert.ok(['queued', 'running'].includes(job.status));
  const seen = [];
  const done = await client.waitForJob(job.id, { onProgress: (j) => seen.push(j) });
  assert.equal(done.status, 'succeeded');
  assert.ok(seen.length >= 1);
  assert.equal(seen.at(-1).status, 'succeeded');
  const video = await client.getVideo(done.video.id);
  assert.equal(video.productId, 'ts-bytes');
  assert.equal((await fetch(video.posterUrl)).status, 200);
  await client.deleteVideo(video.id);
  await assert.rejects(client.getVideo(video.id), (e) => e instanceof PitchreelError && e.code === 'not_found' && e.status === 404);
});

test('createJob with a File, a Blob, an image URL and a data: URL', async () => {
  const file = new File([png], 'lamp.png', { type: 'image/png' });
  const byFile = await client.createJob({ ...small, image: file, productId: 'ts-inputs' });
  const byBlob = await client.createJob({ ...small, image: new Blob([png], { type: 'image/png' }), productId: 'ts-inputs' });
  const dataUrl = await client.createJob({ ...small, image: `data:image/png;base64,${png.toString('base64')}`, productId: 'ts-inputs' });
  // The image at a URL the server fetches (a loopback server here).
  const images = http.createServer((_, res) => res.writeHead(200, { 'Content-Type': 'image/png' }).end(png));
  await new Promise((r) => images.listen(0, '127.0.0.1', r));
  try {
    const byUrl = await client.createJob({ ...small, image: `http://127.0.0.1:${images.address().port}/lamp.png`, productId: 'ts-inputs' });
    for (const job of [byFile, byBlob, dataUrl, byUrl]) assert.equal((await client.waitForJob(job.id)).status, 'succeeded');
  } finally {
    images.close();
  }
  // listVideos walks every page: 4 videos at 1 per page.
  const ids = [];
  for await (const v of client.listVideos({ productId: 'ts-inputs', pageSize: 1 })) ids.push(v.id);
  assert.equal(ids.length, 4);
  assert.equal(new Set(ids).size, 4);
});

test('typed errors carry the code, the status and the request id', async () => {
  await assert.rejects(client.createJob({ image: new Uint8Array(png), script: 'x'.repeat(501) }), (e) => {
    assert.ok(e instanceof PitchreelError);
    assert.equal(e.code, 'script_too_long');
    assert.equal(e.status, 400);
    assert.match(e.message, /500/);
    assert.ok(e.requestId);
    return true;
  });
  const wrong = new PitchreelClient({ baseUrl: server.baseUrl, apiKey: 'prk_wrong' });
  await assert.rejects(wrong.me(), (e) => e.code === 'unauthorized' && e.status === 401);
  const nowhere = new PitchreelClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'x' });
  await assert.rejects(nowhere.info(), (e) => e.code === 'network_error' && e.status === 0);
});

test('a 429 carries retryAfter in seconds', async () => {
  const limited = await startTestServer({ PITCHREEL_RATE_PER_USER_HOUR: '1' });
  try {
    const c = new PitchreelClient({ baseUrl: limited.baseUrl, getToken: async () => limited.apiKey });
    await c.createJob({ ...small, image: new Uint8Array(png) });
    await assert.rejects(c.createJob({ ...small, image: new Uint8Array(png) }), (e) => {
      assert.equal(e.code, 'rate_limited');
      assert.equal(e.status, 429);
      assert.ok(e.retryAfter > 0, `retryAfter ${e.retryAfter}`);
      return true;
    });
  } finally {
    await limited.stop();
  }
});

test('waitForJob reconnects when the event stream drops, and polls when it is unavailable', async () => {
  // The stream cut after its first event (as a proxy's idle timeout would).
  let streams = 0;
  const cutting = async (input, init) => {
    const res = await fetch(input, init);
    if (!String(input).endsWith('/events')) return res;
    streams += 1;
    const reader = res.body.getReader();
    const first = new ReadableStream({
      async pull(controller) {
        const { value, done } = await reader.read();
        if (!done) controller.enqueue(value);
        await reader.cancel();
        controller.close();
      },
    });
    return new Response(first, { status: res.status, headers: res.headers });
  };
  const reconnecting = new PitchreelClient({ baseUrl: server.baseUrl, apiKey: server.apiKey, fetch: cutting });
  const a = await reconnecting.createJob({ ...small, image: new Uint8Array(png) });
  assert.equal((await reconnecting.waitForJob(a.id)).status, 'succeeded');
  assert.ok(streams >= 2, `reconnected (${streams} streams)`);

  // No event stream at all (refused as a network error): polling.
  let polls = 0;
  const noStream = async (input, init) => {
    if (String(input).endsWith('/events')) throw new TypeError('fetch failed');
    if (String(input).includes('/api/v1/jobs/')) polls += 1;
    return fetch(input, init);
  };
  const polling = new PitchreelClient({ baseUrl: server.baseUrl, apiKey: server.apiKey, fetch: noStream });
  const b = await polling.createJob({ ...small, image: new Uint8Array(png) });
  const done = await polling.waitForJob(b.id, { pollIntervalMs: 100, maxStreamAttempts: 2 });
  assert.equal(done.status, 'succeeded');
  assert.ok(polls >= 1);
});

test('waitForJob honours an AbortSignal; a canceled job rejects with JobFailedError', async () => {
  const job = await client.createJob({ ...small, image: new Uint8Array(png) });
  const controller = new AbortController();
  const waiting = client.waitForJob(job.id, { signal: controller.signal, onProgress: () => controller.abort(new Error('stop waiting')) });
  await assert.rejects(waiting, /stop waiting/);

  const slow = await client.createJob({ ...small, image: new Uint8Array(png) });
  await client.cancelJob(slow.id);
  await assert.rejects(client.waitForJob(slow.id), (e) => e instanceof JobFailedError && e.job.status === 'canceled');
  await client.waitForJob(job.id).catch(() => {});
});

test('the seed call answers the seed\'s shape', async () => {
  const r = await client.generateVideo({ ...small, image: new Blob([png], { type: 'image/png' }), productId: 'seed-ts' });
  assert.equal(r.success, true);
  assert.ok(r.videoUrl && r.jobId && r.posterUrl);
});
