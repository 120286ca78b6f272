import { useId, useState } from 'react';
import type { PortalApi } from '../api';
import { ErrorNotice, FieldProblems, JsonField, parseJson, Section } from '../common';
import { navigate } from '../router';

const STARTER_SCHEMA = `{
  "type": "object",
  "required": ["id"],
  "properties": {
    "id": { "type": "string", "description": "What identifies it" }
  }
}`;

/** Register an event type: its name, owning application, description, producer and version 1's data schema. */
export function NewEventTypePage({
  api,
  teams,
}: {
  readonly api: PortalApi;
  readonly teams: readonly string[];
}) {
  const [form, setForm] = useState({
    event_type: '',
    application: teams[0] ?? '',
    description: '',
    connection_type: 'HTTPS',
  });
  const [schemaText, setSchemaText] = useState(STARTER_SCHEMA);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const parsed = parseJson(schemaText);
  const ids = { name: useId(), app: useId(), description: useId(), producer: useId() };
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm({ ...form, [key]: event.target.value });

  return (
    <main>
      <h1>New event type</h1>
      <Section title="Event type">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (parsed.value === undefined) return;
            setBusy(true);
            setError(undefined);
            api.post<{ event_type: string }>('/events', { ...form, data: parsed.value }).then(
              (created) => navigate({ page: 'event-type', eventType: created.event_type }),
              (failure: unknown) => {
                setBusy(false);
                setError(failure instanceof Error ? failure : new Error(String(failure)));
              },
            );
          }}
        >
          <div className="field">
            <label htmlFor={ids.name}>Name</label>
            <input
              id={ids.name}
              name="event_type"
              required
              value={form.event_type}
              onChange={set('event_type')}
              placeholder="scanned_parcel"
            />
            <FieldProblems error={error} path="$.event_type" />
          </div>
          <div className="field">
            <label htmlFor={ids.app}>Owning application (your team)</label>
            <input
              id={ids.app}
              name="application"
              required
              value={form.application}
              onChange={set('application')}
              list={`${ids.app}-teams`}
            />
            <datalist id={`${ids.app}-teams`}>
              {teams.map((team) => (
                <option key={team} value={team} />
              ))}
            </datalist>
            <FieldProblems error={error} path="$.application" />
          </div>
          <div className="field">
            <label htmlFor={ids.description}>Description</label>
            <input
              id={ids.description}
              name="description"
              required
              value={form.description}
              onChange={set('description')}
            />
            <FieldProblems error={error} path="$.description" />
          </div>
          <div className="field">
            <label htmlFor={ids.producer}>Producer</label>
            <select
              id={ids.producer}
              name="connection_type"
              value={form.connection_type}
              onChange={set('connection_type')}
            >
              <option value="HTTPS">HTTP endpoint</option>
              <option value="SQS">SQS queue</option>
            </select>
            <FieldProblems error={error} path="$.connection_type" />
          </div>
          <JsonField
            label="Data schema of version 1 (JSON Schema)"
            name="data-schema"
            value={schemaText}
            onChange={setSchemaText}
            path="$.data"
            rows={12}
            {...(error === undefined ? {} : { error })}
            {...(parsed.error === undefined ? {} : { parseError: parsed.error })}
          />
          <ErrorNotice
            {...(error === undefined ? {} : { error })}
            shownAt={['$.event_type', '$.application', '$.description', '$.connection_type', '$.data']}
          />
          <button type="submit" disabled={busy || parsed.value === undefined}>
            {busy ? 'Creating…' : 'Create event type'}
          </button>
        </form>
      </Section>
    </main>
  );
}
