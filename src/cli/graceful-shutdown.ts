import { toError } from '../errors/index.js';

/**
 * On the first SIGTERM or SIGINT, runs `drain` once and exits: 0 when it
 * finished, 1 (with the reason on stderr) when it failed.
 */
export function exitOnSignal(
  command: string,
  log: (line: string) => void,
  drain: () => Promise<void>,
): void {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log(`${signal}: draining …`);
    drain().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`portage ${command}: draining failed: ${toError(error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
