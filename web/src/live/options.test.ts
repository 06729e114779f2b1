import { describe, expect, it } from 'vitest';
import { LATENCY_DEFAULT, LATENCY_HIGH, LATENCY_SMALL, liveHlsOptions, liveP2PAllowed } from './options';

describe('live player options', () => {
  it("follows PeerTube's distances per latency mode", () => {
    expect(liveHlsOptions(LATENCY_SMALL).liveSyncDurationCount).toBe(2);
    expect(liveHlsOptions(LATENCY_DEFAULT).liveSyncDurationCount).toBe(5);
    expect(liveHlsOptions(LATENCY_HIGH).liveSyncDurationCount).toBe(10);
    expect(liveHlsOptions(undefined)).toEqual(liveHlsOptions(LATENCY_DEFAULT));
    expect(liveHlsOptions(42)).toEqual(liveHlsOptions(LATENCY_DEFAULT));
    expect(liveHlsOptions(LATENCY_SMALL).liveMaxLatencyDurationCount).toBe(4);
    expect(liveHlsOptions(LATENCY_HIGH).maxLiveSyncPlaybackRate).toBeGreaterThan(1);
  });

  it('turns peers off only in small-latency mode', () => {
    expect(liveP2PAllowed(LATENCY_SMALL)).toBe(false);
    expect(liveP2PAllowed(LATENCY_DEFAULT)).toBe(true);
    expect(liveP2PAllowed(undefined)).toBe(true);
  });
});
