// A real `pitchreel serve` on a loopback port for the browser tests, started and stopped
// by the test itself. Like tests/support/server_process: a scrubbed environment (the
// parent's PITCHREEL_* and JWT settings removed, the test's own added), a scratch working
// directory (no stray .env), and the first-run key and sign-in URL read from stdout.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const LISTENING = 'pitchreel listening on ';
const KEY_LINE = 'API key (shown once, keep it safe): ';
const URL_LINE = 'Sign in to the web UI:';

function isServiceSetting(name) {
  return (
    name.startsWith('PITCHREEL_') ||
    ['SUPABASE_JWT_SECRET', 'JWT_SECRET', 'JWKS_FILE', 'JWKS_URL', 'JWT_AUDIENCE'].includes(name)
  );
}

export async function startServer({ binary, dir, env = {}, timeoutMs = 30000 }) {
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  const childEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!isServiceSetting(k)) childEnv[k] = v;
  Object.assign(childEnv, env);
  const stderr = fs.openSync(path.join(dir, 'serve.stderr.log'), 'w');
  const child = spawn(binary, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir], {
    cwd: dir,
    env: childEnv,
    stdio: ['ignore', 'pipe', stderr],
  });
  let out = '';
  const server = { child, dataDir, dir, binary, baseUrl: '', apiKey: '', firstRunUrl: '' };
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pitchreel serve did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`pitchreel serve exited (${code ?? signal}) before listening:\n${out}\n${logTail(dir)}`));
    });
    child.stdout.setEncoding('utf8');
    // Drained for the whole run, so the server never blocks on a full pipe.
    child.stdout.on('data', (chunk) => {
      out += chunk;
      for (const line of out.split('\n')) {
        if (line.includes(KEY_LINE)) server.apiKey = line.slice(line.indexOf(KEY_LINE) + KEY_LINE.length).trim();
        if (line.includes(URL_LINE)) server.firstRunUrl = line.slice(line.indexOf(URL_LINE) + URL_LINE.length).trim();
        if (line.startsWith(LISTENING) && !server.baseUrl) {
          server.baseUrl = line.slice(LISTENING.length).trim();
          clearTimeout(timer);
          child.removeAllListeners('exit');
          resolve();
        }
      }
    });
  });
  server.stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 20000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  // `pitchreel admin --data-dir DIR <args...> --json`, parsed.
  server.admin = (...args) => {
    const r = spawnSync(binary, ['admin', '--data-dir', dataDir, ...args, '--json'], { cwd: dir, env: childEnv, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pitchreel admin ${args.join(' ')} failed (${r.status}): ${r.stdout}${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  // A JSON API call with a bearer token (the owner's key unless given).
  server.api = async (method, pathAndQuery, { token = server.apiKey, json } = {}) => {
    const res = await fetch(server.baseUrl + pathAndQuery, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(json ? { 'Content-Type': 'application/json' } : {}) },
      body: json ? JSON.stringify(json) : undefined,
    });
    const text = await res.text();
    let body = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status, body, headers: res.headers };
  };
  server.log = () => logTail(dir);
  return server;
}

function logTail(dir) {
  try {
    const text = fs.readFileSync(path.join(dir, 'serve.stderr.log'), 'utf8');
    return text.slice(-8000);
  } catch {
    return '';
  }
}
