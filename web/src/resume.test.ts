import { describe, expect, it } from 'vitest';
import { resumePosition } from './resume';

describe('resuming a video from the watch history', () => {
  it('resumes where the user stopped', () => {
    expect(resumePosition(42, 300)).toBe(42);
    expect(resumePosition(42, undefined)).toBe(42);
  });
  it('starts from the beginning without a history or at its end', () => {
    expect(resumePosition(undefined, 300)).toBeUndefined();
    expect(resumePosition(0, 300)).toBeUndefined();
    expect(resumePosition(296, 300)).toBeUndefined();
    expect(resumePosition(300, 300)).toBeUndefined();
  });
});
