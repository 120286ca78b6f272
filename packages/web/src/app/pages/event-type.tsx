import { useId, useState } from 'react';
import { ApiError, encode, type PortalApi } from '../api';
import {
  asError,
  CopyButton,
  ErrorNotice,
  JsonField,
  Loading,
  parseJson,
  Section,
  StatusBadge,
} from '../common';
import { IN_PROGRESS, useLoad } from '../hooks';
import { EventTypeInsightsView, InsightsLoader } from '../insights';
import { href } from '../router';
import { curlCommand, exampleEvent, fieldRows, type Json } from '../schema-view';
import type { Compatibility, EventTypeView, EventVersionView, Page, SubscriptionView } from '../types';

/** One event type: versions, schema (fields and JSON), example, compatibility, subscriptions, new version. */
export function EventTypePage({ api, eventType }: { readonly api: PortalApi; readonly eventType: string }) {
  const type = useLoad(
    () => api.get<EventTypeView>(`/events/${encode(eventType)}`),
    eventType,
    (view) => IN_PROGRESS.has(view.status) || view.versions.some((v) => IN_PROGRESS.has(v.status)),
  );
  const [selected, setSelected] = useState<number | undefined>(undefined);
  const version = selected ?? type.data?.latest_version;

  if (type.error !== undefined)
    return (
      <main>
        <ErrorNotice error={type.error} />
      </main>
    );
  if (type.data === undefined || version === undefined)
    return (
      <main>
        <Loading what={eventType} />
      </main>
    );
  const view = type.data;

  return (
    <main>
      <div className="page-title">
        <h1>{view.event_type}</h1>
        <a className="button" href={href({ page: 'subscribe', eventType, version })}>
          Subscribe to version {version}
        </a>
      </div>
      <p>
        {view.description} — owned by <strong>{view.application}</strong>, producer {view.connection_type},{' '}
        <StatusBadge status={view.status} />
      </p>
      <Section title="Versions">
        <table>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="visually-hidden">Show</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {view.versions.map((v) => (
              <tr key={v.version} data-version={v.version}>
                <th scope="row">{v.version}</th>
                <td>
                  <StatusBadge
                    status={v.status}
                    {...(v.status_reason === undefined ? {} : { reason: v.status_reason })}
                  />
                </td>
                <td>{v.created_at}</td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    aria-pressed={v.version === version}
                    aria-label={`Show version ${v.version}`}
                    onClick={() => setSelected(v.version)}
                  >
                    {v.version === version ? 'Shown' : 'Show'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <VersionDetails api={api} eventType={eventType} version={version} />
      {view.versions.length > 1 ? (
        <CompareVersions api={api} eventType={eventType} versions={view.versions.map((v) => v.version)} />
      ) : null}
      <Subscriptions api={api} eventType={eventType} />
      <Section title="Insights">
        <InsightsLoader api={api} eventType={eventType}>
          {(insights) => <EventTypeInsightsView insights={insights} />}
        </InsightsLoader>
      </Section>
      <NewVersion
        api={api}
        eventType={eventType}
        onCreated={() => {
          setSelected(undefined);
          type.reload();
        }}
      />
    </main>
  );
}

function VersionDetails({
  api,
  eventType,
  version,
}: {
  readonly api: PortalApi;
  readonly eventType: string;
  readonly version: number;
}) {
  const loaded = useLoad(
    () => api.get<EventVersionView>(`/events/${encode(eventType)}/versions/${version}`),
    `${eventType}/${version}`,
  );
  if (loaded.error !== undefined) return <ErrorNotice error={loaded.error} />;
  if (loaded.data === undefined) return <Loading what={`version ${version}`} />;
  const details = loaded.data;
  const rows = fieldRows(details.data);
  const example = exampleEvent(details.data);
  const curl = curlCommand(
    api.producerUrl === '' ? 'https://PRODUCER-ENDPOINT' : api.producerUrl,
    eventType,
    version,
    example,
  );
  return (
    <>
      <Section title={`Fields of version ${version}`}>
        <table className="fields">
          <thead>
            <tr>
              <th scope="col">Field (under data)</th>
              <th scope="col">Type</th>
              <th scope="col">Required</th>
              <th scope="col">Description</th>
              <th scope="col">Constraints</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.name} data-field={row.name}>
                <th scope="row">
                  <code>{row.name}</code>
                </th>
                <td>{row.type}</td>
                <td>{row.required ? 'yes' : 'no'}</td>
                <td>{row.description}</td>
                <td>{row.constraints.join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 ? <p className="muted">The schema declares no fields.</p> : null}
        <details>
          <summary>Data schema (JSON)</summary>
          <pre className="json" data-testid="data-schema">
            {JSON.stringify(details.data, null, 2)}
          </pre>
        </details>
        <details>
          <summary>Envelope schema producers send and consumers receive (JSON)</summary>
          <pre className="json">{JSON.stringify(details.schema, null, 2)}</pre>
        </details>
      </Section>
      <Section title="Example event" actions={<CopyButton text={curl} label="Copy as curl" />}>
        <p className="muted">
          Generated from the schema, in the envelope; fields with a pattern may need editing.
        </p>
        <pre className="json" data-testid="example-event">
          {JSON.stringify(example, null, 2)}
        </pre>
        <pre className="json" data-testid="example-curl">
          {curl}
        </pre>
      </Section>
    </>
  );
}

function CompareVersions({
  api,
  eventType,
  versions,
}: {
  readonly api: PortalApi;
  readonly eventType: string;
  readonly versions: readonly number[];
}) {
  const [from, setFrom] = useState(versions[versions.length - 2] ?? 1);
  const [to, setTo] = useState(versions[versions.length - 1] ?? 1);
  const fromId = useId();
  const toId = useId();
  const report = useLoad(
    () => api.get<Compatibility>(`/events/${encode(eventType)}/compatibility?from=${from}&to=${to}`),
    `${eventType}:${from}:${to}`,
  );
  return (
    <Section title="Compatibility between versions">
      <div className="filters">
        <div className="field inline">
          <label htmlFor={fromId}>From</label>
          <select id={fromId} value={from} onChange={(e) => setFrom(Number(e.target.value))}>
            {versions.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </div>
        <div className="field inline">
          <label htmlFor={toId}>To</label>
          <select id={toId} value={to} onChange={(e) => setTo(Number(e.target.value))}>
            {versions.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorNotice error={report.error} />
      {report.data === undefined ? null : (
        <>
          <p data-testid="compatibility-verdict">
            {report.data.backward_compatible ? 'Backward compatible' : 'Not backward compatible'}: consumers
            of version {from} {report.data.backward_compatible ? 'can' : 'may not'} read version {to}.
          </p>
          <ul>
            {report.data.changes.map((change) => (
              <li key={`${change.path}:${change.kind}`}>
                <code>{change.path}</code> {change.kind} {change.compatible ? '(compatible)' : '(breaking)'}
              </li>
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}

function Subscriptions({ api, eventType }: { readonly api: PortalApi; readonly eventType: string }) {
  const loaded = useLoad(
    () => api.get<Page<SubscriptionView>>(`/subscriptions?event_type=${encode(eventType)}&limit=100`),
    eventType,
    (page) => page.items.some((s) => IN_PROGRESS.has(s.status)),
  );
  return (
    <Section title="Subscriptions">
      <ErrorNotice error={loaded.error} />
      {loaded.data === undefined ? null : loaded.data.items.length === 0 ? (
        <p className="muted">Nobody subscribes yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Version</th>
              <th scope="col">Consumer</th>
              <th scope="col">Target unit</th>
              <th scope="col">Filter</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {loaded.data.items.map((s) => (
              <tr key={s.id} data-subscription={s.id}>
                <th scope="row">
                  <code>{s.id}</code>
                </th>
                <td>{s.version}</td>
                <td>
                  {s.connection_type}
                  {s.connection_string === undefined ? (
                    " (another team's)"
                  ) : (
                    <>
                      {' '}
                      <code>{s.connection_string}</code>
                    </>
                  )}
                </td>
                <td>{s.target_unit ?? ''}</td>
                <td>{s.filter === undefined ? '' : <code>{JSON.stringify(s.filter)}</code>}</td>
                <td>
                  <StatusBadge
                    status={s.status}
                    {...(s.status_reason === undefined ? {} : { reason: s.status_reason })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function NewVersion({
  api,
  eventType,
  onCreated,
}: {
  readonly api: PortalApi;
  readonly eventType: string;
  readonly onCreated: () => void;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<Error | undefined>(undefined);
  const [result, setResult] = useState<string | undefined>(undefined);
  const parsed = parseJson(text);
  return (
    <Section title="New version">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setError(undefined);
          setResult(undefined);
          if (parsed.error !== undefined || parsed.value === undefined) return;
          api
            .put<{ latest_version: number; compatibility?: Compatibility }>(`/events/${encode(eventType)}`, {
              data: parsed.value as Json,
            })
            .then(
              (updated) => {
                setResult(
                  `Version ${updated.latest_version} created${updated.compatibility === undefined ? '' : updated.compatibility.backward_compatible ? ' (backward compatible)' : ' (not backward compatible)'}.`,
                );
                setText('');
                onCreated();
              },
              (failure: unknown) => setError(asError(failure)),
            );
        }}
      >
        <JsonField
          label="Data schema of the new version (JSON Schema)"
          name="data-schema"
          value={text}
          onChange={setText}
          path="$.data"
          {...(error === undefined ? {} : { error })}
          {...(parsed.error === undefined ? {} : { parseError: parsed.error })}
        />
        <ErrorNotice {...(error === undefined ? {} : { error })} shownAt={['$.data']} />
        {result === undefined ? null : (
          <p className="notice" role="status">
            {result}
          </p>
        )}
        <button type="submit" disabled={parsed.value === undefined}>
          Create version
        </button>
      </form>
      {error instanceof ApiError && error.status === 403 ? (
        <p className="muted">Only the owning team may add versions.</p>
      ) : null}
    </Section>
  );
}
