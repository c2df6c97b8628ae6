// A real `pitchreel serve` for the contract and client tests: the browser tests' launcher
// (tests/e2e/server.mjs), with the binary found from PITCHREEL_BINARY or the build folder.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startServer } from '../e2e/server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function pitchreelBinary() {
  const binary = process.env.PITCHREEL_BINARY || path.join(ROOT, 'build', 'pitchreel');
  if (!fs.existsSync(binary)) throw new Error(`${binary} is missing: build it (ninja -C build pitchreel) or set PITCHREEL_BINARY`);
  return binary;
}

// A server in its own temp folder, removed by stop().
export async function startTestServer(env = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pitchreel-contract-'));
  const server = await startServer({
    binary: pitchreelBinary(),
    dir,
    // Small, quick videos; the rate limits out of the way of a test that makes several.
    env: { PITCHREEL_RATE_PER_USER_HOUR: '1000', PITCHREEL_RATE_PER_ORG_DAY: '1000', ...env },
  });
  const stop = server.stop;
  server.stop = async () => {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return server;
}
