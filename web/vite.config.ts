import { defineConfig } from 'vitest/config';

// The Cirrus server listens on 127.0.0.1:9000 in development; `npm run dev`
// proxies API calls there so the client can be served from the Vite dev server.
const apiTarget = 'http://127.0.0.1:9000';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
