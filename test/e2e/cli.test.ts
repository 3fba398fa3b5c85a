import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/archive/index.js';
import { extractArchive, sha256sumCheck } from '../support/archive.js';
import { portageClient } from '../support/api-client.js';
import { waitForExport } from '../support/http.js';
import { demoDatabase, startServer, type TestServer } from '../support/portage-server.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/portage.js');

describe('the portage command', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-cli-'));
    const source = demoDatabase();
    env = {
      ...process.env,
      PORTAGE_DATA_DIR: dir,
      PORTAGE_SOURCE_URL: source,
      PORTAGE_FILES_DIR: join(source, '..', 'demo-files'),
    };
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('keys create prints a new key alone on stdout, and the key works', async () => {
    const { stdout } = await run('node', [BIN, 'keys', 'create', '--tenant', 'globex'], { env });
    expect(stdout).toMatch(/^ptg_[A-Za-z0-9_-]{43}\n$/);
    const server = await startServer({}, { dataDir: dir, worker: false });
    try {
      const answer = await portageClient(server.baseUrl, stdout.trim()).GET('/v1/exports');
      expect(answer.response.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('tenants limits overrides one tenant’s quota, which the API then enforces', async () => {
    const { stdout } = await run(
      'node',
      [BIN, 'tenants', 'limits', '--tenant', 'globex', '--per-day', '1'],
      { env },
    );
    expect(JSON.parse(stdout)).toEqual({ perDay: 1, perMonth: 50, maxRunning: 2 });
    const server = await startServer({}, { dataDir: dir, worker: false });
    try {
      const key = server.keys.globex;
      const first = await portageClient(server.baseUrl, key).POST('/v1/exports', {
        body: { purpose: 'migration' },
      });
      const second = await portageClient(server.baseUrl, key).POST('/v1/exports', {
        body: { purpose: 'migration' },
      });
      expect([first.response.status, second.response.status]).toEqual([202, 429]);
      expect(first.response.headers.get('ratelimit-policy')).toContain('"day";q=1;w=86400');
      const other = await portageClient(server.baseUrl, server.keys.acme).POST('/v1/exports', {
        body: { purpose: 'migration' },
      });
      expect(other.response.status).toBe(202);
    } finally {
      await server.close();
    }
    const reset = await run('node', [BIN, 'tenants', 'limits', '--tenant', 'globex', '--reset'], {
      env,
    });
    expect(JSON.parse(reset.stdout)).toEqual({ perDay: 10, perMonth: 50, maxRunning: 2 });
  });

  it('export writes the same data as the API, without a server', async () => {
    const out = join(dir, 'acme.zip');
    await run('node', [BIN, 'export', '--tenant', 'acme', '--purpose', 'migration', '--out', out], {
      env,
    });
    const fromCli = await extractArchive(await readFile(out));
    await sha256sumCheck(fromCli.dir);
    const cliManifest = await fromCli.json<Manifest>('manifest.json');

    const server: TestServer = await startServer();
    try {
      const created = await portageClient(server.baseUrl, server.keys.acme).POST('/v1/exports', {
        body: { purpose: 'migration' },
      });
      const done = await waitForExport(server.baseUrl, server.keys.acme!, created.data!.id);
      const bytes = Buffer.from(await (await fetch(done.download_url as string)).arrayBuffer());
      const fromApi = await extractArchive(bytes);
      const apiManifest = await fromApi.json<Manifest>('manifest.json');
      expect(cliManifest.content_sha256).toBe(apiManifest.content_sha256);
      expect(cliManifest.categories).toEqual(apiManifest.categories);
    } finally {
      await server.close();
    }
  });

  it('export refuses a bad request naming the field, and leaves no file', async () => {
    const out = join(dir, 'bad.zip');
    const failed = await run(
      'node',
      [
        BIN,
        'export',
        '--tenant',
        'acme',
        '--purpose',
        'migration',
        '--formats',
        'xml',
        '--out',
        out,
      ],
      { env },
    ).catch((error: { code: number; stderr: string }) => error);
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stderr: string }).stderr).toMatch(/\/formats\/0: "xml" is not allowed/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('serve on the embedded default prints each demo key and a first curl, and stops on SIGTERM', async () => {
    const home = await mkdtemp(join(tmpdir(), 'portage-serve-'));
    const child = spawn('node', [BIN, 'serve'], {
      env: { ...process.env, PORTAGE_DATA_DIR: home, PORT: '0', PORTAGE_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      // The banner (keys, a first curl) goes to the terminal's stderr; stdout holds only log lines.
      let out = '';
      let logs = '';
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stdout.on('data', (chunk: Buffer) => (logs += chunk.toString()));
      const deadline = Date.now() + 60_000;
      while (!out.includes('API reference') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      for (const tenant of ['acme', 'globex', 'initech', 'sandbox'])
        expect(out).toMatch(new RegExp(`^  ${tenant} +ptg_`, 'm'));
      const curl = /curl -s -X POST (\S+)\/v1\/exports -H "Authorization: Bearer (\S+)"/.exec(out);
      expect(curl).not.toBeNull();
      const created = await portageClient(curl![1]!, curl![2]).POST('/v1/exports', {
        body: { purpose: 'migration' },
      });
      expect(created.response.status).toBe(202);
      expect(existsSync(join(home, 'demo-platform.sqlite'))).toBe(true);
      expect(logs).not.toContain('ptg_');
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('the portage command refuses mistakes in one line, with exit status 1', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-cli-mistakes-'));
    const source = demoDatabase();
    env = {
      ...process.env,
      PORTAGE_DATA_DIR: dir,
      PORTAGE_SOURCE_URL: source,
      PORTAGE_FILES_DIR: join(source, '..', 'demo-files'),
    };
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  /** Runs the command, expecting it to fail; its stderr and exit status. */
  async function fails(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
    try {
      await run('node', [BIN, ...args], { env: { ...env, ...extraEnv }, cwd: dir });
    } catch (thrown) {
      const error = thrown as { code: number; stderr: string };
      return { code: error.code, stderr: error.stderr };
    }
    throw new Error(`portage ${args.join(' ')} succeeded`);
  }

  const cases: [string, string[], RegExp][] = [
    [
      'an unknown purpose',
      ['export', '--tenant', 'acme', '--purpose', 'migrate', '--out', 'x.zip'],
      /'migrate' is invalid.*migration/,
    ],
    [
      'an --out folder that does not exist',
      ['export', '--tenant', 'acme', '--purpose', 'migration', '--out', '/nonexistent/dir/x.zip'],
      /--out \/nonexistent\/dir\/x\.zip: the folder \/nonexistent\/dir does not exist/,
    ],
    [
      'a misspelt option',
      ['export', '--tenat', 'acme', '--purpose', 'migration', '--out', 'x.zip'],
      /unknown option '--tenat' \(did you mean --tenant\?\)/,
    ],
    [
      'a missing option',
      ['export', '--purpose', 'migration', '--out', 'x.zip'],
      /required option '--tenant <id>' not specified/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(`names ${what}`, async () => {
      const { code, stderr } = await fails(args);
      expect(code).toBe(1);
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    });
  }

  it('refuses a worker pointed at a state database that does not exist, creating nothing', async () => {
    const missing = join(dir, 'nowhere', 'portage.sqlite');
    const { code, stderr } = await fails(['worker'], { PORTAGE_DATABASE_URL: missing });
    expect(code).toBe(1);
    expect(stderr).toContain(`no state database at ${missing}`);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('names an unreachable PostgreSQL state database in one line', async () => {
    const url = process.env.PORTAGE_TEST_POSTGRES_URL;
    if (url === undefined) return;
    const missing = new URL(url);
    missing.pathname = '/portage_no_such_database';
    const { code, stderr } = await fails(['worker'], { PORTAGE_DATABASE_URL: missing.href });
    expect(code).toBe(1);
    expect(stderr).toMatch(/portage_no_such_database/);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('names a ?schema= Portage does not accept in one line, without a stack', async () => {
    const { code, stderr } = await fails(['check'], {
      PORTAGE_SOURCE_URL: 'postgres://u:pw@127.0.0.1:1/db?schema=a;b',
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/\?schema=a;b is not a schema name Portage accepts/);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('refuses credentials in PORTAGE_STORAGE_URL without printing them', async () => {
    const { code, stderr } = await fails(
      ['export', '--tenant', 'acme', '--purpose', 'migration', '--out', 'x.zip'],
      { PORTAGE_STORAGE_URL: 's3://AKIAEXAMPLE:wJalrXUtnFEMI@bucket/' },
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/PORTAGE_STORAGE_URL: "s3:\/\/\[REDACTED\]@bucket\/"/);
    expect(stderr).not.toMatch(/AKIAEXAMPLE|wJalrXUtnFEMI/);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('turns formula protection off for a closure export with --no-csv-formula-protection', async () => {
    const out = join(dir, 'closure.zip');
    await run(
      'node',
      [
        BIN,
        'export',
        '--tenant',
        'acme',
        '--purpose',
        'closure',
        '--formats',
        'csv',
        '--categories',
        'tasks',
        '--no-csv-formula-protection',
        '--out',
        out,
      ],
      { env, cwd: dir },
    );
    const files = await extractArchive(await readFile(out));
    const manifest = await files.json<Manifest>('manifest.json');
    expect(manifest.export.csv).toEqual({ bom: false, formula_protection: false });
  });
});
