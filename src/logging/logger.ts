import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type pretty from 'pino-pretty';
import type { LogFormat } from '../config/index.js';

/**
 * The format logs take when the setting leaves it open: readable lines when a
 * person watches the terminal, JSON lines when a collector reads a pipe or file.
 */
export function resolveLogFormat(
  setting: LogFormat | null,
  output: { isTTY?: boolean } = process.stdout,
): LogFormat {
  return setting ?? (output.isTTY === true ? 'pretty' : 'json');
}

/**
 * Where log lines go: `output` itself for JSON, or a synchronous pretty-printer
 * in front of it (so a line is whole before the next one starts, and nothing
 * is lost when the process exits).
 * @param output - (Default: standard output)
 */
export function logDestination(format: LogFormat, output: Writable = process.stdout): Writable {
  if (format === 'json') return output;
  // Loaded here, not with the module: a one-off command that logs nothing starts without it.
  const prettyPrinter = createRequire(import.meta.url)('pino-pretty') as typeof pretty;
  return prettyPrinter({
    destination: output,
    sync: true,
    colorize: (output as { isTTY?: boolean }).isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
}

/**
 * A logger for Portage's own events (export and import state changes), one
 * JSON object per line into `destination`; without one it logs nothing.
 */
export function eventLogger(destination?: Writable): Logger {
  if (destination === undefined) return pino({ enabled: false });
  return pino({ level: 'info', base: { pid: process.pid } }, destination);
}
