// Conformance: every JSON answer a real `pitchreel serve` gives in these scenarios (and
// every `job` event it streams) is validated against the OpenAPI document the same server
// serves. A field added to an answer without its schema, a missing required field, a null
// where the document promises a number, or a status the document does not list fails here.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { productPng } from './fixtures.mjs';
import { contractValidator } from './openapi_validator.mjs';
import { startTestServer } from './server.mjs';

let server;
let v;
let api; // (method, path, {token, json, form, headers}) -> {status, body, headers}, checked

before(async () => {
  server = await startTestServer();
  v = await contractValidator(server.baseUrl);
  const checked = v.checkingFetch(fetch);
  api = async (method, path, { token = server.apiKey, json, form, headers = {} } = {}) => {
    const res = await checked(server.baseUrl + path, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(json ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: json ? JSON.stringify(json) : form,
    });
    const type = res.headers.get('content-type') || '';
    return { status: res.status, body: type.startsWith('application/json') ? await res.json() : await res.text(), headers: res.headers };
  };
});

after(async () => {
  if (v) console.log(`conformance: checked ${v.checked.length} answers: ${[...new Set(v.checked)].sort().join(', ')}`);
  await server?.stop();
});

const png = productPng();
const dataUrl = `data:image/png;base64,${png.toString('base64')}`;
const SCRIPT = 'Meet the Aurora lamp. Warm light, all night.';

function productForm(fields) {
  const form = new FormData();
  form.append('image', new Blob([png], { type: 'image/png' }), 'product.png');
  for (const [k, val] of Object.entries(fields)) form.append(k, String(val));
  return form;
}

// Reads the job's event stream to its end (the server closes it once the job has finished).
async function followEvents(id) {
  const res = await fetch(`${server.baseUrl}/api/v1/jobs/${id}/events`, {
    headers: { Authorization: `Bearer ${server.apiKey}` },
    signal: AbortSignal.timeout(240000),
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/event-stream/);
  return v.checkEvents(`/api/v1/jobs/${id}/events`, await res.text());
}

test('the document is OpenAPI 3.1 with an operationId on every operation', () => {
  assert.equal(v.doc.openapi, '3.1.0');
  const ids = [];
  for (const [p, item] of Object.entries(v.doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      assert.ok(op.operationId, `${method} ${p} has no operationId`);
      ids.push(op.operationId);
    }
  }
  assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
});

test('every example in the document matches its own schema', () => {
  for (const [name, schema] of Object.entries(v.doc.components.schemas)) {
    for (const example of schema.examples || []) {
      const validate = v.ajv.compile({ $ref: `${v.docId}#/components/schemas/${name}` });
      assert.ok(validate(example), `${name} example: ${v.ajv.errorsText(validate.errors)}`);
    }
  }
});

test('what the server offers matches the document\'s enums and limits', async () => {
  const info = (await api('GET', '/api/v1/info', { token: null })).body;
  const req = v.doc.components.schemas.JobRequestJson.properties;
  assert.equal(req.script.maxLength, info.maxScriptCharacters);
  assert.deepEqual(req.aspect.enum, info.aspects);
  assert.deepEqual(req.height.enum, info.heights);
  assert.deepEqual(req.layout.enum, info.features.layouts);
  assert.equal((await api('GET', '/healthz', { token: null })).status, 200);
  assert.equal((await api('GET', '/readyz', { token: null })).status, 200);
});

test('identity, voices and script suggestions conform', async () => {
  const me = await api('GET', '/api/v1/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.role, 'owner');
  const voices = await api('GET', '/api/v1/voices');
  assert.equal(voices.status, 200);
  assert.ok(voices.body.voices.length > 0);
  const suggestion = await api('POST', '/api/v1/scripts/suggest', {
    json: { productName: 'Aurora lamp', productDescription: 'Warm light. Lasts all night. Folds flat.' },
  });
  assert.equal(suggestion.status, 200);
  assert.ok(suggestion.body.characters <= 500);
  const bad = await api('POST', '/api/v1/scripts/suggest', { json: undefined, headers: { 'Content-Type': 'application/json' } });
  assert.equal(bad.status, 400);
});

test('a wrong, short API key is answered as a wrong key; no key is a 401 too', async () => {
  const wrong = await api('GET', '/api/v1/me', { token: 'prk_wrong' });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.code, 'unauthorized');
  assert.match(wrong.body.error, /API key/);
  assert.doesNotMatch(wrong.body.error, /JWT|token is not/i);
  assert.equal((await api('GET', '/api/v1/me', { token: null })).status, 401);
});

test('bad job requests get a stable code and a sentence saying what to send', async () => {
  const notBase64 = await api('POST', '/api/v1/jobs', { json: { image: 'not an image!', script: SCRIPT } });
  assert.equal(notBase64.status, 400);
  assert.equal(notBase64.body.code, 'image_not_base64');
  assert.match(notBase64.body.error, /imageUrl|multipart/);
  const tooLong = await api('POST', '/api/v1/jobs', { json: { image: dataUrl, script: 'a'.repeat(501) } });
  assert.equal(tooLong.status, 400);
  assert.equal(tooLong.body.code, 'script_too_long');
  const aspect = await api('POST', '/api/v1/jobs', { json: { image: dataUrl, script: SCRIPT, aspect: '4:3' } });
  assert.equal(aspect.status, 400);
  assert.equal(aspect.body.code, 'invalid_aspect');
  const missing = await api('POST', '/api/v1/jobs', { json: { script: SCRIPT } });
  assert.equal(missing.body.code, 'image_missing');
  const missingJob = await api('GET', '/api/v1/jobs/00000000-0000-0000-0000-000000000000');
  assert.equal(missingJob.status, 404);
  const missingVideo = await api('GET', '/api/v1/videos/00000000-0000-0000-0000-000000000000');
  assert.equal(missingVideo.status, 404);
});

test('a job from a JSON body with a data-URL image runs to a video; every answer and event conforms', async () => {
  const created = await api('POST', '/api/v1/jobs', {
    json: { image: dataUrl, script: SCRIPT, productId: 'aurora-1', aspect: '1:1', height: 720 },
    headers: { 'Idempotency-Key': 'contract-json-1' },
  });
  assert.equal(created.status, 202);
  const job = created.body;
  assert.equal(job.productId, 'aurora-1');
  assert.equal(job.statusUrl, `${server.baseUrl}/api/v1/jobs/${job.id}`);
  if (job.status === 'queued') assert.equal(typeof job.queuePosition, 'number');
  else assert.equal(job.queuePosition, null);

  const replay = await api('POST', '/api/v1/jobs', {
    json: { image: dataUrl, script: SCRIPT, productId: 'aurora-1' },
    headers: { 'Idempotency-Key': 'contract-json-1' },
  });
  assert.equal(replay.status, 200);
  assert.equal(replay.body.id, job.id);

  const events = await followEvents(job.id);
  assert.ok(events.length >= 1);
  for (const e of events) if (e.status !== 'queued') assert.equal(e.queuePosition, null, 'queuePosition is null unless queued');
  assert.equal(events.at(-1).status, 'succeeded', JSON.stringify(events.at(-1).error));

  const done = await api('GET', `/api/v1/jobs/${job.id}`);
  assert.equal(done.status, 200);
  assert.equal(done.body.queuePosition, null);
  assert.ok(done.body.updatedAt >= done.body.createdAt);
  const video = done.body.video;
  assert.equal(video.productId, 'aurora-1');
  assert.equal(video.width, 720);

  const one = await api('GET', `/api/v1/videos/${video.id}`);
  assert.equal(one.status, 200);
  assert.equal(one.body.id, video.id);
  const mp4 = await fetch(one.body.url);
  assert.equal(mp4.status, 200);
  assert.equal((await mp4.arrayBuffer()).byteLength, one.body.size);

  const canceled = await api('POST', `/api/v1/jobs/${job.id}/cancel`);
  assert.equal(canceled.status, 409, 'a finished job cannot be canceled');
});

test('a multipart job can be canceled; the video list pages and deletes conform', async () => {
  const a = await api('POST', '/api/v1/jobs', { form: productForm({ script: SCRIPT, productId: 'list-1', aspect: '1:1', height: '720' }) });
  assert.equal(a.status, 202);
  const canceled = await api('POST', `/api/v1/jobs/${a.body.id}/cancel`);
  assert.equal(canceled.status, 202);
  const after = await followEvents(a.body.id);
  assert.equal(after.at(-1).status, 'canceled');

  const b = await api('POST', '/api/v1/jobs', { form: productForm({ script: SCRIPT, productId: 'list-1', aspect: '9:16', height: '720' }) });
  assert.equal(b.status, 202);
  assert.equal((await followEvents(b.body.id)).at(-1).status, 'succeeded');

  const page1 = await api('GET', '/api/v1/videos?limit=1');
  assert.equal(page1.status, 200);
  assert.equal(page1.body.videos.length, 1);
  assert.equal(typeof page1.body.nextCursor, 'string');
  const page2 = await api('GET', `/api/v1/videos?limit=100&cursor=${encodeURIComponent(page1.body.nextCursor)}`);
  assert.equal(page2.body.nextCursor, null);
  const mine = await api('GET', '/api/v1/videos?productId=list-1');
  assert.equal(mine.body.videos.length, 1);
  const id = mine.body.videos[0].id;
  const removed = await api('DELETE', `/api/v1/videos/${id}`);
  assert.equal(removed.status, 200);
  assert.deepEqual(removed.body, { success: true, id });
  assert.equal((await api('GET', `/api/v1/videos/${id}`)).status, 404);
  assert.equal((await api('GET', '/api/v1/videos?limit=many')).status, 400);
});

test('the seed endpoint answers the seed\'s shape with jobId and posterUrl', async () => {
  const res = await api('POST', '/api/generate-video', { form: productForm({ script: SCRIPT, productId: 'seed-1', aspect: '1:1', height: '720' }) });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.success, true);
  assert.ok(res.body.videoUrl && res.body.posterUrl && res.body.jobId);
  const job = await api('GET', `/api/v1/jobs/${res.body.jobId}`);
  assert.equal(job.body.video.fileName, res.body.fileName);
});

test('the seed endpoint\'s 202 (still rendering) is what the document says', async () => {
  const quick = await startTestServer({ PITCHREEL_SEED_WAIT_S: '0' });
  try {
    const qv = await contractValidator(quick.baseUrl);
    const res = await fetch(`${quick.baseUrl}/api/generate-video`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${quick.apiKey}` },
      body: productForm({ script: SCRIPT, aspect: '1:1', height: '720' }),
    });
    const body = await res.json();
    assert.equal(res.status, 202, JSON.stringify(body));
    qv.check('POST', '/api/generate-video', 202, body);
    assert.equal(body.pending, true);
    assert.equal(body.statusUrl, `${quick.baseUrl}/api/v1/jobs/${body.jobId}`);
    assert.equal(res.headers.get('location'), `/api/v1/jobs/${body.jobId}`);
  } finally {
    await quick.stop();
  }
});

test('batches and usage: every answer and batch event conforms', async () => {
  const items = [
    { productId: 'b-1', productName: 'Aurora lamp', imageUrl: 'https://127.0.0.1:9/lamp.jpg', script: SCRIPT },
    { productId: 'b-2', imageUrl: 'https://127.0.0.1:9/lamp2.jpg', script: SCRIPT, colour: 'red' },
  ];
  const dry = await api('POST', '/api/v1/batches?dryRun=true', { json: { defaults: { height: 720 }, items } });
  assert.equal(dry.status, 200);
  assert.equal(dry.body.valid, true);
  assert.deepEqual(dry.body.ignoredFields, ['colour']);
  const bad = await api('POST', '/api/v1/batches', { json: { items: [{ productName: 'x' }, ...items] } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.problems[0].row, 1);
  const form = new FormData();
  form.append('file', new Blob(['productId,imageUrl\nc-1,https://127.0.0.1:9/a.jpg\n'], { type: 'text/csv' }), 'p.csv');
  const csvDry = await api('POST', '/api/v1/batches?dryRun=true', { form });
  assert.equal(csvDry.body.valid, false, 'no script and no name');
  assert.equal(csvDry.body.problems[0].row, 2);

  // The photos are on a loopback address this server refuses: each item fails on its own.
  const created = await api('POST', '/api/v1/batches', { json: { defaults: { height: 720, aspect: '1:1' }, items } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const res = await fetch(`${server.baseUrl}/api/v1/batches/${created.body.id}/events`, {
    headers: { Authorization: `Bearer ${server.apiKey}` },
    signal: AbortSignal.timeout(240000),
  });
  const events = v.checkEvents(`/api/v1/batches/${created.body.id}/events`, await res.text());
  assert.equal(events.at(-1).status, 'completed');
  const one = await api('GET', `/api/v1/batches/${created.body.id}`);
  assert.equal(one.body.items.length, 2);
  assert.equal(one.body.items[0].job.batchId, created.body.id);
  assert.equal((await api('GET', '/api/v1/batches?limit=5')).status, 200);
  assert.equal((await api('POST', `/api/v1/batches/${created.body.id}/cancel`)).status, 202);
  assert.equal((await api('GET', '/api/v1/batches/00000000-0000-0000-0000-000000000000')).status, 404);

  const usage = await api('GET', '/api/v1/usage');
  assert.equal(usage.status, 200);
  assert.ok(usage.body.total.failed >= 2);
  assert.equal(usage.body.total.cost, undefined, 'no price is set');
  assert.equal((await api('GET', '/api/v1/usage?granularity=month&from=2026-01-01&to=2026-12-31')).status, 200);
  assert.equal((await api('GET', '/api/v1/usage?from=yesterday')).body.code, 'invalid_date');

  const small = await startTestServer({ PITCHREEL_RATE_PER_ORG_DAY: '1', PRICE_GPU_HOUR: '2.5' });
  try {
    const sv = await contractValidator(small.baseUrl);
    const r = await fetch(`${small.baseUrl}/api/v1/batches`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${small.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ items }),
    });
    const body = await r.json();
    assert.equal(r.status, 429);
    sv.check('POST', '/api/v1/batches', 429, body);
    assert.equal(body.fitsNow, 1);
    const u = await fetch(`${small.baseUrl}/api/v1/usage`, { headers: { Authorization: `Bearer ${small.apiKey}` } });
    const ub = await u.json();
    sv.check('GET', '/api/v1/usage', 200, ub);
    assert.deepEqual(ub.total.cost, { gpu: 0, total: 0 });
  } finally {
    await small.stop();
  }
});
