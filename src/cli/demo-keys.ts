import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DemoTenant } from '../demo/index.js';
import type { Store } from '../store/index.js';

/** The label of the keys a demo start creates. */
export const DEMO_KEY_LABEL = 'demo';

/** The file, in the data directory, that keeps the demo keys between starts (0600). */
export const DEMO_KEYS_FILE = 'demo-keys.json';

/**
 * One API key per demo tenant, the same at every start: the first start
 * creates them and keeps them in `<data dir>/demo-keys.json` (0600, since
 * the state database holds only their hashes); a later start reads them back.
 * A kept key that no longer works (revoked, expired, or from another state
 * database) is replaced, the tenant's other demo keys revoked, and the file
 * rewritten.
 */
export async function demoKeys(
  store: Store,
  dataDir: string,
  tenants: readonly DemoTenant[],
): Promise<Record<string, string>> {
  const file = join(dataDir, DEMO_KEYS_FILE);
  const kept = await readKept(file);
  const keys: Record<string, string> = {};
  let changed = false;
  for (const tenant of tenants) {
    const key = kept[tenant.id];
    if (key !== undefined && (await store.tenants.tenantForKey(key)) === tenant.id) {
      keys[tenant.id] = key;
      continue;
    }
    await store.keys.revokeLabelled(tenant.id, DEMO_KEY_LABEL);
    keys[tenant.id] = await store.tenants.createKey(tenant.id, { label: DEMO_KEY_LABEL });
    changed = true;
  }
  if (changed) {
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
    await rename(temp, file);
  }
  return keys;
}

/** The keys a file kept, by tenant; none when it is missing or unreadable. */
async function readKept(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
  } catch {
    return {};
  }
}
