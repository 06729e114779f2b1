import { describe, expect, it } from 'vitest';
import { chartPath, periodWindow } from './stats';

describe('stats helpers', () => {
  it('asks for the period ending now', () => {
    const now = new Date('2026-06-01T12:00:00.000Z');
    expect(periodWindow('day', now)).toBe('startDate=2026-05-31T12%3A00%3A00.000Z&endDate=2026-06-01T12%3A00%3A00.000Z');
  });

  it('draws the largest value at the top and zero at the bottom', () => {
    const { line, max } = chartPath([{ label: 'a', value: 0 }, { label: 'b', value: 4 }, { label: 'c', value: 2 }], 100, 50);
    expect(max).toBe(4);
    expect(line).toBe('0.0,50.0 50.0,0.0 100.0,25.0');
    expect(chartPath([], 100, 50)).toEqual({ line: '', max: 0 });
  });
});
