import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

// The product page for the browser test, built into e2e/dist.
export default {
  root: here,
  logLevel: 'warn',
  esbuild: { jsx: 'automatic' },
  build: { outDir: path.join(here, 'dist'), emptyOutDir: true },
};
