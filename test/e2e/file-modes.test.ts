import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portageClient } from '../support/api-client.js';
import { waitForExport } from '../support/http.js';
import { startServer, type TestServer } from '../support/portage-server.js';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

/** Every file and folder under `dir`, depth first. */
async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    out.push(path);
    if (entry.isDirectory()) out.push(...(await walk(path)));
  }
  return out;
}

describe('what Portage keeps on disk is readable by its own user alone', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    const key = server.keys.acme!;
    const created = await portageClient(server.baseUrl, key).POST('/v1/exports', {
      body: { purpose: 'migration', categories: ['account'], formats: ['json'] },
    });
    expect((await waitForExport(server.baseUrl, key, String(created.data!.id))).status).toBe(
      'completed',
    );
  });
  afterAll(async () => server?.close());

  it('the state database, archives and signing keys are 0600, their folders 0700', async () => {
    const dataDir = server.settings.dataDir;
    expect(await modeOf(join(dataDir, 'portage.sqlite'))).toBe(0o600);
    const entries = await walk(dataDir);
    expect(entries.some((p) => p.endsWith('.zip'))).toBe(true);
    for (const path of entries) {
      const info = await stat(path);
      if (info.isDirectory()) expect(info.mode & 0o077, path).toBe(0);
      else if (!path.endsWith('.json')) expect(info.mode & 0o077, path).toBe(0);
    }
  });
});
