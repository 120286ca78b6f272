import { drainPages } from '@bridgeport/core/paging';
import { useId, useState } from 'react';
import { ApiError, encode, type PortalApi } from '../api';
import { asError, ErrorNotice, Loading, Section, StatusBadge } from '../common';
import { IN_PROGRESS, useLoad } from '../hooks';
import { InsightsLoader, SubscriptionInsightsView } from '../insights';
import { href } from '../router';
import type { DeadLetterView, Page, SubscriptionView } from '../types';

/** The caller's subscriptions (those the API shows in full): status, dead letters, redrive, replay, insights. */
export function MySubscriptionsPage({ api }: { readonly api: PortalApi }) {
  const listing = useLoad(
    async () => {
      const items = await drainPages((next) => {
        const query = new URLSearchParams({
          limit: '100',
          ...(next === undefined ? {} : { next_token: next }),
        });
        return api.get<Page<SubscriptionView>>(`/subscriptions?${query}`);
      });
      // Another team's subscriptions come without their endpoint: they are not the caller's.
      return items.filter((item) => item.connection_string !== undefined);
    },
    'mine',
    (items) => items.some((item) => IN_PROGRESS.has(item.status)),
    1500,
    // A redeployment started elsewhere (the pipeline, another tab) shows up within 10 s.
    10_000,
  );
  return (
    <main>
      <h1>My subscriptions</h1>
      <ErrorNotice error={listing.error} />
      {listing.data === undefined && listing.error === undefined ? (
        <Loading what="your subscriptions" />
      ) : null}
      {listing.data?.length === 0 ? (
        <p className="muted">
          You have no subscriptions yet: find an event type in the catalog and subscribe.
        </p>
      ) : null}
      {(listing.data ?? []).map((subscription) => (
        <SubscriptionCard
          key={subscription.id}
          api={api}
          subscription={subscription}
          onChanged={listing.reload}
        />
      ))}
    </main>
  );
}

function SubscriptionCard(props: {
  readonly api: PortalApi;
  readonly subscription: SubscriptionView;
  readonly onChanged: () => void;
}) {
  const { api, subscription: s } = props;
  return (
    <Section
      title={`${s.event_type} v${s.version} → ${s.connection_type}`}
      actions={
        <StatusBadge
          status={s.status}
          {...(s.status_reason === undefined ? {} : { reason: s.status_reason })}
        />
      }
    >
      <dl className="facts" data-subscription={s.id}>
        <dt>Id</dt>
        <dd>
          <code>{s.id}</code>
        </dd>
        <dt>Endpoint</dt>
        <dd>
          <code>{s.connection_string}</code>
        </dd>
        {s.target_unit === undefined ? null : (
          <>
            <dt>Target unit</dt>
            <dd>{s.target_unit}</dd>
          </>
        )}
        {s.filter === undefined ? null : (
          <>
            <dt>Filter</dt>
            <dd>
              <code>{JSON.stringify(s.filter)}</code>
            </dd>
          </>
        )}
        <dt>Event type</dt>
        <dd>
          <a href={href({ page: 'event-type', eventType: s.event_type })}>{s.event_type}</a>
        </dd>
      </dl>
      <details>
        <summary>Dead letters</summary>
        <DeadLetters api={api} id={s.id} />
      </details>
      <details>
        <summary>Replay a window</summary>
        <Replay api={api} id={s.id} />
      </details>
      <details>
        <summary>Insights</summary>
        <InsightsLoader api={api} eventType={s.event_type}>
          {(insights) => <SubscriptionInsightsView insights={insights} subscriptionId={s.id} />}
        </InsightsLoader>
      </details>
      <button
        type="button"
        className="danger"
        onClick={() => {
          if (window.confirm(`Unsubscribe ${s.id}? Its consumer stack is removed.`)) {
            api.delete(`/subscriptions/${encode(s.id)}`).then(props.onChanged, props.onChanged);
          }
        }}
      >
        Unsubscribe
      </button>
    </Section>
  );
}

/** A route the portal may not serve yet: 404/405 read as "not available here" rather than as a failure. */
function unavailable(error: Error | undefined): boolean {
  return (
    error instanceof ApiError &&
    (error.status === 404 || error.status === 405) &&
    /route|method/i.test(error.message)
  );
}

function deadLetterId(letter: DeadLetterView): string | undefined {
  return letter.dead_letter_id ?? letter.id;
}

function DeadLetters({ api, id }: { readonly api: PortalApi; readonly id: string }) {
  const letters = useLoad(
    () => api.get<Page<DeadLetterView>>(`/subscriptions/${encode(id)}/dead-letters?limit=100`),
    id,
  );
  const [actionError, setActionError] = useState<Error | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const act = (work: Promise<unknown>, done: string) =>
    work.then(
      () => {
        setMessage(done);
        setActionError(undefined);
        letters.reload();
      },
      (failure: unknown) => setActionError(asError(failure)),
    );
  if (letters.error !== undefined) return <ErrorNotice error={letters.error} />;
  if (letters.data === undefined) return <Loading what="dead letters" />;
  return (
    <div>
      {message === undefined ? null : <p role="status">{message}</p>}
      <ErrorNotice {...(actionError === undefined ? {} : { error: actionError })} />
      {letters.data.items.length === 0 ? (
        <p className="muted">No dead letters.</p>
      ) : (
        <>
          <button
            type="button"
            onClick={() =>
              act(
                api.post(`/subscriptions/${encode(id)}/dead-letters/redrive`, {}),
                'Redrive started for every dead letter.',
              )
            }
          >
            Redrive all
          </button>
          <table>
            <thead>
              <tr>
                <th scope="col">Failed at</th>
                <th scope="col">Error</th>
                <th scope="col">Attempts</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {letters.data.items.map((letter, index) => {
                const key = deadLetterId(letter);
                return (
                  <tr key={key ?? index}>
                    <td>{letter.failed_at ?? ''}</td>
                    <td>
                      {letter.error_code ?? ''} {letter.error_message ?? ''}
                    </td>
                    <td>{letter.retry_attempts ?? ''}</td>
                    <td>
                      {key === undefined ? null : (
                        <>
                          <button
                            type="button"
                            className="secondary"
                            onClick={() =>
                              act(
                                api.post(`/subscriptions/${encode(id)}/dead-letters/redrive`, { ids: [key] }),
                                `Redriving ${key}.`,
                              )
                            }
                          >
                            Redrive
                          </button>{' '}
                          <button
                            type="button"
                            className="secondary"
                            onClick={() =>
                              act(
                                api.delete(`/subscriptions/${encode(id)}/dead-letters/${encode(key)}`),
                                `Discarded ${key}.`,
                              )
                            }
                          >
                            Discard
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

function Replay({ api, id }: { readonly api: PortalApi; readonly id: string }) {
  const fromId = useId();
  const toId = useId();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [error, setError] = useState<Error | undefined>(undefined);
  const [state, setState] = useState<Record<string, unknown> | undefined>(undefined);
  if (unavailable(error)) return <p className="muted">Replay is not available on this portal.</p>;
  return (
    <form
      className="filters"
      onSubmit={(event) => {
        event.preventDefault();
        setError(undefined);
        api
          .post<Record<string, unknown>>(`/subscriptions/${encode(id)}/replay`, {
            from: new Date(from).toISOString(),
            to: new Date(to).toISOString(),
          })
          .then(setState, (failure: unknown) => setError(asError(failure)));
      }}
    >
      <div className="field inline">
        <label htmlFor={fromId}>From</label>
        <input
          id={fromId}
          type="datetime-local"
          required
          value={from}
          onChange={(e) => setFrom(e.target.value)}
        />
      </div>
      <div className="field inline">
        <label htmlFor={toId}>To</label>
        <input id={toId} type="datetime-local" required value={to} onChange={(e) => setTo(e.target.value)} />
      </div>
      <button type="submit">Replay</button>
      <ErrorNotice {...(error === undefined ? {} : { error })} />
      {state === undefined ? null : <pre className="json">{JSON.stringify(state, null, 2)}</pre>}
    </form>
  );
}
