import { describe, expect, it } from 'vitest';
import { rangeHeader, resumeRange } from './resume';

describe('resumeRange', () => {
  const segment = { start: 2800057, end: 3737597 };

  it('leaves a first try and a resumed segment with bytes left as the loader asks them', () => {
    expect(resumeRange(segment, { start: 2800057, end: 3737597 })).toBeUndefined();
    expect(resumeRange(segment, { start: 3000000, end: 3737597 })).toBeUndefined();
    expect(resumeRange(segment, { start: 3737597, end: 3737597 })).toBeUndefined(); // one byte left
    expect(resumeRange(undefined, { start: 10 })).toBeUndefined(); // a whole file, resumed from byte 10
    expect(resumeRange(segment, undefined)).toBeUndefined();
  });

  it('asks for the last byte when nothing is left, a range the loader then refuses and starts over', () => {
    expect(resumeRange(segment, { start: 3737598, end: 3737597 })).toEqual({ start: 3737597, end: 3737597 });
  });

  it('writes Range headers as the loader does', () => {
    expect(rangeHeader({ start: 5, end: 9 })).toBe('bytes=5-9');
    expect(rangeHeader({ start: 5 })).toBe('bytes=5-');
  });
});
