import type { Storyboard } from './types';

export interface Tile {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Where the tile for `seconds` is in the sheet: one tile every `spriteDuration` seconds, laid
 * out row after row (as PeerTube draws it, and as its player reads it); past the last tile, the last.
 */
export function tileAt(board: Storyboard, seconds: number): Tile | null {
  const { spriteWidth: width, spriteHeight: height, spriteDuration } = board;
  if (width <= 0 || height <= 0 || spriteDuration <= 0) return null;
  const columns = Math.floor(board.totalWidth / width);
  const rows = Math.floor(board.totalHeight / height);
  if (columns < 1 || rows < 1) return null;
  const wanted = Math.floor(Math.max(0, seconds) / spriteDuration);
  const index = Math.min(wanted, columns * rows - 1);
  return { x: (index % columns) * width, y: Math.floor(index / columns) * height, width, height };
}
