/**
 * Delivery insights (`GET /events/{event_type}/insights`): published, delivered and failed counts over a window as
 * line charts in plain SVG, latency p50/p99 as bars, and every figure also as a table for screen readers and copy.
 */
import { type ReactNode, useId, useState } from 'react';
import { ApiError, encode, type PortalApi } from './api';
import { ErrorNotice, Loading } from './common';
import { useLoad } from './hooks';
import {
  chartGeometry,
  DEFAULT_CHART_SIZE,
  INSIGHTS_WINDOWS,
  type InsightsWindow,
  insightsQuery,
  mergeSeries,
  type SeriesPoint,
} from './insights-chart';
import type { EventTypeInsights, SubscriptionInsights, VersionInsights } from './types';

/** Figures and their colours (each line also carries its name in the legend and the table: not colour alone). */
const FIGURE_STYLE: Record<
  string,
  { readonly label: string; readonly colour: string; readonly dash?: string }
> = {
  published: { label: 'Published', colour: '#0b5cad' },
  rejected: { label: 'Rejected', colour: '#7d4e00', dash: '2 3' },
  matched: { label: 'Matched', colour: '#57606a', dash: '6 3' },
  delivered: { label: 'Delivered', colour: '#116329' },
  failed: { label: 'Failed', colour: '#a40e26', dash: '4 2' },
  dead_lettered: { label: 'Dead-lettered', colour: '#6e40c9', dash: '1 2' },
};

function styleOf(figure: string) {
  return FIGURE_STYLE[figure] ?? { label: figure, colour: '#1b1f24' };
}

/** Loads an event type's insights for a window the reader picks; `children` draws them. */
export function InsightsLoader({
  api,
  eventType,
  children,
}: {
  readonly api: PortalApi;
  readonly eventType: string;
  readonly children: (insights: EventTypeInsights) => ReactNode;
}) {
  const [window, setWindow] = useState<InsightsWindow>('day');
  const selectId = useId();
  const insights = useLoad(
    () => api.get<EventTypeInsights>(`/events/${encode(eventType)}/insights?${insightsQuery(window)}`),
    `${eventType}:${window}`,
  );
  if (
    insights.error instanceof ApiError &&
    insights.error.status === 404 &&
    /route/i.test(insights.error.message)
  ) {
    return <p className="muted">Insights are not available on this portal.</p>;
  }
  return (
    <div className="insights">
      <div className="filters">
        <div className="field inline">
          <label htmlFor={selectId}>Window</label>
          <select id={selectId} value={window} onChange={(e) => setWindow(e.target.value as InsightsWindow)}>
            {Object.entries(INSIGHTS_WINDOWS).map(([key, value]) => (
              <option key={key} value={key}>
                {value.label}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="secondary" onClick={insights.reload} disabled={insights.loading}>
          Refresh
        </button>
      </div>
      <ErrorNotice error={insights.error} />
      {insights.data === undefined && insights.error === undefined ? <Loading what="insights" /> : null}
      {insights.data === undefined ? null : children(insights.data)}
    </div>
  );
}

/** One subscription's figures: totals, its deliveries over time beside its version's publications, latency. */
export function SubscriptionInsightsView({
  insights,
  subscriptionId,
}: {
  readonly insights: EventTypeInsights;
  readonly subscriptionId: string;
}) {
  const version = insights.versions.find((v) => v.subscriptions.some((s) => s.id === subscriptionId));
  const subscription = version?.subscriptions.find((s) => s.id === subscriptionId);
  if (version === undefined || subscription === undefined) {
    return <p className="muted">No figures for this subscription in this window.</p>;
  }
  const series = mergeSeries(version.series, subscription.series);
  return (
    <div data-testid="subscription-insights" data-subscription={subscriptionId}>
      <Totals
        figures={[
          ['Published', version.published],
          ['Matched', subscription.matched],
          ['Delivered', subscription.delivered],
          ['Failed', subscription.failed],
          ['Dead-lettered', subscription.dead_lettered],
          ['Retried', subscription.retried],
        ]}
      />
      <CountsChart
        title={`Events of ${insights.event_type} v${version.version} per ${periodWord(insights.period)}`}
        series={series}
        figures={['published', 'delivered', 'failed']}
      />
      <LatencyChart latency={subscription.latency_ms} />
    </div>
  );
}

/** An event type's figures: per version what was published and rejected, and each subscription's totals. */
export function EventTypeInsightsView({ insights }: { readonly insights: EventTypeInsights }) {
  if (insights.versions.length === 0) return <p className="muted">No versions.</p>;
  return (
    <>
      {insights.versions.map((version) => (
        <VersionInsightsView key={version.version} insights={insights} version={version} />
      ))}
    </>
  );
}

function VersionInsightsView({
  insights,
  version,
}: {
  readonly insights: EventTypeInsights;
  readonly version: VersionInsights;
}) {
  return (
    <div className="insights-version" data-version={version.version}>
      <h3>Version {version.version}</h3>
      <Totals
        figures={[
          ['Published', version.published],
          ['Rejected', version.rejected.total],
        ]}
      />
      <CountsChart
        title={`Events of ${insights.event_type} v${version.version} per ${periodWord(insights.period)}`}
        series={version.series}
        figures={['published', 'rejected']}
      />
      {version.subscriptions.length === 0 ? null : (
        <table className="insights-subscriptions">
          <caption>Deliveries of version {version.version} per subscription</caption>
          <thead>
            <tr>
              <th scope="col">Subscription</th>
              <th scope="col">Matched</th>
              <th scope="col">Delivered</th>
              <th scope="col">Failed</th>
              <th scope="col">Latency p50</th>
              <th scope="col">Latency p99</th>
            </tr>
          </thead>
          <tbody>
            {version.subscriptions.map((s: SubscriptionInsights) => (
              <tr key={s.id} data-subscription={s.id}>
                <th scope="row">
                  <code>{s.id}</code> {s.connection_type}
                  {s.team === undefined ? '' : ` (${s.team})`}
                </th>
                <td>{s.matched}</td>
                <td>{s.delivered}</td>
                <td>{s.failed}</td>
                <td>{milliseconds(s.latency_ms?.p50)}</td>
                <td>{milliseconds(s.latency_ms?.p99)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Totals({ figures }: { readonly figures: readonly (readonly [string, number])[] }) {
  return (
    <dl className="totals">
      {figures.map(([label, value]) => (
        <div key={label} data-figure={label.toLowerCase()}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Counts over time: an SVG line per figure with its legend, and the same figures as a table. */
export function CountsChart({
  title,
  series,
  figures,
}: {
  readonly title: string;
  readonly series: readonly SeriesPoint[];
  readonly figures: readonly string[];
}) {
  const id = useId();
  if (series.length === 0) return <p className="muted">No traffic in this window.</p>;
  const size = DEFAULT_CHART_SIZE;
  const geometry = chartGeometry(series, figures, size);
  const summary = geometry.lines.map((line) => `${styleOf(line.figure).label} ${line.total}`).join(', ');
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${size.width} ${size.height}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        preserveAspectRatio="xMidYMid meet"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>
          {`${series.length} periods: ${summary}. The table below gives every period.`}
        </desc>
        {geometry.yTicks.map((tick) => (
          <g key={tick.value}>
            <line
              x1={size.margin.left}
              x2={size.width - size.margin.right}
              y1={tick.y}
              y2={tick.y}
              className="chart-grid"
            />
            <text x={size.margin.left - 6} y={tick.y + 4} textAnchor="end" className="chart-label">
              {tick.value}
            </text>
          </g>
        ))}
        {geometry.xLabels.map((label) => (
          <text
            key={`${label.x}:${label.label}`}
            x={label.x}
            y={size.height - 8}
            textAnchor="middle"
            className="chart-label"
          >
            {label.label}
          </text>
        ))}
        {geometry.lines.map((line) => (
          <polyline
            key={line.figure}
            points={line.points}
            fill="none"
            stroke={styleOf(line.figure).colour}
            strokeWidth={2}
            strokeDasharray={styleOf(line.figure).dash}
            data-figure={line.figure}
          />
        ))}
      </svg>
      <ul className="legend" aria-hidden="true">
        {figures.map((figure) => (
          <li key={figure}>
            <svg width="24" height="8" aria-hidden="true">
              <line
                x1="0"
                x2="24"
                y1="4"
                y2="4"
                stroke={styleOf(figure).colour}
                strokeWidth={2}
                strokeDasharray={styleOf(figure).dash}
              />
            </svg>{' '}
            {styleOf(figure).label}
          </li>
        ))}
      </ul>
      <details>
        <summary>Figures as a table</summary>
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Period (UTC)</th>
              {figures.map((figure) => (
                <th scope="col" key={figure}>
                  {styleOf(figure).label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {series.map((point) => (
              <tr key={point.timestamp}>
                <th scope="row">{point.timestamp.replace('T', ' ').replace(/:00\.000Z$/, '')}</th>
                {figures.map((figure) => (
                  <td key={figure}>{typeof point[figure] === 'number' ? point[figure] : 0}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** p50 and p99 delivery latency as two labelled bars. */
function LatencyChart({ latency }: { readonly latency: SubscriptionInsights['latency_ms'] }) {
  const id = useId();
  if (latency === null || latency === undefined || latency.p50 === null || latency.p99 === null) {
    return <p className="muted">No latency: nothing was delivered in this window.</p>;
  }
  const bars = [
    ['p50', latency.p50],
    ['p99', latency.p99],
  ] as const;
  const max = Math.max(1, latency.p50, latency.p99);
  return (
    <figure className="chart">
      <figcaption>Delivery latency (from the bus to the target)</figcaption>
      <svg
        viewBox="0 0 640 64"
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
        preserveAspectRatio="xMinYMid meet"
      >
        <title id={`${id}-title`}>Delivery latency p50 and p99</title>
        <desc
          id={`${id}-desc`}
        >{`Half of the deliveries took at most ${latency.p50} ms, 99 in 100 at most ${latency.p99} ms.`}</desc>
        {bars.map(([label, value], index) => (
          <g key={label} data-figure={`latency-${label}`}>
            <text x="0" y={index * 30 + 18} className="chart-label">
              {label}
            </text>
            <rect
              x="48"
              y={index * 30 + 6}
              height="16"
              width={Math.max(2, (value / max) * 480)}
              fill="#0b5cad"
            />
            <text x={Math.max(2, (value / max) * 480) + 56} y={index * 30 + 18} className="chart-label">
              {milliseconds(value)}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}

function milliseconds(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${value} ms`;
}

function periodWord(period: number): string {
  if (period === 60) return 'minute';
  if (period === 3600) return 'hour';
  if (period === 86_400) return 'day';
  return `${period} s`;
}
