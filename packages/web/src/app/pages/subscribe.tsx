import { useEffect, useId, useState } from 'react';
import { ApiError, encode, type PortalApi } from '../api';
import { asError, ErrorNotice, JsonField, Loading, parseJson, Section, TextField } from '../common';
import { useLoad } from '../hooks';
import { navigate } from '../router';
import { exampleEvent } from '../schema-view';
import type { EventTypeView, EventVersionView, MatchReport } from '../types';

const CONSUMERS = {
  HTTPS: { label: 'HTTPS endpoint', placeholder: 'https://consumer.example.com/events' },
  LAMBDA: {
    label: 'Lambda function ARN',
    placeholder: 'arn:aws:lambda:us-east-1:123456789012:function:my-consumer',
  },
  SQS: { label: 'SQS queue ARN', placeholder: 'arn:aws:sqs:us-east-1:123456789012:my-queue' },
} as const;
type Consumer = keyof typeof CONSUMERS;

/** Subscribe a consumer, with a filter checked as you type and "who receives this?" before subscribing. */
export function SubscribePage(props: {
  readonly api: PortalApi;
  readonly eventType: string;
  readonly version?: number;
}) {
  const { api, eventType } = props;
  const type = useLoad(() => api.get<EventTypeView>(`/events/${encode(eventType)}`), eventType);
  const version = props.version ?? type.data?.latest_version;
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
  return <SubscribeForm api={api} type={type.data} version={version} />;
}

function SubscribeForm({
  api,
  type,
  version,
}: {
  readonly api: PortalApi;
  readonly type: EventTypeView;
  readonly version: number;
}) {
  const details = useLoad(
    () => api.get<EventVersionView>(`/events/${encode(type.event_type)}/versions/${version}`),
    `${type.event_type}/${version}`,
  );
  const [consumer, setConsumer] = useState<Consumer>('HTTPS');
  const [endpoint, setEndpoint] = useState('');
  const [targetUnit, setTargetUnit] = useState('');
  const [filterText, setFilterText] = useState('');
  const [eventText, setEventText] = useState('');
  const [report, setReport] = useState<MatchReport | undefined>(undefined);
  const [checkError, setCheckError] = useState<Error | undefined>(undefined);
  const [submitError, setSubmitError] = useState<Error | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const ids = { version: useId(), consumer: useId() };
  const filter = parseJson(filterText);
  const event = parseJson(eventText);

  useEffect(() => {
    if (details.data !== undefined && eventText === '')
      setEventText(JSON.stringify(exampleEvent(details.data.data), null, 2));
  }, [details.data, eventText]);

  // Live validation and "who receives this?": the portal checks the filter exactly as it checks a subscription's.
  useEffect(() => {
    const draftFilter = parseJson(filterText);
    const draftEvent = parseJson(eventText);
    if (draftFilter.error !== undefined || draftEvent.error !== undefined || draftEvent.value === undefined)
      return;
    const unit = targetUnit.trim();
    const timer = setTimeout(() => {
      api
        .post<MatchReport>(`/events/${encode(type.event_type)}/versions/${version}/match`, {
          event: draftEvent.value,
          ...(draftFilter.value === undefined ? {} : { filter: draftFilter.value }),
          ...(unit === '' ? {} : { target_unit: unit }),
        })
        .then(
          (answer) => {
            setReport(answer);
            setCheckError(undefined);
          },
          (failure: unknown) => {
            setReport(undefined);
            setCheckError(asError(failure));
          },
        );
    }, 300);
    return () => clearTimeout(timer);
  }, [api, type.event_type, version, filterText, eventText, targetUnit]);

  const filterError =
    submitError instanceof ApiError && submitError.problemsAt('$.filter').length > 0
      ? submitError
      : checkError;

  return (
    <main>
      <h1>
        Subscribe to {type.event_type} version {version}
      </h1>
      <Section title="Consumer">
        <form
          onSubmit={(submitted) => {
            submitted.preventDefault();
            if (filter.error !== undefined) return;
            setBusy(true);
            setSubmitError(undefined);
            api
              .post<{ id: string }>('/subscriptions', {
                event_type: type.event_type,
                version,
                connection_type: consumer,
                connection_string: endpoint.trim(),
                ...(targetUnit.trim() === '' ? {} : { target_unit: targetUnit.trim() }),
                ...(filter.value === undefined ? {} : { filter: filter.value }),
              })
              .then(
                () => navigate({ page: 'my-subscriptions' }),
                (failure: unknown) => {
                  setBusy(false);
                  setSubmitError(asError(failure));
                },
              );
          }}
        >
          <div className="field">
            <label htmlFor={ids.version}>Version</label>
            <select
              id={ids.version}
              value={version}
              onChange={(e) =>
                navigate({ page: 'subscribe', eventType: type.event_type, version: Number(e.target.value) })
              }
            >
              {type.versions.map((v) => (
                <option key={v.version} value={v.version}>
                  {v.version}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.consumer}>Target type</label>
            <select
              id={ids.consumer}
              name="connection_type"
              value={consumer}
              onChange={(e) => setConsumer(e.target.value as Consumer)}
            >
              {Object.entries(CONSUMERS).map(([key, value]) => (
                <option key={key} value={key}>
                  {value.label}
                </option>
              ))}
            </select>
          </div>
          <TextField
            label={CONSUMERS[consumer].label}
            name="connection_string"
            required
            value={endpoint}
            placeholder={CONSUMERS[consumer].placeholder}
            onChange={setEndpoint}
            path="$.connection_string"
            {...(submitError === undefined ? {} : { error: submitError })}
          />
          <TextField
            label="Target unit (optional: only events whose metadata.event_attributes.target is this)"
            name="target_unit"
            value={targetUnit}
            onChange={setTargetUnit}
            path="$.target_unit"
            {...(submitError === undefined ? {} : { error: submitError })}
          />
          <JsonField
            label="Filter on data (optional, an EventBridge pattern)"
            name="filter"
            value={filterText}
            onChange={setFilterText}
            path="$.filter"
            rows={6}
            {...(filterError === undefined ? {} : { error: filterError })}
            {...(filter.error === undefined ? {} : { parseError: filter.error })}
          />
          <ErrorNotice
            {...(submitError === undefined ? {} : { error: submitError })}
            shownAt={['$.filter', '$.connection_string', '$.target_unit']}
          />
          <button type="submit" disabled={busy || filter.error !== undefined}>
            {busy ? 'Subscribing…' : 'Subscribe'}
          </button>
        </form>
      </Section>
      <Section title="Who receives this?">
        <p className="muted">
          Edit the event; the result shows whether your filter matches it, and which existing subscriptions
          would receive it.
        </p>
        <JsonField
          label="Event (as a producer sends it)"
          name="event"
          value={eventText}
          onChange={setEventText}
          path="$.event"
          rows={10}
          {...(checkError === undefined ? {} : { error: checkError })}
          {...(event.error === undefined ? {} : { parseError: event.error })}
        />
        {report === undefined ? null : (
          <div aria-live="polite" data-testid="match-report">
            {report.valid ? null : (
              <div className="notice notice-error">
                The producer endpoint would refuse this event:
                <ul>
                  {report.errors.map((p) => (
                    <li key={p.path + p.message}>
                      <code>{p.path}</code> {p.message}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {report.draft === undefined ? (
              <p>Without a filter or target unit, your subscription receives every event of this version.</p>
            ) : (
              <p data-testid="draft-verdict" className={report.draft.matches ? 'verdict-yes' : 'verdict-no'}>
                {report.draft.matches
                  ? 'Your subscription would receive this event.'
                  : 'Your subscription would not receive this event.'}
              </p>
            )}
            <p>
              Existing subscriptions that would receive it:{' '}
              <strong data-testid="receivers">{report.receivers}</strong> of {report.subscriptions.length}
            </p>
            <ul>
              {report.subscriptions
                .filter((s) => s.matches)
                .map((s) => (
                  <li key={s.id}>
                    <code>{s.id}</code> ({s.connection_type}
                    {s.target_unit === undefined ? '' : `, ${s.target_unit}`})
                  </li>
                ))}
            </ul>
          </div>
        )}
      </Section>
    </main>
  );
}
