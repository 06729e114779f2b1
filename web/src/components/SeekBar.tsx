import { useState, type KeyboardEvent, type MouseEvent } from 'react';
import { formatDuration } from '../format';
import { tileAt } from '../storyboard';
import type { Storyboard } from '../types';

const KEY_STEP_SECONDS = 5;

/**
 * A seek bar that shows the storyboard's tile for the time under the pointer (PeerTube's
 * player does the same over its progress bar). It seeks on click, and with the arrow keys.
 */
export function SeekBar({
  board,
  duration,
  position,
  onSeek,
}: {
  board: Storyboard;
  duration: number;
  position: number;
  onSeek: (seconds: number) => void;
}) {
  const [hover, setHover] = useState<{ seconds: number; left: number } | null>(null);
  const known = duration > 0;

  const timeAt = (event: MouseEvent<HTMLDivElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const fraction = rect.width > 0 ? Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width)) : 0;
    return { seconds: fraction * duration, left: event.clientX - rect.left, width: rect.width };
  };

  const moved = (event: MouseEvent<HTMLDivElement>) => {
    if (!known) return;
    const { seconds, left, width } = timeAt(event);
    // The tile stays within the bar.
    const half = board.spriteWidth / 2;
    setHover({ seconds, left: Math.min(Math.max(left, half), Math.max(half, width - half)) });
  };

  const keyed = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.key === 'ArrowRight' ? KEY_STEP_SECONDS : event.key === 'ArrowLeft' ? -KEY_STEP_SECONDS : 0;
    if (!step || !known) return;
    event.preventDefault();
    onSeek(Math.min(duration, Math.max(0, position + step)));
  };

  const tile = hover ? tileAt(board, hover.seconds) : null;
  const done = known ? Math.min(100, (position / duration) * 100) : 0;
  return (
    <div className="seekbar">
      <div
        className="seekbar__track"
        role="slider"
        tabIndex={0}
        aria-label="Seek"
        aria-valuemin={0}
        aria-valuemax={Math.round(duration)}
        aria-valuenow={Math.round(position)}
        aria-valuetext={formatDuration(Math.round(position))}
        data-testid="seekbar"
        onMouseMove={moved}
        onMouseLeave={() => setHover(null)}
        onClick={(event) => known && onSeek(timeAt(event).seconds)}
        onKeyDown={keyed}
      >
        <div className="seekbar__done" style={{ width: `${done}%` }} />
      </div>
      {hover && tile && (
        <div
          className="seekbar__preview"
          data-testid="storyboard-tile"
          data-seconds={Math.floor(hover.seconds)}
          aria-hidden="true"
          style={{ left: hover.left - tile.width / 2 }}
        >
          <div
            className="seekbar__tile"
            style={{
              width: tile.width,
              height: tile.height,
              backgroundImage: `url("${board.storyboardPath}")`,
              backgroundPosition: `-${tile.x}px -${tile.y}px`,
            }}
          />
          <span className="seekbar__time">{formatDuration(Math.floor(hover.seconds))}</span>
        </div>
      )}
    </div>
  );
}
