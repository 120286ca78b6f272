import { type ReactNode, useId, useState } from 'react';
import { asError, ErrorNotice, Section } from '../common';
import { beginSignIn } from '../hosted-ui';
import { navigate } from '../router';
import { type Session, tokenClaims } from '../session';

/** Where the hosted UI sends the browser back: the site's root, as the app client's callback and sign-out URL. */
export function redirectUri(): string {
  return `${window.location.origin}/`;
}

/**
 * Sign in: through the user pool's hosted UI when config.json names one (in AWS), and with a token pasted from
 * `bridgeport token --user … --team …` (locally) or a user pool ID token.
 */
export function SignInPage({
  session,
  signedIn,
  children,
}: {
  readonly session: Session;
  readonly signedIn: boolean;
  readonly children?: ReactNode;
}) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [redirectError, setRedirectError] = useState<Error | undefined>(undefined);
  const [leaving, setLeaving] = useState(false);
  const id = useId();
  const hostedUi = session.hostedUi;
  const reason = signedIn ? undefined : session.signedOutReason;
  return (
    <main>
      <h1>Sign in</h1>
      {reason === undefined ? null : (
        <p className="notice" role="status">
          {reason}
        </p>
      )}
      {children}
      {hostedUi === undefined ? null : (
        <Section title="Your Bridgeport account">
          <p>Sign in with your user name and password (and your second factor, if you set one up).</p>
          <button
            type="button"
            disabled={leaving}
            onClick={() => {
              setLeaving(true);
              const returnTo = window.location.hash.startsWith('#/sign-in')
                ? '#/'
                : window.location.hash || '#/';
              beginSignIn(hostedUi, redirectUri(), returnTo).then(
                ({ pending, url }) => {
                  session.savePending(pending);
                  window.location.assign(url);
                },
                (failure: unknown) => {
                  setLeaving(false);
                  setRedirectError(asError(failure));
                },
              );
            }}
          >
            Sign in
          </button>
          <ErrorNotice {...(redirectError === undefined ? {} : { error: redirectError })} />
        </Section>
      )}
      <Section title={hostedUi === undefined ? 'Token' : 'Or paste a token'}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (tokenClaims(token.trim()) === undefined) {
              setProblem(
                'This is not a token: paste the whole output of "pnpm exec bridgeport token --user NAME --team TEAM".',
              );
              return;
            }
            setProblem(undefined);
            session.signInWithToken(token);
            if (window.location.hash.startsWith('#/sign-in')) navigate({ page: 'catalog' });
          }}
        >
          <div className="field">
            <label htmlFor={id}>Bearer token</label>
            <textarea
              id={id}
              name="token"
              rows={4}
              value={token}
              onChange={(e) => setToken(e.target.value)}
              aria-describedby={`${id}-help ${id}-problem`}
              aria-invalid={problem !== undefined}
            />
            <p id={`${id}-help`} className="muted">
              {hostedUi === undefined ? (
                <>
                  Locally: <code>pnpm exec bridgeport token --user alice --team parcels</code>.
                </>
              ) : (
                <>An ID token of this portal's user pool.</>
              )}{' '}
              The token is kept in this tab only.
            </p>
            <div id={`${id}-problem`}>
              {problem === undefined ? null : (
                <p className="field-problems" role="alert">
                  {problem}
                </p>
              )}
            </div>
          </div>
          <button type="submit">{hostedUi === undefined ? 'Sign in' : 'Sign in with this token'}</button>
        </form>
      </Section>
    </main>
  );
}
