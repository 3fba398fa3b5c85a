import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type ApiKeyInfo, type Store } from '../../src/store/index.js';
import { api } from '../support/http.js';
import { spawnPortage, type PortageProcess } from '../support/portage-process.js';
import { demoDatabase, demoFiles } from '../support/portage-server.js';
import {
  createTestDatabase,
  dropIfPassed,
  watchFailures,
  type TestDatabase,
} from '../support/postgres.js';

const execute = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/portage.js');
const DAY = 86_400_000;
const LISTENING = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/;

type Ran = { code: number; stdout: string; stderr: string };

/** Runs `portage <args>` to its end; never throws on a non-zero exit. */
async function portage(args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  try {
    const { stdout, stderr } = await execute('node', [BIN, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the key lifecycle across two API processes on PostgreSQL', { timeout: 120_000 }, () => {
  let root: string;
  let state: TestDatabase | undefined;
  /** The state the processes share, read directly where the test only needs to know what it holds. */
  let store: Store | undefined;
  let env: NodeJS.ProcessEnv;
  const apis: (PortageProcess & { baseUrl: string })[] = [];
  const passed = watchFailures();

  const createKey = async (tenant: string, ...more: string[]) => {
    const created = await portage(['keys', 'create', '--tenant', tenant, ...more], env);
    expect(created.code, created.stderr).toBe(0);
    return created.stdout.trim();
  };
  const list = async (tenant: string): Promise<ApiKeyInfo[]> => {
    const listed = await portage(['keys', 'list', '--tenant', tenant, '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    return JSON.parse(listed.stdout) as ApiKeyInfo[];
  };
  const idOf = async (tenant: string, key: string) =>
    (await store!.keys.list(tenant)).find((k) => k.prefix === key.slice(0, 12))!.id;
  const status = async (baseUrl: string, key: string) =>
    (await api(baseUrl, 'GET', '/v1/exports', { key })).status;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'portage-keys-'));
    state = await createTestDatabase();
    env = {
      ...process.env,
      PORTAGE_DATA_DIR: root,
      PORTAGE_DATABASE_URL: state.url,
      PORTAGE_SOURCE_URL: demoDatabase(),
      PORTAGE_FILES_DIR: demoFiles(),
    };
    // Migrated once, before the processes start.
    store = await openStore(state.url);
    // Each API process has a data directory of its own, as on separate machines;
    // started one after the other, with time to spare on a loaded machine.
    for (const name of ['api-1', 'api-2']) {
      const dataDir = join(root, name);
      await mkdir(dataDir);
      const started = await spawnPortage(
        ['serve', '--no-worker'],
        {
          PORT: '0',
          PORTAGE_HOST: '127.0.0.1',
          PORTAGE_DATABASE_URL: state.url,
          PORTAGE_SOURCE_URL: demoDatabase(),
          PORTAGE_FILES_DIR: demoFiles(),
          PORTAGE_DATA_DIR: dataDir,
        },
        LISTENING,
        90_000,
      );
      apis.push(Object.assign(started, { baseUrl: LISTENING.exec(started.output())![1]! }));
    }
  });
  afterAll(async () => {
    await Promise.all(apis.map((p) => p.stop('SIGKILL')));
    await store?.close();
    if (passed()) await rm(root, { recursive: true, force: true });
    await dropIfPassed(state, passed());
  });

  it('a key revoked with portage keys revoke answers 401 at the very next request, on both processes', async () => {
    const key = await createKey('acme');
    const kept = await createKey('acme');
    expect(await status(apis[0]!.baseUrl, key)).toBe(200);
    expect(await status(apis[1]!.baseUrl, key)).toBe(200);

    const id = await idOf('acme', key);
    const revoked = await portage(['keys', 'revoke', id], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(new RegExp(`^Revoked ${id} \\(acme\\) at \\S+Z\\.\\n$`));

    for (const server of [...apis].reverse()) {
      const answer = await api(server.baseUrl, 'GET', '/v1/exports', { key });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body.code).toBe('unauthorized');
      expect(String(answer.body.detail)).toMatch(/revoked/);
    }
    // Another key of the tenant is untouched.
    expect(await status(apis[1]!.baseUrl, kept)).toBe(200);
  });

  it('an expired key answers 401 on both processes; one not yet expired works', async () => {
    const now = Date.now();
    await store!.tenants.upsert('globex', 'globex');
    const expired = await store!.tenants.createKey('globex', {
      now: new Date(now - 2 * DAY),
      expiresAt: new Date(now - DAY),
    });
    const valid = await store!.tenants.createKey('globex', { expiresAt: new Date(now + DAY) });
    for (const server of apis) {
      const answer = await api(server.baseUrl, 'GET', '/v1/exports', { key: expired });
      expect(answer.status).toBe(401);
      expect(String(answer.body.detail)).toMatch(/expired/);
      expect(await status(server.baseUrl, valid)).toBe(200);
    }
  });

  it('keys create --expires-in sets the expiry; keys list shows it, the prefix and last use, never the key', async () => {
    const before = Date.now();
    const created = await portage(
      ['keys', 'create', '--tenant', 'initech', '--expires-in', '30d'],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    expect(created.stdout).toMatch(/^ptg_[A-Za-z0-9_-]{43}\n$/);
    expect(created.stderr).toMatch(/expires at \S+Z/);
    expect(await status(apis[0]!.baseUrl, key)).toBe(200);

    const listed = await list('initech');
    const [info] = listed.filter((k) => k.prefix === key.slice(0, 12));
    expect(info).toBeDefined();
    expect(Date.parse(info!.expires_at!) - Date.parse(info!.created_at)).toBe(30 * DAY);
    expect(Date.parse(info!.created_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(info!.last_used_at).not.toBeNull();
    expect(info!.status).toBe('active');

    const table = await portage(['keys', 'list', '--tenant', 'initech'], env);
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+PREFIX\s+STATUS\s+CREATED\s+LAST USED\s+EXPIRES$/);
    expect(rows.find((r) => r.includes(key.slice(0, 12)))).toMatch(
      new RegExp(
        `^${info!.id}\\s+${key.slice(0, 12)}\\s+active\\s+${info!.created_at}\\s+\\S+Z\\s+${info!.expires_at}$`,
      ),
    );
    for (const output of [table.stdout, JSON.stringify(listed)])
      expect(output).not.toContain(key.slice(12));
  });

  it('keys create --expires-in with a bad duration exits 1 with one clear line, creating no key', async () => {
    const count = (await store!.keys.list('acme')).length;
    // One value per way the option reaches the parser (bare, dash-led, empty); every
    // other duration the parser refuses is in src/auth/key-duration.test.ts.
    const bad = ['30', '-1d', ''];
    const runs = await Promise.all(
      bad.map((value) =>
        portage(['keys', 'create', '--tenant', 'acme', `--expires-in=${value}`], env),
      ),
    );
    for (const [i, failed] of runs.entries()) {
      expect(failed.code, bad[i]).toBe(1);
      expect(failed.stdout).toBe('');
      expect(failed.stderr).toMatch(
        /^portage: option '--expires-in <duration>' argument '.*' is invalid\. must be a whole number and a unit, such as 45s, 90m, 12h, 30d or 2w [^\n]*\n$/,
      );
    }
    expect((await store!.keys.list('acme')).length).toBe(count);
  });

  it('revoking an unknown key, or listing a tenant Portage never met, exits 1 with one line', async () => {
    const revoked = await portage(['keys', 'revoke', 'key_nothere'], env);
    expect(revoked).toMatchObject({ code: 1, stdout: '' });
    expect(revoked.stderr).toMatch(/^portage: No API key "key_nothere" exists[^\n]*\n$/);
    const listed = await portage(['keys', 'list', '--tenant', 'nobody'], env);
    expect(listed).toMatchObject({ code: 1, stdout: '' });
    expect(listed.stderr).toMatch(/^portage: Tenant "nobody" has no keys[^\n]*\n$/);
  });
});

describe('the demo’s keys', { timeout: 120_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  const running: PortageProcess[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-demo-keys-'));
    await copyFile(demoDatabase(), join(dir, 'demo-platform.sqlite'));
    env = {
      PORTAGE_DATA_DIR: dir,
      PORTAGE_FILES_DIR: demoFiles(),
      PORTAGE_HOST: '127.0.0.1',
      PORT: '0',
    };
  });
  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop('SIGKILL')));
    await rm(dir, { recursive: true, force: true });
  });

  const start = async () => {
    // Empty is unset: the demo platform, in the data directory.
    const demo = await spawnPortage(
      ['serve', '--no-worker'],
      { ...env, PORTAGE_SOURCE_URL: '', PORTAGE_DATABASE_URL: '' },
      /API reference: /,
      90_000,
    );
    running.push(demo);
    const keys = Object.fromEntries(
      [...demo.output().matchAll(/^ {2}(\S+)\s+(ptg_\S+)$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    const baseUrl = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(demo.output())![1]!;
    return { demo, keys, baseUrl };
  };

  it('prints the same keys at every start, kept in demo-keys.json (0600), and replaces one revoked by hand', async () => {
    const first = await start();
    expect(Object.keys(first.keys)).toEqual(['acme', 'globex', 'initech', 'sandbox']);
    await first.demo.stop();
    const file = join(dir, 'demo-keys.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(first.keys);

    const second = await start();
    expect(second.keys).toEqual(first.keys);
    expect(await status(second.baseUrl, second.keys.acme!)).toBe(200);
    await second.demo.stop();

    // A key revoked by hand is replaced at the next start; the others stay.
    const cli = { ...process.env, ...env };
    const listed = async () =>
      JSON.parse(
        (await portage(['keys', 'list', '--tenant', 'acme', '--json'], cli)).stdout,
      ) as ApiKeyInfo[];
    const [kept] = await listed();
    expect((await portage(['keys', 'revoke', kept!.id], cli)).code).toBe(0);
    const third = await start();
    expect(third.keys.acme).not.toBe(first.keys.acme);
    expect({ ...third.keys, acme: undefined }).toEqual({ ...first.keys, acme: undefined });
    const old = await api(third.baseUrl, 'GET', '/v1/exports', { key: first.keys.acme! });
    expect(old.status).toBe(401);
    expect(await status(third.baseUrl, third.keys.acme!)).toBe(200);
    await third.demo.stop();
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(third.keys);
    // Keys do not pile up: one revoked, one active.
    expect((await listed()).map((k) => [k.label, k.status]).sort()).toEqual([
      ['demo', 'active'],
      ['demo', 'revoked'],
    ]);
  });

  const status = async (baseUrl: string, key: string) =>
    (await api(baseUrl, 'GET', '/v1/exports', { key })).status;
});
