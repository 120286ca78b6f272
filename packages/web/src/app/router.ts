import { useEffect, useState } from 'react';

/** A page of the portal, from the address's fragment (`#/events/order_created`); hash routes never reach the API. */
export type Route =
  | { readonly page: 'catalog' }
  | { readonly page: 'new-event-type' }
  | { readonly page: 'event-type'; readonly eventType: string }
  | { readonly page: 'subscribe'; readonly eventType: string; readonly version?: number }
  | { readonly page: 'my-subscriptions' }
  | { readonly page: 'sign-in' }
  | { readonly page: 'not-found'; readonly path: string };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path
    .split('/')
    .filter((part) => part !== '')
    .map(decodeURIComponent);
  const params = new URLSearchParams(query);
  // `#token=…` is a sign-in link: the token is taken, and the page is the catalog.
  if (parts.length === 0 || path.startsWith('token=')) return { page: 'catalog' };
  if (parts[0] === 'new' && parts.length === 1) return { page: 'new-event-type' };
  if (parts[0] === 'subscriptions' && parts.length === 1) return { page: 'my-subscriptions' };
  if (parts[0] === 'sign-in' && parts.length === 1) return { page: 'sign-in' };
  if (parts[0] === 'events' && parts[1] !== undefined) {
    if (parts.length === 2) return { page: 'event-type', eventType: parts[1] };
    if (parts.length === 3 && parts[2] === 'subscribe') {
      const version = Number(params.get('version'));
      return {
        page: 'subscribe',
        eventType: parts[1],
        ...(Number.isInteger(version) && version > 0 ? { version } : {}),
      };
    }
  }
  return { page: 'not-found', path };
}

export function href(route: Route): string {
  switch (route.page) {
    case 'catalog':
      return '#/';
    case 'new-event-type':
      return '#/new';
    case 'event-type':
      return `#/events/${encodeURIComponent(route.eventType)}`;
    case 'subscribe':
      return `#/events/${encodeURIComponent(route.eventType)}/subscribe${route.version === undefined ? '' : `?version=${route.version}`}`;
    case 'my-subscriptions':
      return '#/subscriptions';
    case 'sign-in':
      return '#/sign-in';
    case 'not-found':
      return `#${route.path}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}
