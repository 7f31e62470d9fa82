// Vite config for the UI benchmark page only (renderer/bench.html): the app's own config
// (renderer/vite.config.ts) builds index.html; this one builds the benchmark harness beside it.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('../renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  logLevel: 'warn',
  worker: { format: 'es' },
  build: {
    // bench/ui.ts overrides outDir with a temp folder.
    outDir: fileURLToPath(new URL('../out/bench-ui', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    rollupOptions: { input: { bench: fileURLToPath(new URL('../renderer/bench.html', import.meta.url)) } },
  },
});
