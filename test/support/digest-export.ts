import { Writable } from 'node:stream';
import type { Catalog } from '../../src/catalog/index.js';
import { produceArchive } from '../../src/jobs/produce-archive.js';
import type { Keyring } from '../../src/signing/index.js';
import type { SourceDatabase } from '../../src/sources/index.js';

/**
 * Exports `tenant` from `source` with every included category, at a fixed
 * time and export id, into nothing: what the "same bytes on every database"
 * tests compare is the manifest's `content_sha256` the returned summary carries.
 */
export function digestExport(
  catalog: Catalog,
  keyring: Keyring,
  { source, filesDir }: { source: SourceDatabase; filesDir: string },
  tenant: string,
  purpose: string,
  formats: string[],
) {
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  return produceArchive(
    {
      exportId: 'exp_same_bytes',
      tenant,
      purpose,
      formats,
      categories: catalog.categories.filter((c) => c.included).map((c) => c.name),
      csv: { bom: false, formulaProtection: purpose === 'closure' },
      generatedAt: new Date('2025-07-01T00:00:00.000Z'),
    },
    { catalog, source, settings: { filesDir }, keyring },
    discard,
    { onProgress: () => undefined, signal: new AbortController().signal },
  );
}
