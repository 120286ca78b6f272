import { type ReactNode, useId, useState } from 'react';
import { ApiError } from './api';

/** A deployment status as a labelled badge (text, not colour alone, carries the meaning). */
export function StatusBadge({ status, reason }: { readonly status: string; readonly reason?: string }) {
  return (
    <span className={`status status-${status.toLowerCase()}`} data-status={status} title={reason}>
      {status}
      {reason === undefined || reason === '' ? null : <span className="status-reason">: {reason}</span>}
    </span>
  );
}

/** An error from the API (or the network), with its per-field problems when none is shown at a field. */
export function ErrorNotice({
  error,
  shownAt = [],
}: {
  readonly error?: Error;
  readonly shownAt?: readonly string[];
}) {
  if (error === undefined) return null;
  const rest =
    error instanceof ApiError
      ? error.problems.filter(
          (problem) => !shownAt.some((prefix) => error.problemsAt(prefix).includes(problem)),
        )
      : [];
  return (
    <div className="notice notice-error" role="alert">
      <strong>{error instanceof ApiError ? `${error.status}: ` : ''}</strong>
      {error.message}
      {rest.length === 0 ? null : (
        <ul>
          {rest.map((problem) => (
            <li key={`${problem.path}:${problem.message}`}>
              <code>{problem.path}</code> {problem.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The problems the API reported at or under `path`, shown next to the field they name. */
export function FieldProblems({
  error,
  path,
  id,
}: {
  readonly error?: Error;
  readonly path: string;
  readonly id?: string;
}) {
  if (!(error instanceof ApiError)) return null;
  const problems = error.problemsAt(path);
  if (problems.length === 0) return null;
  return (
    <ul className="field-problems" id={id} role="alert">
      {problems.map((problem) => (
        <li key={`${problem.path}:${problem.message}`}>
          {problem.path === path ? '' : <code>{problem.path}</code>} {problem.message}
        </li>
      ))}
    </ul>
  );
}

/** A labelled multi-line editor for JSON text, with its parse error and the API's problems at `path`. */
export function JsonField(props: {
  readonly label: string;
  readonly value: string;
  readonly onChange: (text: string) => void;
  readonly path: string;
  readonly error?: Error;
  readonly parseError?: string;
  readonly rows?: number;
  readonly name: string;
}) {
  const id = useId();
  const problemsId = `${id}-problems`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <textarea
        id={id}
        name={props.name}
        rows={props.rows ?? 10}
        spellCheck={false}
        value={props.value}
        aria-describedby={problemsId}
        aria-invalid={
          props.parseError !== undefined ||
          (props.error instanceof ApiError && props.error.problemsAt(props.path).length > 0)
        }
        onChange={(event) => props.onChange(event.target.value)}
      />
      <div id={problemsId}>
        {props.parseError === undefined ? null : (
          <p className="field-problems" role="alert">
            Not JSON: {props.parseError}
          </p>
        )}
        <FieldProblems error={props.error} path={props.path} />
      </div>
    </div>
  );
}

/** What a rejected promise gave, as an `Error` (the API client rejects with `ApiError`s). */
export function asError(failure: unknown): Error {
  return failure instanceof Error ? failure : new Error(String(failure));
}

/** A labelled one-line input with the API's problems at `path` next to it. */
export function TextField(props: {
  readonly label: string;
  readonly name: string;
  readonly value: string;
  readonly onChange: (text: string) => void;
  readonly path: string;
  readonly error?: Error;
  readonly required?: boolean;
  readonly placeholder?: string;
  readonly list?: string;
  readonly children?: ReactNode;
}) {
  const id = useId();
  const invalid = props.error instanceof ApiError && props.error.problemsAt(props.path).length > 0;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        required={props.required}
        value={props.value}
        placeholder={props.placeholder}
        list={props.list}
        aria-invalid={invalid}
        aria-describedby={invalid ? `${id}-problems` : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
      {props.children}
      <FieldProblems error={props.error} path={props.path} id={`${id}-problems`} />
    </div>
  );
}

/** Parses JSON text: the value, or why it is not JSON. */
export function parseJson(text: string): { value?: unknown; error?: string } {
  if (text.trim() === '') return {};
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export function CopyButton({ text, label = 'Copy' }: { readonly text: string; readonly label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="secondary"
      onClick={() => {
        navigator.clipboard?.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        );
      }}
    >
      {copied ? 'Copied' : label}
    </button>
  );
}

export function Section({
  title,
  children,
  actions,
}: {
  readonly title: string;
  readonly children: ReactNode;
  readonly actions?: ReactNode;
}) {
  return (
    <section className="card" aria-label={title}>
      <header className="card-header">
        <h2>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

export function Loading({ what }: { readonly what: string }) {
  return (
    <p className="muted" aria-live="polite">
      Loading {what}…
    </p>
  );
}
