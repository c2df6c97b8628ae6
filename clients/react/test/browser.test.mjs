// ProductVideoGenerator in Debian's Chromium: a product page built with Vite embeds it and
// makes a real video against a real `pitchreel serve` (the page's server forwards /api and
// /files to it, as a shop's own server would); axe finds no WCAG 2 A/AA violation. Prints
// the time from the page's first paint to the first progress it shows.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';
import { build } from 'vite';

import { productPng } from '../../../tests/contract/fixtures.mjs';
import { contractValidator } from '../../../tests/contract/openapi_validator.mjs';
import { startTestServer } from '../../../tests/contract/server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PAGE_DIR = path.join(HERE, '..', 'e2e', 'dist');
const CHROMIUM = process.env.PITCHREEL_CHROMIUM || '/usr/bin/chromium';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

let api;
let page_server;
let browser;
let validator;
const checked = [];

// The shop's server: the built page, the product photo, and /api + /files passed through
// to pitchreel. Each JSON answer passing through is checked against the OpenAPI document.
function pageServer(target) {
  const png = productPng(640, 480);
  return http.createServer((req, res) => {
    if (req.url.startsWith('/api/') || req.url.startsWith('/files/')) {
      const up = http.request(new URL(req.url, target), { method: req.method, headers: { ...req.headers, host: new URL(target).host, 'accept-encoding': 'identity' } }, (upRes) => {
        const type = upRes.headers['content-type'] || '';
        if (!type.startsWith('application/json')) {
          res.writeHead(upRes.statusCode, upRes.headers);
          upRes.pipe(res);
          return;
        }
        const chunks = [];
        upRes.on('data', (c) => chunks.push(c));
        upRes.on('end', () => {
          const body = Buffer.concat(chunks);
          try {
            validator.check(req.method, req.url, upRes.statusCode, JSON.parse(body));
            checked.push(`${req.method} ${req.url.split('?')[0]} ${upRes.statusCode}`);
          } catch (e) {
            checked.push(`NONCONFORMING ${e.message}`);
          }
          res.writeHead(upRes.statusCode, upRes.headers);
          res.end(body);
        });
      });
      req.pipe(up);
      up.on('error', () => res.writeHead(502).end());
      return;
    }
    if (req.url === '/lamp.png') return res.writeHead(200, { 'Content-Type': 'image/png' }).end(png);
    const file = path.join(PAGE_DIR, req.url === '/' || req.url.startsWith('/#') ? 'index.html' : path.normalize(req.url.split('?')[0]));
    if (!file.startsWith(PAGE_DIR) || !fs.existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
}

before(async () => {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: run \`make deps\` (installs Debian's chromium)`);
  await build({ configFile: path.join(HERE, '..', 'e2e', 'vite.config.mjs') });
  api = await startTestServer({ PITCHREEL_ALLOW_PRIVATE_IMAGE_URLS: 'true' });
  validator = await contractValidator(api.baseUrl);
  page_server = pageServer(api.baseUrl);
  await new Promise((r) => page_server.listen(0, '127.0.0.1', r));
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  page_server?.close();
  await api?.stop();
});

test('the component on a product page makes a real video; axe finds nothing', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // When the first progress shows, on the page's own clock (the same one as first paint).
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('progress')) {
        window.firstProgressAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const origin = `http://127.0.0.1:${page_server.address().port}`;
  await page.goto(`${origin}/#token=${api.apiKey}`);
  await page.getByRole('heading', { name: 'Aurora lamp', exact: true }).waitFor();
  await page.getByLabel('Voice').locator('option').first().waitFor({ state: 'attached' });

  await page.getByRole('button', { name: 'Suggest a script' }).click();
  await page.waitForFunction(() => document.querySelector('textarea').value.includes('Aurora'));
  await page.getByLabel('1:1 square').check();
  await page.getByRole('button', { name: 'Make the video' }).click();
  await page.getByRole('link', { name: /Download the video/ }).waitFor({ timeout: 180000 });

  const video = await page.evaluate(() => window.completedVideo);
  assert.equal(video.productId, 'aurora-42');
  const playable = await page.evaluate(async () => {
    const v = document.querySelector('video');
    if (v.readyState < 1) await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
    return { width: v.videoWidth, height: v.videoHeight, duration: v.duration };
  });
  assert.equal(playable.width, video.width);
  assert.ok(playable.duration > 1);

  const timing = await page.evaluate(() => ({
    firstPaint: performance.getEntriesByName('first-paint')[0]?.startTime,
    firstProgress: window.firstProgressAt,
  }));
  console.log(`browser: first paint ${timing.firstPaint?.toFixed(0)} ms, first progress ${timing.firstProgress?.toFixed(0)} ms; ` +
    `first paint -> first progress ${(timing.firstProgress - timing.firstPaint).toFixed(0)} ms (includes suggesting a script)`);

  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }));
  const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  assert.deepEqual(found, [], 'accessibility violations');

  const bad = checked.filter((c) => c.startsWith('NONCONFORMING'));
  assert.deepEqual(bad, [], 'answers that do not match the OpenAPI document');
  assert.ok(checked.length >= 4, `answers checked: ${checked.join(', ')}`);
  await page.close();
});
