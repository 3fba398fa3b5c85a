import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Manifest } from '../../src/archive/index.js';
import type { Catalog } from '../../src/catalog/index.js';
import { produceArchive } from '../../src/jobs/index.js';
import { openSource } from '../../src/sources/index.js';

let exports = 0;

/** What {@link exportWithParts} writes: the archive file and its manifest. */
export interface PartedExport {
  readonly file: string;
  readonly manifest: Manifest;
}

/**
 * Exports every included category of `tenant` from the source at `url` into a
 * new zip file, at a fixed time and id, with data files split at `partBytes`
 * (undefined: the default part size, so no demo category is split).
 */
export async function exportWithParts(options: {
  /** Where the zip goes. (Default: a new temporary folder) */
  readonly dir?: string;
  readonly url: string;
  readonly filesDir: string;
  readonly catalog: Catalog;
  readonly tenant: string;
  readonly purpose: string;
  readonly formats: readonly string[];
  readonly partBytes?: number;
  /** (Default: every included category) */
  readonly categories?: readonly string[];
}): Promise<PartedExport> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'portage-parts-')));
  const file = join(dir, `${options.purpose}-${options.partBytes ?? 'whole'}-${exports++}.zip`);
  const source = openSource(options.url);
  const output = createWriteStream(file);
  try {
    const result = await produceArchive(
      {
        exportId: 'exp_parts_test',
        tenant: options.tenant,
        purpose: options.purpose,
        formats: options.formats,
        categories: [
          ...(options.categories ??
            options.catalog.categories.filter((c) => c.included).map((c) => c.name)),
        ],
        csv: { bom: false, formulaProtection: false },
        generatedAt: new Date('2025-01-01T00:00:00.000Z'),
      },
      {
        catalog: options.catalog,
        source,
        settings: {
          filesDir: options.filesDir,
          ...(options.partBytes !== undefined && { partBytes: options.partBytes }),
        },
      },
      output,
      { onProgress: () => undefined, signal: new AbortController().signal },
    );
    await finished(output);
    return { file, manifest: result.manifest };
  } finally {
    await source.close();
  }
}
