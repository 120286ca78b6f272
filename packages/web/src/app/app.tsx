import { useEffect, useMemo, useRef, useState } from 'react';
import { loadSettings, PortalApi, type PortalSettings } from './api';
import { asError, ErrorNotice, Loading } from './common';
import { logoutUrl } from './hosted-ui';
import { CatalogPage } from './pages/catalog';
import { EventTypePage } from './pages/event-type';
import { MySubscriptionsPage } from './pages/my-subscriptions';
import { NewEventTypePage } from './pages/new-event-type';
import { redirectUri, SignInPage } from './pages/sign-in';
import { SubscribePage } from './pages/subscribe';
import { href, navigate, type Route, useRoute } from './router';
import { adoptTokenFromLocation, Session, tokenClaims } from './session';

function teamsOf(claims: Record<string, unknown> | undefined): string[] {
  const groups = claims?.['cognito:groups'] ?? claims?.teams;
  return Array.isArray(groups) ? groups.map(String).filter((group) => group !== 'platform-admins') : [];
}

interface Started {
  readonly settings: PortalSettings;
  readonly session: Session;
  /** Why finishing a hosted-UI sign-in failed, shown on the sign-in page. */
  readonly signInError?: Error;
}

/**
 * Reads config.json, opens the tab's session and takes what the address brings: a `#token=` link, or the hosted
 * UI's answer (`?code=…&state=…`), exchanged for tokens and removed from the address.
 */
async function start(): Promise<Started> {
  const settings = await loadSettings().catch((): PortalSettings => ({ apiUrl: '', producerUrl: '' }));
  const session = new Session(
    sessionStorage,
    settings.hostedUi === undefined ? {} : { hostedUi: settings.hostedUi },
  );
  adoptTokenFromLocation(session);
  if (window.location.search === '') return { settings, session };
  const clean = (hash: string) => {
    history.replaceState(null, '', `${window.location.pathname}${hash}`);
    // replaceState announces nothing: the router reads the new route on this event.
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  };
  try {
    const returnTo = await session.finishSignIn(window.location.search);
    if (returnTo !== undefined) clean(returnTo);
    return { settings, session };
  } catch (failure) {
    clean('#/sign-in');
    return { settings, session, signInError: asError(failure) };
  }
}

export function App() {
  const [started, setStarted] = useState<Started | undefined>(undefined);
  const [token, setToken] = useState<string | undefined>(undefined);
  const route = useRoute();
  useEffect(() => {
    let unsubscribe = () => {};
    start().then((value) => {
      setStarted(value);
      setToken(value.session.token);
      unsubscribe = value.session.subscribe(() => setToken(value.session.token));
    });
    return () => unsubscribe();
  }, []);
  useEffect(() => {
    if (started === undefined) return;
    // A sign-in link opened in a tab that already shows the portal.
    const signInLink = () => adoptTokenFromLocation(started.session);
    window.addEventListener('hashchange', signInLink);
    return () => window.removeEventListener('hashchange', signInLink);
  }, [started]);
  const api = useMemo(
    () => (started === undefined ? undefined : new PortalApi(started.settings, started.session)),
    [started],
  );
  const claims = tokenClaims(token);
  const user =
    typeof claims?.['cognito:username'] === 'string'
      ? claims['cognito:username']
      : typeof claims?.sub === 'string'
        ? claims.sub
        : undefined;

  const content = useRef<HTMLDivElement>(null);
  const firstRoute = useRef(true);
  useEffect(() => {
    document.title = `Bridgeport — ${titleOf(route)}`;
    // A new page: the focus moves to its content (not on the first load), so keyboard and screen-reader users
    // start there instead of at the link they followed.
    if (firstRoute.current) firstRoute.current = false;
    else content.current?.focus();
  }, [route]);

  const signOut = () => {
    if (started === undefined) return;
    started.session.signOut();
    const hostedUi = started.settings.hostedUi;
    // The hosted UI ends its own session too, then sends the browser back to the portal.
    if (hostedUi !== undefined) window.location.assign(logoutUrl(hostedUi, redirectUri()));
    else navigate({ page: 'sign-in' });
  };

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
              <button type="button" className="link" onClick={signOut}>
                Sign out
              </button>
            </>
          )}
        </div>
      </header>
      <div id="content" ref={content} tabIndex={-1}>
        {started === undefined || api === undefined ? (
          <main>
            <Loading what="the portal" />
          </main>
        ) : token === undefined || route.page === 'sign-in' ? (
          <SignInPage session={started.session} signedIn={token !== undefined}>
            <ErrorNotice {...(started.signInError === undefined ? {} : { error: started.signInError })} />
          </SignInPage>
        ) : (
          <Page route={route} api={api} teams={teamsOf(claims)} />
        )}
      </div>
    </>
  );
}

function Page({
  route,
  api,
  teams,
}: {
  readonly route: Route;
  readonly api: PortalApi;
  readonly teams: string[];
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
      return null;
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
