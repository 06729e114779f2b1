import { describe, expect, it } from 'vitest';
import { listProblem, parseWords, WORDS_MAX } from './moderation';

describe('parseWords', () => {
  it('takes one word a line, trimmed, without blanks or repeats', () => {
    expect(parseWords(' spam \n\ncasino\nspam\n  \na.b')).toEqual(['spam', 'casino', 'a.b']);
  });
});

describe('listProblem', () => {
  it('accepts a named list of words within PeerTube’s limits', () => {
    expect(listProblem('spam', ['casino'])).toBeNull();
    expect(listProblem('n'.repeat(100), ['w'.repeat(100)])).toBeNull();
  });
  it('refuses what the server would refuse', () => {
    expect(listProblem('  ', ['x'])).toMatch(/name/);
    expect(listProblem('n'.repeat(101), ['x'])).toMatch(/100 characters/);
    expect(listProblem('spam', [])).toMatch(/at least one/);
    expect(listProblem('spam', Array.from({ length: WORDS_MAX + 1 }, (_, i) => `w${i}`))).toMatch(/500 words/);
    expect(listProblem('spam', ['w'.repeat(101)])).toMatch(/longer than 100/);
  });
});
