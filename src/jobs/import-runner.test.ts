import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadSettings } from '../config/index.js';
import { openStore, type Store } from '../store/index.js';
import type { ExportContext } from './export-context.js';
import { ImportRunner } from './import-runner.js';

describe('ImportRunner', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-import-runner-'));
    store = await openStore(join(dir, 'state.sqlite'));
    await store.tenants.upsert('acme', 'Acme');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('leaves an import for a later sweep when the state database fails, without crashing', async () => {
    const record = await store.imports.create({
      id: store.imports.newId(),
      tenantId: 'acme',
      mode: 'preserve',
      dryRun: true,
      uploadKey: 'imports/x.zip',
      uploadBytes: 1,
    });
    const settings = loadSettings({ PORTAGE_DATA_DIR: dir });
    const runner = new ImportRunner({ settings, store } as unknown as ExportContext);
    await store.close();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      runner.submit(record);
      await runner.drain();
      expect(logged).toHaveBeenCalledWith(
        `import ${record.id}: will be tried again:`,
        expect.any(String),
      );
    } finally {
      logged.mockRestore();
    }
  });
});
