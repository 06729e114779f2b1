import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The Cirrus server listens on 127.0.0.1:9000 in development; `npm run dev`
// proxies API calls there so the client can be served from the Vite dev server.
const apiTarget = 'http://127.0.0.1:9000';
const proxy = {
  '/api': { target: apiTarget, changeOrigin: false },
  '/static': { target: apiTarget, changeOrigin: false },
  '/lazy-static': { target: apiTarget, changeOrigin: false },
};

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // hls.js alone is a 580 kB chunk (181 kB gzipped), loaded only by the watch and embed
    // pages; every other chunk is far smaller.
    chunkSizeWarningLimit: 600,
  },
  server: { proxy },
  preview: { proxy },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
