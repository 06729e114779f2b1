import { describe, expect, it } from 'vitest';
import { tileAt } from './storyboard';

const board = { storyboardPath: '/lazy-static/storyboards/x.jpg', totalWidth: 1920, totalHeight: 216, spriteWidth: 192, spriteHeight: 108, spriteDuration: 2 };

describe('storyboard tiles', () => {
  it('takes one tile per interval, rows first', () => {
    expect(tileAt(board, 0)).toEqual({ x: 0, y: 0, width: 192, height: 108 });
    expect(tileAt(board, 3.9)).toEqual({ x: 192, y: 0, width: 192, height: 108 });
    expect(tileAt(board, 20)).toEqual({ x: 0, y: 108, width: 192, height: 108 });
    expect(tileAt(board, 39)).toEqual({ x: 1728, y: 108, width: 192, height: 108 });
  });

  it('keeps to the sheet past its end or before the start', () => {
    expect(tileAt(board, 500)).toEqual({ x: 1728, y: 108, width: 192, height: 108 });
    expect(tileAt(board, -5)).toEqual({ x: 0, y: 0, width: 192, height: 108 });
  });

  it('draws nothing from a sheet that makes no sense', () => {
    expect(tileAt({ ...board, spriteDuration: 0 }, 1)).toBeNull();
    expect(tileAt({ ...board, totalWidth: 10 }, 1)).toBeNull();
  });
});
