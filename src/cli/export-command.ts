import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolveExportRequest } from '../api/export-request.js';
import type { CreateExportBody } from '../api/schemas.js';
import type { Settings } from '../config/index.js';
import { produceArchive } from '../jobs/produce-archive.js';
import { openRuntime } from '../runtime/runtime.js';
import { newId } from '../store/index.js';

/** Options of `portage export`. */
export interface ExportOptions {
  readonly tenant: string;
  readonly purpose: string;
  readonly out: string;
  readonly formats?: string[];
  readonly categories?: string[];
  readonly csvBom?: boolean;
  /** Unset: on for `closure`, off otherwise. */
  readonly csvFormulaProtection?: boolean;
}

/**
 * Writes the same archive the API would, straight to a file, without a server.
 * The file appears only once complete.
 */
export async function exportToFile(settings: Settings, options: ExportOptions): Promise<void> {
  const runtime = await openRuntime(settings, (line) => process.stderr.write(`${line}\n`));
  const partial = `${options.out}.partial`;
  try {
    const body = {
      purpose: options.purpose,
      ...(options.formats && { formats: options.formats }),
      ...(options.categories && { categories: options.categories }),
      ...((options.csvBom !== undefined || options.csvFormulaProtection !== undefined) && {
        csv: {
          bom: options.csvBom ?? false,
          ...(options.csvFormulaProtection !== undefined && {
            formula_protection: options.csvFormulaProtection,
          }),
        },
      }),
    } as CreateExportBody;
    const request = resolveExportRequest(body, runtime.catalog, options.tenant, null);
    const result = await produceArchive(
      { ...request, exportId: newId('exp_'), tenant: options.tenant, generatedAt: new Date() },
      runtime,
      createWriteStream(partial),
      { onProgress: () => undefined, signal: new AbortController().signal },
    );
    await rename(partial, options.out);
    process.stderr.write(
      `Wrote ${options.out}: ${result.bytes} bytes, sha256 ${result.sha256}, ${result.progress.rowsWritten} rows.\n`,
    );
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    await runtime.close();
  }
}
