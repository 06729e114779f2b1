import { defineConfig } from '@playwright/test';

// Browser tests against the local stack (see e2e/global-setup.ts), in Debian's chromium:
// Playwright downloads no browser here. The flags are those a headless Chromium running as
// root in a container needs, plus two for WebRTC between pages (e2e/p2p.spec.ts): host
// candidates with their real addresses instead of mDNS names, which would need multicast
// look-ups on the network, and loopback candidates too.
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-output/results',
  timeout: 150_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [['list']],
  globalSetup: './e2e/global-setup.ts',
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--autoplay-policy=no-user-gesture-required',
        '--disable-features=WebRtcHideLocalIpsWithMdns',
        '--allow-loopback-in-peer-connection',
      ],
    },
  },
});
