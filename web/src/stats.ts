// Helpers of the video statistics page: the period's window in PeerTube's query form, and
// a series drawn as an SVG polyline.

export type Period = 'hour' | 'day' | 'week' | 'month';
export interface Point {
  label: string;
  value: number;
}

const HOURS: Record<Period, number> = { hour: 3, day: 24, week: 24 * 7, month: 24 * 30 };

/** `startDate=...&endDate=...` for the period ending now. */
export function periodWindow(period: Period, now: Date): string {
  const start = new Date(now.getTime() - HOURS[period] * 3600 * 1000);
  return `startDate=${encodeURIComponent(start.toISOString())}&endDate=${encodeURIComponent(now.toISOString())}`;
}

/** The polyline's points in a width x height box (0 at the bottom), and the largest value. */
export function chartPath(points: Point[], width: number, height: number): { line: string; max: number } {
  if (points.length === 0) return { line: '', max: 0 };
  const max = Math.max(...points.map((p) => p.value), 0);
  const step = points.length > 1 ? width / (points.length - 1) : 0;
  const y = (value: number) => (max > 0 ? height - (value / max) * height : height);
  const line = points.map((p, i) => `${(i * step).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  return { line, max };
}
