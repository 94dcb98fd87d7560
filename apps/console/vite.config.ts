import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by the Centralita server from apps/console/dist at `/`, on the same origin
// as the API and socket.io, so there is no proxy or CORS to configure.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
});
