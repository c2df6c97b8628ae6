// ProductVideoGenerator and useVideoJob with Testing Library (jsdom) against a real
// `pitchreel serve`: voices, the live counter, a suggested script, a real video made from
// the product's imageUrl, errors beside their fields.

import '../test-support/dom.mjs';

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, afterEach, before, test } from 'node:test';

import { PitchreelClient } from '@pitchreel/client';
import { act, cleanup, fireEvent, render, renderHook, screen, waitFor, within } from '@testing-library/react';
import { createElement as h } from 'react';

import { productPng } from '../../../tests/contract/fixtures.mjs';
import { startTestServer } from '../../../tests/contract/server.mjs';
import { ProductVideoGenerator, useVideoJob } from '../dist/index.js';

const png = productPng();
const LONG = { timeout: 120000, interval: 50 };
let server;
let images;
let imageUrl;

before(async () => {
  server = await startTestServer({ PITCHREEL_ALLOW_PRIVATE_IMAGE_URLS: 'true' });
  images = http.createServer((_, res) => res.writeHead(200, { 'Content-Type': 'image/png' }).end(png));
  await new Promise((r) => images.listen(0, '127.0.0.1', r));
  imageUrl = `http://127.0.0.1:${images.address().port}/lamp.png`;
});
afterEach(cleanup);
after(async () => {
  images?.close();
  await server?.stop();
});

function renderGenerator(props = {}) {
  return render(
    h(ProductVideoGenerator, {
      baseUrl: server.baseUrl,
      getToken: async () => server.apiKey,
      productId: 'react-1',
      productName: 'Aurora lamp',
      productDescription: 'Warm light that lasts all night. Folds flat for travel.',
      imageUrl,
      ...props,
    }),
  );
}

test('voices load, the counter follows the script, an over-long script blocks the button', async () => {
  renderGenerator();
  const voice = screen.getByLabelText('Voice');
  await waitFor(() => assert.ok(voice.querySelectorAll('option').length > 0), LONG);
  const script = screen.getByLabelText('Script');
  fireEvent.change(script, { target: { value: 'Hello there' } });
  assert.ok(screen.getByText('11 / 500 characters'));
  fireEvent.change(script, { target: { value: 'é'.repeat(501) } });
  assert.ok(screen.getByText('501 / 500 characters'));
  assert.equal(script.getAttribute('aria-invalid'), 'true');
  assert.equal(screen.getByRole('button', { name: 'Make the video' }).disabled, true);
});

test('a suggested script and a voice sample', async () => {
  renderGenerator();
  fireEvent.click(screen.getByRole('button', { name: 'Suggest a script' }));
  const script = screen.getByLabelText('Script');
  await waitFor(() => assert.match(script.value, /Aurora lamp/), LONG);
  await waitFor(() => assert.ok(screen.getByLabelText('Voice').value), LONG);
  fireEvent.click(screen.getByRole('button', { name: 'Play a sample' }));
  const audio = await screen.findByLabelText('Voice sample', {}, LONG);
  assert.match(audio.getAttribute('src'), /^blob:/);
});

test('makes a real video from the product\'s imageUrl: progress, preview, download, onComplete', async () => {
  const completed = [];
  renderGenerator({ onComplete: (v) => completed.push(v) });
  fireEvent.change(screen.getByLabelText('Script'), { target: { value: 'Meet the Aurora lamp. Warm light, all night.' } });
  fireEvent.click(screen.getByLabelText('1:1 square'));
  fireEvent.click(screen.getByRole('button', { name: 'Make the video' }));
  const status = await screen.findByRole('status', {}, LONG);
  assert.ok(within(status).getByLabelText('Video progress'));
  const link = await screen.findByRole('link', { name: /Download the video/ }, LONG);
  assert.equal(completed.length, 1);
  assert.equal(completed[0].productId, 'react-1');
  assert.equal(completed[0].width, completed[0].height, '1:1 asked for');
  assert.equal(link.getAttribute('href'), completed[0].downloadUrl);
  const video = screen.getByLabelText('Video for Aurora lamp');
  assert.equal(video.getAttribute('src'), completed[0].url);
  assert.equal(within(status).getByLabelText('Video progress').value, 100);
  assert.ok(screen.getByText('Your video is ready.'));
});

test('the server\'s errors appear beside their fields', async () => {
  renderGenerator({ imageUrl: undefined });
  fireEvent.change(screen.getByLabelText('Script'), { target: { value: 'A short script.' } });
  fireEvent.click(screen.getByRole('button', { name: 'Make the video' }));
  assert.equal((await screen.findByRole('alert')).textContent, 'Choose a product photo.');

  const input = screen.getByLabelText('Product photo');
  const broken = new File([Buffer.from('<html>not a photo</html>')], 'photo.jpg', { type: 'image/jpeg' });
  fireEvent.change(input, { target: { files: [broken] } });
  fireEvent.click(screen.getByRole('button', { name: 'Make the video' }));
  await waitFor(() => assert.equal(input.getAttribute('aria-invalid'), 'true'), LONG);
  const error = document.getElementById(input.getAttribute('aria-describedby'));
  assert.match(error.textContent, /JPEG, PNG or WebP/);
});

test('useVideoJob follows a job to its video', async () => {
  const client = new PitchreelClient({ baseUrl: server.baseUrl, apiKey: server.apiKey });
  const phases = [];
  const { result } = renderHook(() => {
    const state = useVideoJob({ client });
    phases.push(state.phase);
    return state;
  });
  let video;
  await act(async () => {
    video = await result.current.start({ image: new Uint8Array(png), script: 'Hello from the hook.', aspect: '1:1', height: 720 });
  });
  assert.equal(result.current.phase, 'succeeded');
  assert.equal(result.current.percent, 100);
  assert.equal(result.current.video.id, video.id);
  assert.equal(phases[0], 'idle');
});
