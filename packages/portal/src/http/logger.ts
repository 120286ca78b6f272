/** Structured JSON log lines on stdout/stderr (CloudWatch Logs picks them up as they are). */
export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
}

function describe(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack, cause: describe(value.cause) };
  }
  return value;
}

function line(level: string, message: string, fields: Record<string, unknown>): string {
  const entries = Object.entries(fields).map(([key, value]) => [key, describe(value)]);
  return JSON.stringify({ level, message, time: new Date().toISOString(), ...Object.fromEntries(entries) });
}

export const consoleLogger: Logger = {
  error: (message, fields = {}) => console.error(line('ERROR', message, fields)),
  info: (message, fields = {}) => console.log(line('INFO', message, fields)),
};
