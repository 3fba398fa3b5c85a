import { access } from 'node:fs/promises';
import type { Settings } from '../config/index.js';
import { PortageError } from '../errors/index.js';
import { importBundle, type ImportMode } from '../import/index.js';
import { openWriter } from '../jobs/import-runner.js';
import { importTrustedKeys } from '../jobs/import-trusted-keys.js';
import { requireTenantAccount } from '../jobs/require-tenant.js';
import { openRuntime } from '../runtime/runtime.js';
import { progressBar } from './progress-bar.js';

/** Options of `portage import`. */
export interface ImportCommandOptions {
  readonly tenant: string;
  /** (Default: `preserve`) */
  readonly mode?: string;
  readonly dryRun?: boolean;
  /**
   * The operator vouches for the bundle's origin (SPEC §12.1); without it, a
   * bundle is trusted when signed by this deployment's keyring or a key of
   * `PORTAGE_IMPORT_TRUSTED_KEYS`. (Default: false)
   */
  readonly trusted?: boolean;
}

const MODES: readonly ImportMode[] = ['preserve', 'remap'];

/**
 * `portage import <bundle.zip>`: the API's import, from the command line, into
 * the platform database of `PORTAGE_SOURCE_URL`. Prints a progress bar on a
 * terminal and a summary (rows per category, conflicts) at the end, to
 * `output` (default: stdout); a refused import rejects with one line naming
 * its code, after writing nothing.
 */
export async function importFromFile(
  settings: Settings,
  file: string,
  options: ImportCommandOptions,
  output: (text: string) => void = (text) => process.stdout.write(text),
): Promise<void> {
  const mode = (options.mode ?? 'preserve') as ImportMode;
  if (!MODES.includes(mode)) {
    throw new PortageError(
      'validation_failed',
      `--mode: expected preserve or remap, got "${options.mode}"`,
    );
  }
  await access(file).catch(() => {
    throw new PortageError('validation_failed', `${file}: no such bundle file`);
  });
  const runtime = await openRuntime(settings, (line) => process.stderr.write(`${line}\n`));
  const target = openWriter(settings.sourceUrl);
  const bar = progressBar();
  try {
    await requireTenantAccount(runtime, options.tenant);
    const result = await importBundle({
      file,
      catalog: runtime.catalog,
      target,
      tenant: options.tenant,
      mode,
      dryRun: options.dryRun ?? false,
      trusted: options.trusted ?? false,
      trustedKeys: await importTrustedKeys(runtime),
      filesDir: settings.filesDir,
      onProgress: (p) =>
        bar.update({
          label: p.category === null ? `${p.phase}, ${p.files} files` : `${p.phase} ${p.category}`,
          rows: p.rows,
        }),
    });
    bar.finish();
    if (result.status === 'failed') {
      const conflicts = result.conflicts.map((c) => `\n  ${c.category}: ${JSON.stringify(c.key)}`);
      throw new PortageError(
        'validation_failed',
        `import refused (${result.error?.code}): ${result.error?.message}${conflicts.join('')}`,
      );
    }
    const verb = result.dryRun ? 'would write' : 'wrote';
    const lines = Object.entries(result.counts).map(([category, rows]) => `  ${category}: ${rows}`);
    const total = Object.values(result.counts).reduce((a, b) => a + b, 0);
    output(
      `Import into ${options.tenant} (${mode}${result.dryRun ? ', dry run' : ''}, ${result.trusted ? 'trusted' : 'untrusted'}): ${verb} ${total} rows\n${lines.join('\n')}\n`,
    );
  } finally {
    bar.finish();
    await target.close();
    await runtime.close();
  }
}
