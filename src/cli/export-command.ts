import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { resolveExportRequest } from '../api/export-request.js';
import type { CreateExportBody } from '../api/schemas.js';
import type { Settings } from '../config/index.js';
import { produceArchive } from '../jobs/produce-archive.js';
import { openRuntime } from '../runtime/runtime.js';
import { toError } from '../errors/index.js';
import { requireTenantAccount } from '../jobs/require-tenant.js';
import { newId } from '../store/index.js';
import { progressBar } from './progress-bar.js';
import { UsageError } from './usage-error.js';

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
 * The file appears only once complete; a line saying what it holds then goes
 * to `summary` (default: stderr).
 */
export async function exportToFile(
  settings: Settings,
  options: ExportOptions,
  summary: (text: string) => void = (text) => process.stderr.write(text),
): Promise<void> {
  const folder = dirname(resolve(options.out));
  const found = await stat(folder).catch(() => null);
  if (found === null || !found.isDirectory())
    throw new UsageError(`--out ${options.out}: the folder ${folder} does not exist`);
  const partial = `${options.out}.partial`;
  // Opened before anything runs, so that a file that cannot be written is a
  // clear refusal rather than a stream error in the middle of the export.
  const file = await open(partial, 'w', 0o600).catch((error: unknown) => {
    throw new UsageError(`--out ${options.out}: cannot write it (${toError(error).message})`);
  });
  const runtime = await openRuntime(settings, (line) => process.stderr.write(`${line}\n`)).catch(
    async (error: unknown) => {
      await file.close();
      await rm(partial, { force: true });
      throw error;
    },
  );
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
    await requireTenantAccount(runtime, options.tenant);
    const bar = progressBar();
    const result = await produceArchive(
      { ...request, exportId: newId('exp_'), tenant: options.tenant, generatedAt: new Date() },
      runtime,
      file.createWriteStream(),
      {
        onProgress: (p) =>
          bar.update({
            label: 'categories',
            done: p.categoriesDone,
            total: p.categoriesTotal,
            rows: p.rowsWritten,
            bytes: p.bytesWritten,
          }),
        signal: new AbortController().signal,
      },
    ).finally(() => bar.finish());
    await rename(partial, options.out);
    summary(
      `Wrote ${options.out}: ${result.bytes} bytes, sha256 ${result.sha256}, ${result.progress.rowsWritten} rows.\n`,
    );
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  } finally {
    await runtime.close();
  }
}
