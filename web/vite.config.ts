import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The web shell: built into web/dist, which the platform serves for every non-/api path (SPA). */
const root = fileURLToPath(new URL('.', import.meta.url));
/** The repository: the web app imports the pure code checks of src/kernel/codes (no Node imports) from it. */
const repository = fileURLToPath(new URL('..', import.meta.url));
const backend = process.env.CBEC_DEV_BACKEND ?? 'http://127.0.0.1:8080';
const proxied = ['/api', '/healthz', '/readyz', '/.well-known', '/docs', '/openapi.json'];

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: 5173,
    strictPort: false,
    fs: { allow: [repository] },
    proxy: Object.fromEntries(proxied.map((p) => [p, { target: backend, changeOrigin: false }])),
  },
  preview: {
    proxy: Object.fromEntries(proxied.map((p) => [p, { target: backend, changeOrigin: false }])),
  },
});
