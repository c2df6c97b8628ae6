// Permanent links on local storage: with PITCHREEL_PUBLIC_FILES the seed's videoUrl and
// Video.publicUrl are /public/{key} links that need no signature and never expire, while
// GET /api/v1/videos/{id} keeps handing out freshly signed `url`s. Off by default.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { productPng } from './fixtures.mjs';
import { contractValidator } from './openapi_validator.mjs';
import { startTestServer } from './server.mjs';

const png = productPng();

async function seedVideo(server, v) {
  const form = new FormData();
  form.append('image', new Blob([png], { type: 'image/png' }), 'product.png');
  form.append('script', 'Meet the Aurora lamp.');
  form.append('productId', 'public-1');
  form.append('aspect', '1:1');
  form.append('height', '720');
  const res = await v.checkingFetch(fetch)(`${server.baseUrl}/api/generate-video`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.apiKey}` },
    body: form,
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  const job = await (await v.checkingFetch(fetch)(`${server.baseUrl}/api/v1/jobs/${body.jobId}`, {
    headers: { Authorization: `Bearer ${server.apiKey}` },
  })).json();
  return { seed: body, video: job.video };
}

test('with PITCHREEL_PUBLIC_FILES, videos get permanent links; the API still signs url', async () => {
  const server = await startTestServer({ PITCHREEL_PUBLIC_FILES: 'true', PITCHREEL_URL_EXPIRY_S: '60' });
  try {
    const v = await contractValidator(server.baseUrl);
    const { seed, video } = await seedVideo(server, v);
    assert.match(seed.videoUrl, new RegExp(`^${server.baseUrl}/public/.+/videos/ai-generated/product-public-1-[a-z2-7]+\\.mp4$`));
    assert.equal(video.publicUrl, seed.videoUrl);
    assert.match(video.url, /[?&]sig=/, 'the API url stays signed');

    const whole = await fetch(seed.videoUrl);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'video/mp4');
    assert.equal((await whole.arrayBuffer()).byteLength, video.size);
    const part = await fetch(seed.videoUrl, { headers: { Range: 'bytes=0-99' } });
    assert.equal(part.status, 206);
    assert.equal((await part.arrayBuffer()).byteLength, 100);

    // Only finished videos' files: other keys and traversal are not served.
    const folder = seed.videoUrl.slice(0, seed.videoUrl.indexOf('/videos/'));
    for (const other of [`${folder}/uploads/x.img`, `${server.baseUrl}/public/../data/pitchreel.db`]) {
      const res = await fetch(other);
      assert.equal(res.status, 404, other);
      await res.body?.cancel();
    }
    // Deleted videos' links stop working.
    const del = await fetch(`${server.baseUrl}/api/v1/videos/${video.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${server.apiKey}` },
    });
    assert.equal(del.status, 200);
    assert.equal((await fetch(seed.videoUrl)).status, 404);
  } finally {
    await server.stop();
  }
});

test('without it, publicUrl is null, the seed answers the signed url and /public is closed', async () => {
  const server = await startTestServer();
  try {
    const v = await contractValidator(server.baseUrl);
    const { seed, video } = await seedVideo(server, v);
    assert.equal(video.publicUrl, null);
    assert.match(seed.videoUrl, /\/files\/.+[?&]sig=/);
    const key = new URL(seed.videoUrl).pathname.replace(/^\/files\//, '');
    const res = await fetch(`${server.baseUrl}/public/${key}`);
    assert.equal(res.status, 404);
    assert.match((await res.json()).error, /PITCHREEL_PUBLIC_FILES/);
  } finally {
    await server.stop();
  }
});
