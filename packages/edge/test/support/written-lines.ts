/**
 * The JSON lines written to stdout and stderr while `run` runs: Powertools' logger writes through a console of its
 * own on the process streams (info to stdout, warnings and errors to stderr), not through the global `console`.
 * Exported as `@bridgeport/edge/testing` for the tests of every package whose handlers log through this one.
 */
export async function writtenLines<T>(
  run: () => Promise<T>,
): Promise<{ result: T; stdout: Record<string, unknown>[]; stderr: Record<string, unknown>[] }> {
  const captured = { stdout: [] as string[], stderr: [] as string[] };
  const spies = (['stdout', 'stderr'] as const).map((name) =>
    jest.spyOn(process[name], 'write').mockImplementation((chunk: string | Uint8Array) => {
      captured[name].push(String(chunk));
      return true;
    }),
  );
  const parse = (chunks: string[]) =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  try {
    const result = await run();
    return { result, stdout: parse(captured.stdout), stderr: parse(captured.stderr) };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}
