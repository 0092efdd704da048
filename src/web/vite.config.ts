// Builds the web UI (this folder) into web/ at the package root, which `slsk daemon` serves at `/`.
// Preact's JSX through Vite's own transform: no plugin, no Babel.

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../web', import.meta.url)),
    emptyOutDir: true,
    // One request for the script and one for the styles; hashed names, so they can be cached for good.
    assetsDir: 'assets',
    reportCompressedSize: true,
  },
  logLevel: 'warn',
});
