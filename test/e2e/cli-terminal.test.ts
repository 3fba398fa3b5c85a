import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDatabase } from '../support/portage-server.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/portage.js');
/** What redraws a progress bar in place: carriage return, then erase the line. */
const REDRAW = '\r\u001b[K';
/** Carriage returns and escape sequences: what a pipe must never receive. */
const hasControl = (text: string) => text.includes('\r') || text.includes('\u001b');

/** Runs `portage <args>` with stdout and stderr on a pseudo-terminal (`script` of util-linux); resolves its output. */
async function onTerminal(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const command = ['node', BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const { stdout } = await run('script', ['-qec', command, '/dev/null'], {
    env: { ...env, COLUMNS: '120', TERM: 'xterm' },
  });
  return stdout;
}

describe('portage on a terminal and in a pipe', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-cli-terminal-'));
    // A copy of the platform: the import's dry run opens it for writing.
    const source = join(dir, 'platform.sqlite');
    await copyFile(demoDatabase(), source);
    env = {
      ...process.env,
      PORTAGE_DATA_DIR: dir,
      PORTAGE_SOURCE_URL: source,
      PORTAGE_FILES_DIR: join(demoDatabase(), '..', 'demo-files'),
    };
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('--version prints the version of package.json', async () => {
    const pkg = JSON.parse(
      await readFile(join(import.meta.dirname, '../../package.json'), 'utf8'),
    ) as { version: string };
    const { stdout } = await run('node', [BIN, '--version'], { env });
    expect(stdout).toBe(`${pkg.version}\n`);
  });

  it('export and import draw a progress bar on a terminal, and nothing extra in a pipe', async () => {
    const bundle = join(dir, 'globex.zip');
    const args = ['export', '--tenant', 'globex', '--purpose', 'duplication', '--out', bundle];
    const terminal = await onTerminal(args, env);
    expect(terminal).toContain(REDRAW);
    expect(terminal).toMatch(
      /\[[#-]{24}\] \d+\/\d+ {2}categories {2}[\d,]+ rows {2}[\d.]+ (k|M)?B/,
    );
    // The bar is cleared before the last line, which stands alone.
    expect(terminal).toMatch(new RegExp(`\\r\\u001b\\[KWrote ${bundle}`));

    const piped = await run('node', [BIN, ...args], { env });
    expect(piped.stderr).toMatch(/^Wrote .*rows\.\n$/);
    expect(hasControl(piped.stderr + piped.stdout)).toBe(false);

    const importArgs = ['import', bundle, '--tenant', 'sandbox', '--dry-run'];
    const imported = await onTerminal(importArgs, env);
    expect(imported).toContain(REDRAW);
    expect(imported).toMatch(/(checking|scanning) /);
    const quiet = await run('node', [BIN, ...importArgs], { env });
    expect(quiet.stdout).toMatch(/would write \d+ rows/);
    expect(hasControl(quiet.stderr + quiet.stdout)).toBe(false);
  });

  it('demo shows stages as a bar on a terminal and ends with a short table; --json for machines', async () => {
    const args = ['demo', '--platform', 'northwind-crm'];
    const terminal = await onTerminal(args, env);
    expect(terminal).toContain(REDRAW);
    expect(terminal).toMatch(/\[[#-]{24}\] \d+\/\d+ {2}\w+/);

    const piped = await run('node', [BIN, ...args], { env });
    expect(hasControl(piped.stderr + piped.stdout)).toBe(false);
    const lines = piped.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^table +3f2a9c64… +a7c4e2d0… +0d5b8e13… +f9e1d7c3…$/);
    expect(lines).toContainEqual(expect.stringMatching(/^deals +200 +80 +30 +0$/));
    expect(lines).toContainEqual(expect.stringMatching(/^total +[\d,]+ +[\d,]+ +[\d,]+ +1$/));
    expect(lines.at(-1)).toBe(
      'f9e1d7c3… = f9e1d7c3-2a4b-4c6d-8e0f-1a2b3c4d5e6f (Tailspin Sandbox)',
    );
    expect(lines.length).toBeLessThan(30);

    const json = await run('node', [BIN, ...args, '--json'], { env });
    const summary = JSON.parse(json.stdout) as { counts: Record<string, Record<string, number>> };
    expect(summary.counts['3f2a9c64-5b1e-4d8a-9f27-0c6d1e8b7a51']?.deals).toBe(200);
  });
});
