import { execFile } from 'node:child_process';
import { copyFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDatabase } from '../support/portage-server.js';
import { editBundle } from './import-fixtures.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/portage.js');
type Failed = { code: number; stdout: string; stderr: string };

describe('portage import', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let bundle: string;
  let platform: string;
  const fail = async (args: string[]) =>
    (await run('node', [BIN, ...args], { env }).catch((error: Failed) => error)) as Failed;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-import-cli-'));
    platform = join(dir, 'platform.sqlite');
    await copyFile(demoDatabase(), platform);
    await cp(join(demoDatabase(), '..', 'demo-files'), join(dir, 'files'), { recursive: true });
    env = {
      ...process.env,
      PORTAGE_DATA_DIR: dir,
      PORTAGE_SOURCE_URL: platform,
      PORTAGE_FILES_DIR: join(dir, 'files'),
    };
    bundle = join(dir, 'acme.zip');
    await run(
      'node',
      [BIN, 'export', '--tenant', 'acme', '--purpose', 'duplication', '--out', bundle],
      { env },
    );
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('checks a bundle in a dry run, writing nothing, and prints the counts (trusted: signed here)', async () => {
    const { stdout } = await run(
      'node',
      [BIN, 'import', bundle, '--tenant', 'sandbox', '--mode', 'remap', '--dry-run'],
      { env },
    );
    expect(stdout).toMatch(
      /^Import into sandbox \(remap, dry run, trusted\): would write \d+ rows\n/,
    );
    expect(stdout).toMatch(/\n {2}tasks: \d+\n/);
    const db = new Database(platform, { readonly: true });
    expect(db.prepare("SELECT count(*) FROM tasks WHERE tenant_id = 'sandbox'").pluck().get()).toBe(
      0,
    );
    db.close();
  });

  it('imports it with new keys, and reports what it wrote', async () => {
    const { stdout } = await run(
      'node',
      [BIN, 'import', bundle, '--tenant', 'sandbox', '--mode', 'remap', '--trusted'],
      { env },
    );
    const written = Number(/^ {2}tasks: (\d+)$/m.exec(stdout)?.[1]);
    const db = new Database(platform, { readonly: true });
    const [acme, sandbox] = ['acme', 'sandbox'].map((t) =>
      db.prepare('SELECT count(*) FROM tasks WHERE tenant_id = ?').pluck().get(t),
    );
    db.close();
    expect(written).toBeGreaterThan(0);
    expect([sandbox, written]).toEqual([acme, acme]);
  });

  it('refuses, with one line and exit 1, what a person can get wrong', async () => {
    const unsigned = await editBundle(bundle, (p, b) => (p === 'manifest.sig' ? null : b), false);
    const cases: [string[], RegExp][] = [
      [
        ['import', bundle, '--tenant', 'sandbox', '--mode', 'merge'],
        /--mode: expected preserve or remap, got "merge"/,
      ],
      [['import', join(dir, 'nope.zip'), '--tenant', 'sandbox'], /nope\.zip: no such bundle file/],
      [['import', bundle, '--tenant', 'nobody'], /Tenant "nobody" does not exist/],
      [['import', unsigned, '--tenant', 'sandbox'], /import refused \(untrusted_bundle\)/],
      [['import', bundle, '--tenant', 'acme'], /import refused \(id_conflict\)/],
    ];
    for (const [args, message] of cases) {
      const failed = await fail(args);
      expect([args.join(' '), failed.code]).toEqual([args.join(' '), 1]);
      expect(failed.stderr).toMatch(message);
      expect(failed.stderr.split('\n')[0]).toMatch(/^portage: /);
      expect(failed.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
