import react from '@vitejs/plugin-react';
import { defaultClientConditions } from 'vite';
import { defineConfig } from 'vitest/config';
import { peertubeThemes } from './vite-themes.mjs';

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
  plugins: [react(), peertubeThemes()],
  resolve: {
    // p2p-media-loader-core ships a browser bundle under this export condition, with the
    // browser shims its WebRTC tracker client needs (its plain entry imports Node's `events`).
    conditions: ['p2pml:core-as-bundle', ...defaultClientConditions],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The player's chunk (hls.js 580 kB and p2p-media-loader 140 kB; 220 kB gzipped) is
    // loaded only by the watch and embed pages; every other chunk is far smaller.
    chunkSizeWarningLimit: 750,
    // No inline script in index.html: the Content-Security-Policy (infra/security_headers.py)
    // allows scripts from the instance only. Every supported browser preloads modules itself.
    modulePreload: { polyfill: false },
  },
  server: { proxy },
  preview: { proxy },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
