import { useEffect, useMemo, useState } from 'react';
import {
  adoptTokenFromLocation,
  loadSettings,
  PortalApi,
  type PortalSettings,
  tokenClaims,
  tokenStore,
} from './api';
import { CatalogPage } from './pages/catalog';
import { EventTypePage } from './pages/event-type';
import { MySubscriptionsPage } from './pages/my-subscriptions';
import { NewEventTypePage } from './pages/new-event-type';
import { SignInPage } from './pages/sign-in';
import { SubscribePage } from './pages/subscribe';
import { href, navigate, type Route, useRoute } from './router';

function teamsOf(claims: Record<string, unknown> | undefined): string[] {
  const groups = claims?.['cognito:groups'] ?? claims?.teams;
  return Array.isArray(groups) ? groups.map(String).filter((group) => group !== 'platform-admins') : [];
}

export function App() {
  const [settings, setSettings] = useState<PortalSettings | undefined>(undefined);
  const [token, setToken] = useState(() => {
    adoptTokenFromLocation();
    return tokenStore.get();
  });
  const route = useRoute();
  useEffect(() => {
    loadSettings().then(setSettings, () => setSettings({ apiUrl: '', producerUrl: '' }));
    // A sign-in link opened in a tab that already shows the portal.
    const signInLink = () => {
      adoptTokenFromLocation();
      setToken(tokenStore.get());
    };
    window.addEventListener('hashchange', signInLink);
    return () => window.removeEventListener('hashchange', signInLink);
  }, []);
  const api = useMemo(() => (settings === undefined ? undefined : new PortalApi(settings)), [settings]);
  const claims = tokenClaims(token);
  const user =
    typeof claims?.['cognito:username'] === 'string'
      ? claims['cognito:username']
      : typeof claims?.sub === 'string'
        ? claims.sub
        : undefined;

  useEffect(() => {
    document.title = `Bridgeport — ${titleOf(route)}`;
  }, [route]);

  return (
    <>
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <header className="top">
        <a className="brand" href={href({ page: 'catalog' })}>
          Bridgeport
        </a>
        <nav aria-label="Main">
          <a href={href({ page: 'catalog' })} aria-current={route.page === 'catalog' ? 'page' : undefined}>
            Catalog
          </a>
          <a
            href={href({ page: 'my-subscriptions' })}
            aria-current={route.page === 'my-subscriptions' ? 'page' : undefined}
          >
            My subscriptions
          </a>
        </nav>
        <div className="who">
          {token === undefined ? (
            <a href={href({ page: 'sign-in' })}>Sign in</a>
          ) : (
            <>
              <span>
                {user ?? 'signed in'}
                {teamsOf(claims).length === 0 ? '' : ` (${teamsOf(claims).join(', ')})`}
              </span>{' '}
              <button
                type="button"
                className="link"
                onClick={() => {
                  tokenStore.clear();
                  setToken(undefined);
                  navigate({ page: 'sign-in' });
                }}
              >
                Sign out
              </button>
            </>
          )}
        </div>
      </header>
      <div id="content">
        {api === undefined ? (
          <p className="muted">Loading…</p>
        ) : token === undefined && route.page !== 'sign-in' ? (
          <SignInPage onSignedIn={() => setToken(tokenStore.get())} />
        ) : (
          <Page
            route={route}
            api={api}
            teams={teamsOf(claims)}
            onSignedIn={() => setToken(tokenStore.get())}
          />
        )}
      </div>
    </>
  );
}

function Page({
  route,
  api,
  teams,
  onSignedIn,
}: {
  readonly route: Route;
  readonly api: PortalApi;
  readonly teams: string[];
  readonly onSignedIn: () => void;
}) {
  switch (route.page) {
    case 'catalog':
      return <CatalogPage api={api} />;
    case 'new-event-type':
      return <NewEventTypePage api={api} teams={teams} />;
    case 'event-type':
      return <EventTypePage key={route.eventType} api={api} eventType={route.eventType} />;
    case 'subscribe':
      return (
        <SubscribePage
          key={`${route.eventType}:${route.version ?? ''}`}
          api={api}
          eventType={route.eventType}
          {...(route.version === undefined ? {} : { version: route.version })}
        />
      );
    case 'my-subscriptions':
      return <MySubscriptionsPage api={api} />;
    case 'sign-in':
      return <SignInPage onSignedIn={onSignedIn} />;
    case 'not-found':
      return (
        <main>
          <h1>Not found</h1>
          <p>
            Nothing at <code>{route.path}</code>. <a href={href({ page: 'catalog' })}>Back to the catalog</a>.
          </p>
        </main>
      );
  }
}

function titleOf(route: Route): string {
  switch (route.page) {
    case 'catalog':
      return 'Catalog';
    case 'new-event-type':
      return 'New event type';
    case 'event-type':
      return route.eventType;
    case 'subscribe':
      return `Subscribe to ${route.eventType}`;
    case 'my-subscriptions':
      return 'My subscriptions';
    case 'sign-in':
      return 'Sign in';
    case 'not-found':
      return 'Not found';
  }
}
