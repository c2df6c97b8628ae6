// A local S3-compatible server for tests and benchmarks, bound to 127.0.0.1 only:
// s3rver (which stores objects in a folder but does not check SigV4 signatures), behind a
// gate that does check them with the AWS SDK's signer (@smithy/signature-v4) and can inject
// the faults of a remote store on request.
//
//   node s3_gate.js --dir DIR --bucket NAME --access-key ID --secret SECRET [--region R]
//
// Prints one line "s3-gate listening port=P" on stdout once ready; stops on SIGTERM/SIGINT
// or when stdin closes (so a crashed test leaves nothing running).
//
// Gate rules: every request must carry a valid SigV4 Authorization header or presigned
// query for the access key, secret and region given (403 SignatureDoesNotMatch otherwise;
// 403 AccessDenied "Request has expired" for an expired presigned URL), except an
// unsigned GET/HEAD of an object when --public is given (a public bucket URL).
// Control (not S3): POST /__gate/faults {faults: [...]} replaces the fault list; each fault
//   {match: {method, query}, count (-1 = always), status | dropAfterBytes | delayMs}
// answers matching requests with that status, cuts the connection after that many body
// bytes, or stalls that long before passing the request on. GET /__gate/requests lists
// what arrived ({method, path, query, status}); DELETE /__gate/requests clears the list;
// GET /__gate/uploads lists the multipart uploads started but neither completed nor aborted;
// parts of an aborted upload are refused with 404 NoSuchUpload, as S3 does.
// s3rver lacks AbortMultipartUpload (DELETE ?uploadId=), so the gate implements it on
// s3rver's folder: the parts are removed, 204; 404 NoSuchUpload for an unknown upload.
'use strict';
const fs = require('fs');
const http = require('http');
const nodePath = require('path');
const S3rver = require('s3rver');
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account');
const { SignatureV4 } = require('@smithy/signature-v4');
const { Sha256 } = require('@aws-crypto/sha256-js');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const region = args.region || 'us-east-1';
const isPublic = args.public === 'true';
DUMMY_ACCOUNT.createKeyPair(args['access-key'], args.secret);  // s3rver checks the key id only

let faults = [];
const seen = [];
const aborted = new Set();  // upload ids aborted through the gate

function xmlError(res, status, code, message) {
  res.writeHead(status, { 'Content-Type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

function parseAmzDate(s) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s || '');
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : null;
}

function signerFor(scopeRegion) {
  return new SignatureV4({
    credentials: { accessKeyId: args['access-key'], secretAccessKey: args.secret },
    region: scopeRegion, service: 's3', sha256: Sha256, uriEscapePath: false, applyChecksum: false,
  });
}

// Returns null when the request is signed correctly, else [status, code, message].
async function verify(req, path, query) {
  const auth = req.headers.authorization;
  const pick = (names) => {
    const h = {};
    for (const n of names) if (req.headers[n] !== undefined) h[n] = req.headers[n];
    return h;
  };
  if (auth) {
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) return [400, 'AuthorizationHeaderMalformed', 'Not a SigV4 Authorization header.'];
    if (m[1] !== args['access-key']) return [403, 'InvalidAccessKeyId', 'Unknown access key.'];
    if (m[3] !== region) return [400, 'AuthorizationHeaderMalformed', `Wrong region ${m[3]}.`];
    const date = parseAmzDate(req.headers['x-amz-date']);
    if (!date) return [403, 'AccessDenied', 'Missing x-amz-date.'];
    if (!req.headers['x-amz-content-sha256']) return [400, 'InvalidRequest', 'Missing x-amz-content-sha256.'];
    const names = m[4].split(';');
    const request = { method: req.method, protocol: 'http:', hostname: req.headers.host, path, query, headers: pick(names) };
    const signed = await signerFor(region).sign(request, { signingDate: date, signableHeaders: new Set(names) });
    const want = signed.headers.authorization.slice(signed.headers.authorization.indexOf('Signature=') + 10);
    return want === m[5] ? null : [403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'];
  }
  if (query['X-Amz-Signature']) {
    const cred = (query['X-Amz-Credential'] || '').split('/');
    if (cred[0] !== args['access-key']) return [403, 'InvalidAccessKeyId', 'Unknown access key.'];
    if (cred[2] !== region) return [400, 'AuthorizationQueryParametersError', `Wrong region ${cred[2]}.`];
    const date = parseAmzDate(query['X-Amz-Date']);
    const expires = Number(query['X-Amz-Expires']);
    if (!date || !(expires > 0)) return [400, 'AuthorizationQueryParametersError', 'Bad X-Amz-Date or X-Amz-Expires.'];
    const rest = {};
    for (const [k, v] of Object.entries(query)) if (!k.startsWith('X-Amz-')) rest[k] = v;
    const names = (query['X-Amz-SignedHeaders'] || 'host').split(';');
    const headers = pick(names);
    headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    const only = new Set(['x-amz-content-sha256']);
    const signed = await signerFor(region).presign(
      { method: req.method, protocol: 'http:', hostname: req.headers.host, path, query: rest, headers },
      { signingDate: date, expiresIn: expires, unhoistableHeaders: only, unsignableHeaders: only });
    if (signed.query['X-Amz-Signature'] !== query['X-Amz-Signature']) {
      return [403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'];
    }
    if (Date.now() > date.getTime() + expires * 1000) return [403, 'AccessDenied', 'Request has expired'];
    return null;
  }
  if (isPublic && (req.method === 'GET' || req.method === 'HEAD') && path.split('/').length > 2) return null;
  return [403, 'AccessDenied', 'Access Denied'];
}

function matches(fault, req, query) {
  const m = fault.match || {};
  if (m.method && m.method !== req.method) return false;
  if (m.query && !(m.query in query)) return false;
  return fault.count !== 0;
}

function uploadsDir(store) {
  return store.getResourcePath(args.bucket, undefined, 'uploads');
}

function control(req, res, path, store) {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    if (path === '/__gate/faults' && req.method === 'POST') {
      faults = JSON.parse(body || '{}').faults || [];
      res.writeHead(204); res.end(); return;
    }
    if (path === '/__gate/requests' && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(seen)); return;
    }
    if (path === '/__gate/uploads' && req.method === 'GET') {
      let pending = [];
      try { pending = fs.readdirSync(uploadsDir(store)).filter((id) => !aborted.has(id)); } catch (e) { pending = []; }
      res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(pending)); return;
    }
    if (path === '/__gate/requests' && req.method === 'DELETE') {
      seen.length = 0; res.writeHead(204); res.end(); return;
    }
    res.writeHead(404); res.end();
  });
}

async function main() {
  const backend = new S3rver({
    address: '127.0.0.1', port: 0, silent: true, directory: args.dir,
    configureBuckets: [{ name: args.bucket }], allowMismatchedSignatures: true,
  });
  const { port: backendPort } = await backend.run();

  const gate = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://gate');
    const rawPath = req.url.split('?')[0];
    if (rawPath.startsWith('/__gate/')) return control(req, res, rawPath, backend.store);
    const query = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const entry = { method: req.method, path: rawPath, query, status: 0 };
    seen.push(entry);
    res.on('finish', () => { entry.status = res.statusCode; });

    const fault = faults.find((f) => matches(f, req, query));
    if (fault && fault.count > 0) fault.count -= 1;
    if (fault && fault.status) {
      req.resume();
      return xmlError(res, fault.status, fault.status === 429 ? 'SlowDown' : 'InternalError', 'Injected fault.');
    }
    if (fault && fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));

    const problem = await verify(req, rawPath, query);
    if (problem) { req.resume(); return xmlError(res, ...problem); }

    if (query.uploadId !== undefined && aborted.has(query.uploadId)) {
      req.resume();
      return xmlError(res, 404, 'NoSuchUpload', 'The specified upload does not exist.');
    }
    if (req.method === 'DELETE' && query.uploadId !== undefined) {
      req.resume();
      const dir = nodePath.join(uploadsDir(backend.store), nodePath.basename(query.uploadId));
      if (!fs.existsSync(dir)) return xmlError(res, 404, 'NoSuchUpload', 'The specified upload does not exist.');
      // As S3 does, the upload is gone at once; a part still being written by s3rver when
      // the abort came is swept again shortly after.
      aborted.add(query.uploadId);
      fs.rmSync(dir, { recursive: true, force: true });
      setTimeout(() => fs.rmSync(dir, { recursive: true, force: true }), 1000);
      res.writeHead(204); res.end(); return;
    }

    const upstream = http.request({
      host: '127.0.0.1', port: backendPort, method: req.method, path: req.url, headers: req.headers,
    }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => { res.destroy(); });
    if (fault && fault.dropAfterBytes !== undefined) {
      let received = 0;
      req.on('data', (chunk) => {
        received += chunk.length;
        if (received > fault.dropAfterBytes) { req.socket.destroy(); upstream.destroy(); }
      });
    }
    req.pipe(upstream);
  });
  gate.keepAliveTimeout = 30000;
  gate.requestTimeout = 0;
  gate.listen(0, '127.0.0.1', () => {
    process.stdout.write(`s3-gate listening port=${gate.address().port}\n`);
  });
  const stop = () => { gate.close(); backend.close().finally(() => process.exit(0)); setTimeout(() => process.exit(0), 2000); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch((e) => { process.stderr.write(`s3-gate: ${e.stack || e}\n`); process.exit(1); });
