import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/portage.js', import.meta.url));

/**
 * Every child still running. A test that fails while some of its processes
 * start never gets them to stop; they are killed when the test process exits,
 * rather than left behind holding ports and databases.
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A `portage` command running in its own process, from the built `dist/`. */
export interface PortageProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it wrote so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves when it has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGTERM) unless it already exited, and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs `node bin/portage.js <args>` with `env` on top of this process's
 * environment, and resolves once its output matches `ready` (or rejects if it
 * exits first or `timeoutMs` passes). Run `npm run build` before the tests.
 */
export async function spawnPortage(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  ready: RegExp,
  timeoutMs = 20_000,
): Promise<PortageProcess> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    cwd: env.PORTAGE_DATA_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let text = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`portage ${args.join(' ')} not ready after ${timeoutMs} ms:\n${text}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (ready.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`portage ${args.join(' ')} exited (${code ?? signal}) early:\n${text}`));
    });
  });
  return {
    child,
    pid: child.pid!,
    output: () => text,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Starts `portage serve --no-worker` on a free loopback port; `baseUrl` is where it listens. */
export async function spawnApi(
  env: Readonly<Record<string, string>>,
): Promise<PortageProcess & { baseUrl: string }> {
  const api = await spawnPortage(
    ['serve', '--no-worker'],
    { PORT: '0', PORTAGE_HOST: '127.0.0.1', ...env },
    /Server listening at http:\/\/127\.0\.0\.1:\d+/,
  );
  const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(api.output());
  return Object.assign(api, { baseUrl: match![1]! });
}

/** Starts `portage worker` and waits until it takes exports. */
export function spawnWorker(env: Readonly<Record<string, string>>): Promise<PortageProcess> {
  return spawnPortage(['worker'], env, /is taking exports/);
}
