import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';

// The console is served by the Centralita server from apps/console/dist at `/`, on the same origin
// as the API and socket.io, so there is no proxy or CORS to configure. Each asset is written
// beside its brotli and gzip files, which the server sends as they are (no compression per request).
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), compression({ algorithms: ['brotliCompress', 'gzip'], threshold: 1024 })],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
});
