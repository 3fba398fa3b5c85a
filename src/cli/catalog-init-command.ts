import { writeFile } from 'node:fs/promises';
import { DraftError, draftCatalog, type CatalogDraft } from '../draft/index.js';
import { openSource } from '../sources/index.js';

/** Options of `portage catalog init`. */
export interface CatalogInitOptions {
  /** The platform's database URL. (Default: `PORTAGE_SOURCE_URL`) */
  readonly source: string;
  /** The table whose rows are the tenants. */
  readonly tenantTable: string;
  /** File to write; stdout when absent. */
  readonly out?: string;
  /** The platform's name, for the draft's header. (Default: "The platform") */
  readonly platform?: string;
}

/**
 * Drafts a catalog from the live database and writes it to `--out` (or
 * stdout). Resolves to the draft; the summary goes to `summary` (default: stderr).
 */
export async function catalogInit(
  options: CatalogInitOptions,
  summary: (text: string) => void = (text) => process.stderr.write(text),
): Promise<CatalogDraft> {
  const source = openSource(options.source);
  let draft: CatalogDraft;
  try {
    draft = draftCatalog({
      schema: await source.describeSchema(),
      tenantTable: options.tenantTable,
      platformName: options.platform ?? 'The platform',
    });
  } finally {
    await source.close();
  }
  if (options.out === undefined) process.stdout.write(draft.yaml);
  else {
    await writeFile(options.out, draft.yaml, { flag: 'wx' }).catch((error: unknown) => {
      const code = (error as { code?: string }).code;
      throw new DraftError(
        code === 'EEXIST'
          ? `--out: ${options.out} exists; remove it or name another file`
          : `--out: cannot write ${options.out} (${code ?? String(error)})`,
      );
    });
  }
  summary(
    `Drafted ${draft.included + draft.excluded} categories (${draft.included} exported, ${draft.excluded} excluded)` +
      `${options.out === undefined ? '' : ` into ${options.out}`}; ${draft.todos} TODOs to write, then run portage check.\n`,
  );
  return draft;
}
