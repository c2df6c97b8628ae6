// A webhook receiver on loopback for the tests: every request is verified with the
// standardwebhooks package against the endpoint's secret(s), recorded, and answered as
// the path's behaviour says (see `behave`).

import http from 'node:http';

import { Webhook } from 'standardwebhooks';

export async function startReceiver({ port = 0 } = {}) {
  const receiver = {
    port: 0,
    secrets: new Map(), // path -> [secret, ...]: each must verify the delivery
    deliveries: [], // {path, id, timestamp, signature, body, verified: [bool per secret], json}
    seen: new Map(), // path -> count, for behaviours that change over time
  };
  const behave = (path, count) => {
    if (path.startsWith('/flaky')) return count === 1 ? { status: 500 } : { status: 200 };
    if (path.startsWith('/gone')) return { status: 410 };
    if (path.startsWith('/slow')) return count === 1 ? { status: 200, delayMs: 5000 } : { status: 200 };
    if (path.startsWith('/redirect')) return { status: 302, headers: { Location: '/ok' } };
    return { status: 204 };
  };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = {
        'webhook-id': req.headers['webhook-id'],
        'webhook-timestamp': req.headers['webhook-timestamp'],
        'webhook-signature': req.headers['webhook-signature'],
      };
      const path = req.url;
      const key = path.split('?')[0];
      const count = (receiver.seen.get(key) || 0) + 1;
      receiver.seen.set(key, count);
      const verified = (receiver.secrets.get(key) || []).map((secret) => {
        try {
          new Webhook(secret).verify(body, headers);
          return true;
        } catch {
          return false;
        }
      });
      let json = null;
      try {
        json = JSON.parse(body);
      } catch {}
      receiver.deliveries.push({ path: key, id: headers['webhook-id'], timestamp: headers['webhook-timestamp'], signature: headers['webhook-signature'], body, verified, json });
      const b = behave(key, count);
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(b.status, b.headers || {});
        res.end();
      };
      if (b.delayMs) setTimeout(answer, b.delayMs);
      else answer();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  receiver.port = server.address().port;
  receiver.url = (path) => `http://127.0.0.1:${receiver.port}${path}`;
  receiver.at = (path) => receiver.deliveries.filter((d) => d.path === path);
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    });
  return receiver;
}

// Polls `check` until it returns a truthy value or `ms` pass.
export async function eventually(check, ms = 60000, what = 'condition') {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
