import { useId, useState } from 'react';
import { encode, type PortalApi } from '../api';
import { ErrorNotice, Loading, StatusBadge } from '../common';
import { IN_PROGRESS, useLoad } from '../hooks';
import { href } from '../router';
import type { EventTypeListItem, EventTypeView, Page } from '../types';

const PAGE_SIZE = 25;

/** Every event type: application, description, latest version, status, subscribers; search, filter, pages. */
export function CatalogPage({ api }: { readonly api: PortalApi }) {
  const [application, setApplication] = useState('');
  const [appliedApplication, setAppliedApplication] = useState('');
  const [search, setSearch] = useState('');
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const pageIndex = tokens.length - 1;
  const token = tokens[pageIndex];
  const searchId = useId();
  const appId = useId();

  const listing = useLoad(
    async () => {
      const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (appliedApplication !== '') query.set('application', appliedApplication);
      if (token !== undefined) query.set('next_token', token);
      const page = await api.get<Page<EventTypeListItem>>(`/events?${query}`);
      // The listing has no status or subscriber count: each type's own view has them.
      const views = await Promise.all(
        page.items.map((item) =>
          api.get<EventTypeView>(`/events/${encode(item.event_type)}`).catch(() => undefined),
        ),
      );
      return { page, views };
    },
    `${appliedApplication}|${token ?? ''}`,
    (data) => data.views.some((view) => view !== undefined && IN_PROGRESS.has(view.status)),
  );

  const needle = search.trim().toLowerCase();
  const rows = (listing.data?.views ?? []).filter(
    (view): view is EventTypeView =>
      view !== undefined &&
      (needle === '' ||
        view.event_type.toLowerCase().includes(needle) ||
        view.description.toLowerCase().includes(needle) ||
        view.application.toLowerCase().includes(needle)),
  );

  return (
    <main>
      <div className="page-title">
        <h1>Event catalog</h1>
        <a className="button" href={href({ page: 'new-event-type' })}>
          New event type
        </a>
      </div>
      <form
        className="filters"
        onSubmit={(event) => {
          event.preventDefault();
          setAppliedApplication(application.trim());
          setTokens([undefined]);
        }}
      >
        <div className="field inline">
          <label htmlFor={searchId}>Search this page</label>
          <input
            id={searchId}
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="name, description, application"
          />
        </div>
        <div className="field inline">
          <label htmlFor={appId}>Application</label>
          <input
            id={appId}
            value={application}
            onChange={(e) => setApplication(e.target.value)}
            placeholder="all"
          />
        </div>
        <button type="submit">Filter</button>
      </form>
      <ErrorNotice error={listing.error} />
      {listing.data === undefined && listing.error === undefined ? <Loading what="the catalog" /> : null}
      {listing.data === undefined ? null : (
        <>
          <table className="catalog">
            <caption className="visually-hidden">Event types</caption>
            <thead>
              <tr>
                <th scope="col">Event type</th>
                <th scope="col">Application</th>
                <th scope="col">Description</th>
                <th scope="col">Latest version</th>
                <th scope="col">Status</th>
                <th scope="col">Subscribers</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((view) => (
                <tr key={view.event_type} data-event-type={view.event_type}>
                  <th scope="row">
                    <a href={href({ page: 'event-type', eventType: view.event_type })}>{view.event_type}</a>
                  </th>
                  <td>{view.application}</td>
                  <td>{view.description}</td>
                  <td>{view.latest_version}</td>
                  <td>
                    <StatusBadge status={view.status} />
                  </td>
                  <td>{view.subscription_count}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 ? <p className="muted">No event types here.</p> : null}
          <nav className="pager" aria-label="Pages">
            <button
              type="button"
              className="secondary"
              disabled={pageIndex === 0}
              onClick={() => setTokens(tokens.slice(0, -1))}
            >
              Previous
            </button>
            <span>Page {pageIndex + 1}</span>
            <button
              type="button"
              className="secondary"
              disabled={listing.data.page.next_token === undefined}
              onClick={() => setTokens([...tokens, listing.data?.page.next_token])}
            >
              Next
            </button>
          </nav>
        </>
      )}
    </main>
  );
}
