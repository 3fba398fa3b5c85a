import { existsSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { mkdir } from 'node:fs/promises';
import { loadCatalogFile, type Catalog } from '../catalog/index.js';
import { isMysqlUrl, isPostgresUrl, type Settings } from '../config/index.js';
import { DEMO_CATALOG_FILE, DEMO_TENANTS, installDemoPlatform } from '../demo/index.js';
import type { ExportContext } from '../jobs/index.js';
import { toError } from '../errors/index.js';
import { eventLogger } from '../logging/index.js';
import { loadKeyring } from '../signing/index.js';
import { openSource, type SourceDatabase } from '../sources/index.js';
import { openStore as openObjectStore } from '../storage/storage-url.js';
import { openStore, type Store } from '../store/index.js';

/** Everything a Portage process holds open; `close()` releases it all. */
export interface Runtime extends ExportContext {
  close(): Promise<void>;
}

/** Options of {@link openRuntime}. */
export interface RuntimeOptions {
  /**
   * Where export and import state changes are logged, one JSON object per line
   * (or through a pretty-printer). (Default: none, they are not logged)
   */
  readonly events?: Writable;
}

/**
 * Opens Portage as the settings describe. On the embedded default it also
 * writes the demo platform on first start and registers its tenants.
 * @param log - Receives the lines a person starting Portage reads. (Default: none)
 */
export async function openRuntime(
  settings: Settings,
  log: (line: string) => void = () => undefined,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const catalog: Catalog = loadCatalogFile(settings.catalogFile ?? DEMO_CATALOG_FILE);
  // Everything Portage keeps is readable by its own user alone.
  await mkdir(settings.dataDir, { recursive: true, mode: 0o700 });
  // (A server-database source is never generated here: it is not a file path.)
  const sqliteSource = !isPostgresUrl(settings.sourceUrl) && !isMysqlUrl(settings.sourceUrl);
  const writeDemo = settings.demo && sqliteSource && !existsSync(settings.sourceUrl);
  if (writeDemo) log(`Writing the demo platform at ${settings.sourceUrl} …`);
  // Independent steps, run together; a failure is reported in this order.
  const [demo, keys, state] = await Promise.allSettled([
    writeDemo
      ? installDemoPlatform({ file: settings.sourceUrl, filesDir: settings.filesDir })
      : undefined,
    loadKeyring(settings),
    openStore(settings.databaseUrl),
  ]);
  if (demo.status === 'rejected' || keys.status === 'rejected' || state.status === 'rejected') {
    if (state.status === 'fulfilled') await state.value.close();
    const first = [demo, keys, state].find(
      (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected',
    );
    throw toError(first?.reason);
  }
  const keyring = keys.value;
  const store: Store = state.value;
  let source: SourceDatabase | null = null;
  try {
    source = openSource(settings.sourceUrl);
    const storage = await openObjectStore(settings.storageUrl, {
      dataDir: settings.dataDir,
      storageRetry: settings.storageRetry,
    });
    if (settings.demo) {
      for (const tenant of DEMO_TENANTS) await store.tenants.upsert(tenant.id, tenant.name);
    }
    const opened = source;
    return {
      settings,
      store,
      source: opened,
      catalog,
      storage,
      keyring,
      log: eventLogger(options.events),
      close: async () => {
        await opened.close();
        await store.close();
      },
    };
  } catch (error) {
    await source?.close();
    await store.close();
    throw error;
  }
}
