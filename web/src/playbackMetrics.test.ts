import { describe, expect, it } from 'vitest';
import { PlaybackMeter, type PlayerState } from './playbackMetrics';

const state = (over: Partial<PlayerState> = {}): PlayerState => ({
  videoId: 'uuid',
  sessionId: 'session',
  resolution: 720,
  p2pEnabled: true,
  fromPeers: 0,
  toPeers: 0,
  peers: 2,
  ...over,
});

describe('PlaybackMeter', () => {
  it('reports startup once, stalls but not seeks, and what happened since the last report', () => {
    const meter = new PlaybackMeter();
    meter.play(1000);
    meter.waiting(1100, false); // before the first frame: startup, not rebuffering
    meter.playing(1800);
    meter.levelSwitched(); // the initial level
    meter.levelSwitched();
    meter.fragmentLoaded(5000);
    meter.waiting(5000, true); // a seek
    meter.playing(5200);
    meter.waiting(9000, false);
    meter.playing(9500);
    meter.error();
    const first = meter.report(15000, state({ fromPeers: 1000, toPeers: 300 }));
    expect(first).toMatchObject({
      startupTime: 800,
      rebufferingCount: 1,
      rebufferingDuration: 500,
      resolutionChanges: 1,
      errors: 1,
      downloadedBytesP2P: 1000,
      downloadedBytesHTTP: 4000,
      uploadedBytesP2P: 300,
      resolution: 720,
      p2pPeers: 2,
    });

    meter.waiting(20000, false);
    const second = meter.report(30000, state({ fromPeers: 1500, toPeers: 300 }));
    expect(second.startupTime).toBeUndefined();
    expect(second).toMatchObject({ rebufferingCount: 1, rebufferingDuration: 10000, downloadedBytesP2P: 500, uploadedBytesP2P: 0 });
    meter.playing(31000);
    const third = meter.report(45000, state({ fromPeers: 1500, toPeers: 300 }));
    expect(third).toMatchObject({ rebufferingCount: 0, rebufferingDuration: 1000, resolutionChanges: 0, errors: 0 });
  });
});
