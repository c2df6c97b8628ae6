// The OpenAPI document a real `pitchreel serve` serves passes Redocly's recommended-strict
// rules (redocly.yaml) with no error and no warning, and the validator the conformance
// tests use rejects answers that break it (so a passing conformance run means something).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { contractValidator } from './openapi_validator.mjs';
import { startTestServer } from './server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
let server;
let doc;

before(async () => {
  server = await startTestServer();
  doc = await (await fetch(`${server.baseUrl}/api/v1/openapi.json`)).json();
});
after(() => server?.stop());

test('redocly lint: no error, no warning', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pitchreel-lint-'));
  try {
    const file = path.join(dir, 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    const cli = path.join(HERE, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
    const run = await promisify(execFile)(
      process.execPath,
      [cli, 'lint', file, '--config', path.join(HERE, 'redocly.yaml'), '--format=json'],
      { cwd: dir, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' }, maxBuffer: 64 << 20 },
    ).catch((e) => e); // exit 1 on errors: the report below says which
    const report = JSON.parse(run.stdout);
    const problems = report.problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    assert.deepEqual(problems, [], problems.join('\n'));
    assert.equal(report.totals.errors + report.totals.warnings, 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the validator rejects answers that break the document', async () => {
  const v = await contractValidator(server.baseUrl);
  const job = structuredClone(doc.components.schemas.Job.examples[0]);
  v.check('GET', '/api/v1/jobs/abc', 200, job);
  const missing = structuredClone(job);
  delete missing.createdAt;
  assert.throws(() => v.check('GET', '/api/v1/jobs/abc', 200, missing), /createdAt/);
  assert.throws(() => v.check('GET', '/api/v1/jobs/abc', 200, { ...job, extra: 1 }), /additional/);
  assert.throws(() => v.check('GET', '/api/v1/jobs/abc', 200, { ...job, queuePosition: 'first' }), /queuePosition/);
  assert.throws(() => v.check('GET', '/api/v1/jobs/abc', 200, { ...job, status: 'done' }), /status/);
  assert.throws(() => v.check('GET', '/api/v1/jobs/abc', 418, job), /does not list/);
  assert.throws(() => v.check('GET', '/api/v1/nothing-here', 200, {}), /no such path/);
  assert.throws(() => v.check('POST', '/api/v1/jobs', 400, { success: false, error: 'x' }), /code/);
});
