import { useId, useState } from 'react';
import type { PortalApi } from '../api';
import { asError, ErrorNotice, FieldProblems, JsonField, parseJson, Section, TextField } from '../common';
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
  const teamsId = useId();
  const producerId = useId();
  const set = (key: keyof typeof form) => (text: string) => setForm({ ...form, [key]: text });

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
                setError(asError(failure));
              },
            );
          }}
        >
          <TextField
            label="Name"
            name="event_type"
            required
            value={form.event_type}
            onChange={set('event_type')}
            placeholder="scanned_parcel"
            path="$.event_type"
            {...(error === undefined ? {} : { error })}
          />
          <TextField
            label="Owning application (your team)"
            name="application"
            required
            value={form.application}
            onChange={set('application')}
            list={teamsId}
            path="$.application"
            {...(error === undefined ? {} : { error })}
          >
            <datalist id={teamsId}>
              {teams.map((team) => (
                <option key={team} value={team} />
              ))}
            </datalist>
          </TextField>
          <TextField
            label="Description"
            name="description"
            required
            value={form.description}
            onChange={set('description')}
            path="$.description"
            {...(error === undefined ? {} : { error })}
          />
          <div className="field">
            <label htmlFor={producerId}>Producer</label>
            <select
              id={producerId}
              name="connection_type"
              value={form.connection_type}
              onChange={(event) => set('connection_type')(event.target.value)}
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
