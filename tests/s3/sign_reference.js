// Signs the requests in a JSON file with the AWS SDK for JavaScript's SigV4 signer
// (@smithy/signature-v4) and prints their signatures as a JSON array, so the C++ signer can
// be compared with an independent implementation (tests/unit/storage/sigv4_test.cpp).
// Each request: {method, host, path (raw), query, headers, payloadHash, presign, expires,
// now (unix s), accessKeyId, secret, region}.
'use strict';
const fs = require('fs');
const { SignatureV4 } = require('@smithy/signature-v4');
const { Sha256 } = require('@aws-crypto/sha256-js');

async function sign(r) {
  const signer = new SignatureV4({
    credentials: { accessKeyId: r.accessKeyId, secretAccessKey: r.secret },
    region: r.region,
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,  // S3: the path is encoded once, not twice
    applyChecksum: false,
  });
  // smithy encodes the path itself when escaping; with uriEscapePath=false it wants it encoded.
  const path = r.path.split('/').map((s) => encodeURIComponent(s).replace(/[!'()*]/g,
      (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())).join('/');
  const request = {
    method: r.method, protocol: 'https:', hostname: r.host, path,
    query: r.query, headers: Object.assign({ host: r.host }, r.headers),
  };
  const signingDate = new Date(r.now * 1000);
  if (r.presign) {
    // As the SDK's S3 presigner does: the payload is UNSIGNED-PAYLOAD, and that header is
    // neither moved into the query nor signed.
    request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    const only = new Set(['x-amz-content-sha256']);
    const signed = await signer.presign(request, {
      signingDate, expiresIn: r.expires, unhoistableHeaders: only, unsignableHeaders: only,
    });
    return signed.query['X-Amz-Signature'];
  }
  request.headers['x-amz-content-sha256'] = r.payloadHash;
  // smithy leaves a few headers (Cache-Control among them) unsigned by default; ask it to
  // sign every header given, as ours does.
  const signableHeaders = new Set(Object.keys(request.headers).map((h) => h.toLowerCase()));
  const signed = await signer.sign(request, { signingDate, signableHeaders });
  const auth = signed.headers['authorization'];
  return auth.slice(auth.indexOf('Signature=') + 10);
}

(async () => {
  const requests = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const out = [];
  for (const r of requests) out.push(await sign(r));
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { process.stderr.write(String(e) + '\n'); process.exit(1); });
