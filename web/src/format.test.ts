import { describe, expect, it } from 'vitest';
import { compactNumber, formatBytes, formatDuration, formatTimeLeft, formatViews, SpeedMeter, timeAgo } from './format';

describe('format', () => {
  it('formats durations with hours only when needed', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
  });

  it('formats view counts compactly', () => {
    expect(formatViews(1)).toBe('1 view');
    expect(formatViews(0)).toBe('0 views');
    expect(formatViews(1234)).toBe('1.2K views');
    expect(compactNumber(25_600_000)).toBe('25M');
  });

  it('formats byte sizes', () => {
    expect(formatBytes(500)).toBe('500 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MB');
  });

  it('says how long an upload has left', () => {
    expect(formatTimeLeft(1000, 0)).toBe('');
    expect(formatTimeLeft(1000, 100)).toBe('10 s left');
    expect(formatTimeLeft(600_000, 1000)).toBe('about 10 min left');
  });

  it('says how long ago something happened', () => {
    const now = Date.parse('2025-01-10T00:00:00Z');
    expect(timeAgo('2025-01-09T23:59:30Z', now)).toBe('just now');
    expect(timeAgo('2025-01-07T00:00:00Z', now)).toBe('3 days ago');
    expect(timeAgo('2024-01-01T00:00:00Z', now)).toBe('1 year ago');
  });

  it('averages speed over a window', () => {
    const meter = new SpeedMeter(5000);
    expect(meter.bytesPerSecond).toBe(0);
    meter.add(0, 0);
    meter.add(1000, 1000);
    meter.add(2000, 3000);
    expect(meter.bytesPerSecond).toBe(1500);
    meter.add(10_000, 11_000);
    expect(meter.bytesPerSecond).toBe(1000);
  });
});
