import { describe, expect, it } from 'vitest';
import { simulcastLines } from './GoLive';

describe('simulcastLines', () => {
  it('takes one URL per line, trimmed, blank lines left out', () => {
    expect(simulcastLines(' rtmp://a.example/live/k1 \n\n\trtmps://b.example/app/k2\r\n')).toEqual([
      'rtmp://a.example/live/k1',
      'rtmps://b.example/app/k2',
    ]);
    expect(simulcastLines('\n  \n')).toEqual([]);
  });
});
