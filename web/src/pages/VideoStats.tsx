// A video's statistics for its owner (and moderators), at PeerTube's /stats/videos/:id:
// viewers and watch time over a chosen period, the retention curve, countries, user
// agents and the quality of experience (docs/stats.md). Charts are plain SVG.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorMessage, Loading } from '../components/Status';
import { formatBytes, formatDuration } from '../format';
import { useLoad, useTitle } from '../hooks';
import { api } from '../services';
import { chartPath, periodWindow, type Period, type Point } from '../stats';

interface Overall {
  totalWatchTime: number;
  averageWatchTime: number;
  totalViewers: number;
  viewersPeak: number;
  viewersPeakDate: string | null;
  countries: { isoCode: string; viewers: number }[];
  subdivisions: { name: string; viewers: number }[];
}
interface Series {
  groupInterval: string;
  data: { date: string; value: number }[];
}
interface Retention {
  data: { second: number; retentionPercent: number }[];
}
interface UserAgents {
  clients: { name: string; viewers: number }[];
  devices: { name: string; viewers: number }[];
  operatingSystem: { name: string; viewers: number }[];
}
interface Qoe {
  reports: number;
  startups: number;
  averageStartupTime: number | null;
  rebufferings: number;
  rebufferingDuration: number;
  rebufferingRatio: number | null;
  errors: number;
  resolutionChanges: number;
  downloadedBytesHTTP: number;
  downloadedBytesP2P: number;
}

const PERIODS: { id: Period; label: string }[] = [
  { id: 'hour', label: 'Last 3 hours' },
  { id: 'day', label: 'Last 24 hours' },
  { id: 'week', label: 'Last 7 days' },
  { id: 'month', label: 'Last 30 days' },
];

function LineChart({ title, points, unit }: { title: string; points: Point[]; unit: (n: number) => string }) {
  const width = 640;
  const height = 180;
  const { line, max } = chartPath(points, width, height);
  const first = points[0]?.label;
  const last = points[points.length - 1]?.label;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height + 20}`} role="img" aria-label={`${title}: at most ${unit(max)}`}>
        <line x1={0} y1={height} x2={width} y2={height} className="chart__axis" />
        {line && <polyline points={line} className="chart__line" fill="none" />}
        <text x={0} y={12} className="chart__label">
          {unit(max)}
        </text>
        <text x={0} y={height + 16} className="chart__label">
          {first}
        </text>
        <text x={width} y={height + 16} textAnchor="end" className="chart__label">
          {last}
        </text>
      </svg>
    </figure>
  );
}

function Ranked({ title, rows }: { title: string; rows: { name: string; viewers: number }[] }) {
  return (
    <table className="stats-table">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">{title}</th>
          <th scope="col">Viewers</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td colSpan={2} className="muted">
              None yet
            </td>
          </tr>
        )}
        {rows.map((row) => (
          <tr key={row.name}>
            <td>{row.name}</td>
            <td>{row.viewers}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Figure({ label, value }: { label: string; value: string | number }) {
  return (
    <div className="stats__item">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

export function VideoStats() {
  const { id = '' } = useParams();
  useTitle('Video statistics');
  const [period, setPeriod] = useState<Period>('week');
  const loaded = useLoad(
    (s) => {
      const window = periodWindow(period, new Date());
      return Promise.all([
        api.video(id, s),
        api.videoStats<Overall>(id, 'overall', s),
        api.videoStats<Series>(id, `timeseries/viewers?${window}`, s),
        api.videoStats<Series>(id, `timeseries/aggregateWatchTime?${window}`, s),
        api.videoStats<UserAgents>(id, 'user-agent', s),
        api.videoStats<Qoe>(id, 'qoe', s),
      ]);
    },
    [id, period],
  );
  const retention = useLoad((s) => api.videoStats<Retention>(id, 'retention', s).catch(() => null), [id]);
  if (loaded.loading && !loaded.data) return <Loading />;
  if (loaded.error || !loaded.data) return <ErrorMessage error={loaded.error ?? ''} onRetry={loaded.reload} />;
  const [video, overall, viewers, watchTime, agents, qoe] = loaded.data;
  const toPoints = (series: Series): Point[] =>
    series.data.map((p) => ({ label: new Date(p.date).toLocaleString(), value: p.value }));
  return (
    <section className="video-stats">
      <h1>
        Statistics of <Link to={`/w/${video.shortUUID ?? video.uuid}`}>{video.name}</Link>
      </h1>
      <dl className="stats">
        <Figure label="Viewers" value={overall.totalViewers} />
        <Figure label="Watch time" value={formatDuration(overall.totalWatchTime)} />
        <Figure label="Average watch time" value={formatDuration(overall.averageWatchTime)} />
        <Figure
          label="Peak viewers"
          value={overall.viewersPeakDate ? `${overall.viewersPeak} (${new Date(overall.viewersPeakDate).toLocaleString()})` : overall.viewersPeak}
        />
      </dl>
      <label className="field">
        Period{' '}
        <select value={period} onChange={(e) => setPeriod(e.target.value as Period)}>
          {PERIODS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      <LineChart title={`Viewers (by ${viewers.groupInterval})`} points={toPoints(viewers)} unit={(n) => String(n)} />
      <LineChart title={`Watch time (by ${watchTime.groupInterval})`} points={toPoints(watchTime)} unit={formatDuration} />
      {retention.data && retention.data.data.length > 0 && (
        <LineChart
          title="Retention (share of viewers still watching)"
          points={retention.data.data.map((p) => ({ label: formatDuration(p.second), value: p.retentionPercent }))}
          unit={(n) => `${Math.round(n)}%`}
        />
      )}
      <div className="stats-tables">
        <Ranked title="Country" rows={overall.countries.map((c) => ({ name: c.isoCode, viewers: c.viewers }))} />
        <Ranked title="Region" rows={overall.subdivisions} />
        <Ranked title="Browser" rows={agents.clients} />
        <Ranked title="Device" rows={agents.devices} />
        <Ranked title="Operating system" rows={agents.operatingSystem} />
      </div>
      <h2 className="section-title">Quality of experience</h2>
      <dl className="stats">
        <Figure label="Reports" value={qoe.reports} />
        <Figure label="Average startup" value={qoe.averageStartupTime === null ? '–' : `${qoe.averageStartupTime} ms`} />
        <Figure label="Rebufferings" value={qoe.rebufferings} />
        <Figure label="Rebuffering time" value={`${(qoe.rebufferingDuration / 1000).toFixed(1)} s`} />
        <Figure label="Rebuffering ratio" value={qoe.rebufferingRatio === null ? '–' : `${(qoe.rebufferingRatio * 100).toFixed(2)}%`} />
        <Figure label="Errors" value={qoe.errors} />
        <Figure label="Resolution changes" value={qoe.resolutionChanges} />
        <Figure label="Over HTTP / P2P" value={`${formatBytes(qoe.downloadedBytesHTTP)} / ${formatBytes(qoe.downloadedBytesP2P)}`} />
      </dl>
    </section>
  );
}
