/** Progress of long work, one line per step: `{phase}: {n} of {N}`. */
export type Progress = (phase: string, done: number, total: number, subject?: string) => void;

/** A progress reporter writing to a stream (stderr for the CLI), one line per step. */
export function progressTo(write: (text: string) => void): Progress {
  return (phase, done, total, subject) => {
    write(`${phase}: ${done} of ${total}${subject === undefined ? '' : ` (${subject})`}\n`);
  };
}

export const NO_PROGRESS: Progress = () => undefined;
