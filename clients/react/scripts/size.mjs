// The component's size as an app would ship it, minified with esbuild (ESM, browser):
// with @pitchreel/client bundled in, and alone; React is the app's own, so external.
//   node scripts/size.mjs   (after npm run build here and in ../typescript)

import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const HERE = path.dirname(fileURLToPath(import.meta.url));
for (const [label, external] of [
  ['with @pitchreel/client', ['react', 'react-dom', 'react/jsx-runtime']],
  ['alone', ['react', 'react-dom', 'react/jsx-runtime', '@pitchreel/client']],
]) {
  const out = await build({
    entryPoints: [path.join(HERE, '..', 'dist', 'index.js')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external,
    write: false,
  });
  const code = out.outputFiles[0].contents;
  console.log(`@pitchreel/react ${label}: ${code.length} bytes minified, ${zlib.gzipSync(code).length} bytes gzip`);
}
