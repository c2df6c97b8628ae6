// The client's size as an app would ship it: dist/index.js bundled and minified with
// esbuild (ESM, browser), raw and gzip bytes.
//   node scripts/size.mjs   (after npm run build)

import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const out = await build({
  entryPoints: [path.join(HERE, '..', 'dist', 'index.js')],
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  write: false,
});
const code = out.outputFiles[0].contents;
console.log(`@pitchreel/client: ${code.length} bytes minified, ${zlib.gzipSync(code).length} bytes gzip`);
