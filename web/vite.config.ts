import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The web app: built into dist/web, which the server serves at `/`. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: path.resolve(import.meta.dirname, '../dist/web'),
    emptyOutDir: true,
  },
  // `npx vite --config web/vite.config.ts` during development: the API of a running server
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
