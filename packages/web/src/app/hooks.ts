import { useCallback, useEffect, useRef, useState } from 'react';
import { asError } from './common';

export interface Loaded<T> {
  readonly data?: T;
  readonly error?: Error;
  readonly loading: boolean;
  reload(): void;
}

/**
 * Loads `load()` when `key` changes; while `poll(data)` says so (a deployment in progress), loads again every
 * `intervalMs`, so statuses change on the page without a reload; otherwise every `idleIntervalMs` when given, so a
 * change started elsewhere (another tab, the pipeline) shows up too.
 */
export function useLoad<T>(
  load: () => Promise<T>,
  key: string,
  poll: (data: T) => boolean = () => false,
  intervalMs = 1500,
  idleIntervalMs?: number,
): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const pollRef = useRef(poll);
  pollRef.current = poll;
  const reload = useCallback(() => setTick((n) => n + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` and `tick` are the reasons to load again.
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState((previous) => ({ ...previous, loading: true }));
    loadRef.current().then(
      (data) => {
        if (cancelled) return;
        setState({ data, loading: false });
        const wait = pollRef.current(data) ? intervalMs : idleIntervalMs;
        if (wait !== undefined) timer = setTimeout(() => setTick((n) => n + 1), wait);
      },
      (error: unknown) => {
        if (!cancelled) setState({ error: asError(error), loading: false });
      },
    );
    return () => {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [key, tick, intervalMs, idleIntervalMs]);

  return { ...state, reload };
}

/** Statuses of work still under way: a page holding one polls. */
export const IN_PROGRESS = new Set(['PENDING', 'DEPLOYING', 'DELETING']);
