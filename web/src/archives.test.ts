import { describe, expect, it } from 'vitest';
import { chunkRanges, resumeFrom } from './archives';

describe('sending an account archive in chunks', () => {
  it('covers the file with chunks of at most the chunk size', () => {
    expect(chunkRanges(10, 4)).toEqual([
      [0, 3],
      [4, 7],
      [8, 9],
    ]);
    expect(chunkRanges(8, 4)).toEqual([
      [0, 3],
      [4, 7],
    ]);
    expect(chunkRanges(0, 4)).toEqual([]);
  });
  it("resumes after the server's Range", () => {
    expect(resumeFrom('bytes=0-4194303')).toBe(4194304);
    expect(resumeFrom(null)).toBe(0);
    expect(resumeFrom('nonsense')).toBe(0);
  });
});
