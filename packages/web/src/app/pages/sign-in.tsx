import { useId, useState } from 'react';
import { tokenClaims, tokenStore } from '../api';
import { Section } from '../common';
import { navigate } from '../router';

/** Sign in with a token: `bridgeport token --user … --team …` locally, or the user pool's ID token in AWS. */
export function SignInPage({ onSignedIn }: { readonly onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const id = useId();
  return (
    <main>
      <h1>Sign in</h1>
      <Section title="Token">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (tokenClaims(token.trim()) === undefined) {
              setProblem(
                'This is not a token: paste the whole output of "pnpm exec bridgeport token --user NAME --team TEAM".',
              );
              return;
            }
            tokenStore.set(token);
            onSignedIn();
            navigate({ page: 'catalog' });
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
              aria-describedby={`${id}-help`}
              aria-invalid={problem !== undefined}
            />
            <p id={`${id}-help`} className="muted">
              Locally: <code>pnpm exec bridgeport token --user alice --team parcels</code>. The token is kept
              in this tab only.
            </p>
            {problem === undefined ? null : (
              <p className="field-problems" role="alert">
                {problem}
              </p>
            )}
          </div>
          <button type="submit">Sign in</button>
        </form>
      </Section>
    </main>
  );
}
