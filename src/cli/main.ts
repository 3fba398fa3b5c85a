import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CatalogError } from '../catalog/index.js';
import { ConfigError, isMysqlUrl, isPostgresUrl, loadSettings } from '../config/index.js';
import { parseDuration } from '../auth/key-duration.js';
import { PortageError, toError } from '../errors/index.js';
import { boundHeapGrowth } from '../runtime/heap-growth.js';
import { PURPOSES } from '../store/export-record.js';
import { UsageError } from './usage-error.js';
import type { ExportOptions } from './export-command.js';
import type { TenantLimitsOptions } from './tenants-command.js';

boundHeapGrowth();

// Each command loads its own modules when it runs: a one-off `portage export`
// or `portage verify` starts without the HTTP server, the queue, the S3
// client or the PDF renderer it does not use.

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const positive = (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError('must be a whole number of at least 1');
  return Number(value);
};

/** Options a command cannot run without; checked after unknown options, so a typo is named as one. */
const mandatory = new WeakSet<Option>();
const required = (flags: string, description: string): Option => {
  const option = new Option(flags, `${description} (required)`);
  mandatory.add(option);
  return option;
};

/** The version of package.json, read from beside `src/` or `dist/`. */
const { version } = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string };

const program = new Command('portage')
  .description('Complete, trustworthy data exports for a SaaS platform.')
  .version(version, '-V, --version', 'print the version of Portage')
  .configureOutput({
    // Every mistake on the command line is one line: `portage: …`.
    outputError: (text, write) =>
      write(
        `portage: ${text
          .replace(/^error: /, '')
          .replace(/\s*\n\(Did you mean/, ' (did you mean')
          .replace(/\.?\s*$/, '')}; see --help\n`,
      ),
  })
  .hook('preAction', (_program, command) => {
    for (const option of command.options) {
      if (mandatory.has(option) && command.getOptionValue(option.attributeName()) === undefined)
        command.error(`error: required option '${option.flags}' not specified`, {
          code: 'commander.missingMandatoryOptionValue',
        });
    }
  });

program
  .command('serve')
  .description('Serve the HTTP API (with in-process workers unless --no-worker).')
  .option('--no-worker', 'run the API only')
  .action(async (options: { worker: boolean }) => {
    const { serve } = await import('./serve-command.js');
    await serve(loadSettings(), options);
  });

program
  .command('worker')
  .description(
    'Run workers only: take exports from the queue until SIGTERM, then drain (PostgreSQL state: any number of these).',
  )
  .action(async () => {
    const { runWorker } = await import('./worker-command.js');
    await runWorker(loadSettings());
  });

program
  .command('demo')
  .description(
    'Generate a demo platform (default "Acme Tasks") into the data directory, or into PostgreSQL with --database.',
  )
  .option(
    '--platform <name>',
    'which demo platform: acme-tasks (into <data dir>/demo-platform.sqlite) or northwind-crm (into <data dir>/northwind-crm.sqlite)',
    'acme-tasks',
  )
  .option(
    '--scale <n>',
    'size multiplier (acme-tasks: acme gets about 2,000 tasks per unit)',
    positive,
    1,
  )
  .option(
    '--database <url>',
    'a postgres:// URL (its ?schema=, else public) or a mysql:// URL (its database) to write the demo tables into instead of SQLite',
    (value: string) => {
      if (!isPostgresUrl(value) && !isMysqlUrl(value)) {
        throw new InvalidArgumentError(
          'must be a postgres://, postgresql://, mysql:// or mariadb:// URL',
        );
      }
      return value;
    },
  )
  .option('--json', 'print the summary as JSON (rows per table for each tenant) instead of a table')
  .action(
    async (options: { platform: string; scale: number; database?: string; json?: boolean }) => {
      const { runDemo } = await import('./demo-command.js');
      await runDemo(loadSettings(), options);
    },
  );

program
  .command('check')
  .description(
    'Check that the catalog declares every table and column of the platform database; exits 1 when it does not.',
  )
  .option('--json', 'print the report as JSON')
  .action(async (options: { json?: boolean }) => {
    const { formatCheck, runCheck } = await import('./check-command.js');
    const result = await runCheck(loadSettings());
    process.stdout.write(
      options.json ? `${JSON.stringify(result, null, 2)}\n` : formatCheck(result),
    );
    if (!result.ok) process.exitCode = 1;
  });

const catalogCommand = program.command('catalog').description('Work with the catalog file.');
catalogCommand
  .command('init')
  .description(
    'Draft a catalog from the live database: every table and column, keys, references, each table’s path to the tenant; what only a person knows is TODO.',
  )
  .requiredOption('--tenant-table <table>', 'the table whose rows are the tenants')
  .option('--source <url>', 'the platform database (default: PORTAGE_SOURCE_URL)')
  .option('--out <file>', 'write the draft to a new file instead of stdout')
  .option('--platform <name>', 'the platform’s name, for the draft')
  .action(
    async (options: { tenantTable: string; source?: string; out?: string; platform?: string }) => {
      const { catalogInit } = await import('./catalog-init-command.js');
      await catalogInit({ ...options, source: options.source ?? loadSettings().sourceUrl });
    },
  );

program
  .command('docs')
  .description('Print the export documentation (Markdown) derived from the catalog.')
  .option('--out <file>', 'write it to a file instead')
  .action(async (options: { out?: string }) => {
    const { writeDocs } = await import('./docs-command.js');
    await writeDocs(loadSettings(), options.out);
  });

const count = (value: string) => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number of 0 or more');
  return Number(value);
};
program
  .command('tenants')
  .description("Manage tenants' own settings.")
  .command('limits')
  .description(
    "Set a tenant's own quotas (each flag overrides one default) and print the limits in force for it.",
  )
  .addOption(required('--tenant <id>', 'the tenant'))
  .option('--per-day <n>', 'exports per rolling 24 hours', count)
  .option('--per-month <n>', 'exports per rolling 30 days', count)
  .option('--max-running <n>', 'exports running at once', positive)
  .option('--reset', 'drop the overrides not given, back to the defaults')
  .action(async (options: TenantLimitsOptions) => {
    const { tenantLimits } = await import('./tenants-command.js');
    const limits = await tenantLimits(loadSettings(), options);
    process.stdout.write(`${JSON.stringify(limits, null, 2)}\n`);
  });

const duration = (value: string) => {
  const ms = parseDuration(value);
  if (ms === null)
    throw new InvalidArgumentError(
      'must be a whole number and a unit, such as 45s, 90m, 12h, 30d or 2w (seconds, minutes, hours, days, weeks), from 1s to 3650d',
    );
  return ms;
};
const keys = program.command('keys').description('Manage API keys: create, list, revoke.');
keys
  .command('create')
  .description('Create an API key for a tenant and print it, alone, on stdout.')
  .addOption(required('--tenant <id>', 'the tenant the key belongs to'))
  .option(
    '--expires-in <duration>',
    'the key stops working after this long (default: never)',
    duration,
  )
  .action(async (options: { tenant: string; expiresIn?: number }) => {
    const { createKey } = await import('./keys-command.js');
    const { key, info } = await createKey(loadSettings(), {
      tenant: options.tenant,
      ...(options.expiresIn !== undefined && { expiresInMs: options.expiresIn }),
    });
    process.stdout.write(`${key}\n`);
    process.stderr.write(
      `Created ${info.id} for ${info.tenant}; ${info.expires_at === null ? 'it never expires' : `it expires at ${info.expires_at}`}. The key is shown once.\n`,
    );
  });
keys
  .command('list')
  .description(
    "List a tenant's keys: id, prefix, status, created, last used (to the minute), expiry. Never the keys themselves.",
  )
  .addOption(required('--tenant <id>', 'the tenant'))
  .option('--json', 'print the keys as a JSON array')
  .action(async (options: { tenant: string; json?: boolean }) => {
    const { formatKeyTable, listKeys } = await import('./keys-command.js');
    const list = await listKeys(loadSettings(), options.tenant);
    process.stdout.write(
      options.json ? `${JSON.stringify(list, null, 2)}\n` : formatKeyTable(list),
    );
  });
keys
  .command('revoke')
  .description('Revoke an API key: from the next request on it answers 401, in every process.')
  .argument('<key-id>', 'the key’s id (key_…), as keys list shows it')
  .action(async (id: string) => {
    const { revokeKey } = await import('./keys-command.js');
    const key = await revokeKey(loadSettings(), id);
    process.stdout.write(`Revoked ${key.id} (${key.tenant}) at ${key.revoked_at}.\n`);
  });

program
  .command('export')
  .description('Write an export archive to a file, without a server.')
  .addOption(required('--tenant <id>', 'the tenant to export'))
  .addOption(required('--purpose <purpose>', 'why the customer exports').choices(PURPOSES))
  .addOption(required('--out <file>', 'the archive to write'))
  .option('--formats <list>', 'comma-separated formats (default: the purpose’s)', list)
  .option('--categories <list>', 'comma-separated categories (default: all included)', list)
  .option('--csv-bom', 'start CSV files with a UTF-8 byte-order mark')
  .option(
    '--csv-formula-protection',
    "prefix ' to text cells starting with = + - @ so spreadsheets do not run them (default for closure)",
  )
  .option('--no-csv-formula-protection', 'leave CSV cells as they are, even for closure')
  .action(async (options: ExportOptions) => {
    const { exportToFile } = await import('./export-command.js');
    await exportToFile(loadSettings(), options);
  });

program
  .command('import')
  .description(
    'Import a duplication bundle into a tenant of the platform database, all or nothing.',
  )
  .argument('<bundle>', 'the bundle archive (.zip) exported with purpose duplication')
  .requiredOption('--tenant <id>', 'the tenant to write into')
  .option('--mode <mode>', 'preserve (keep keys) or remap (new keys)', 'preserve')
  .option('--dry-run', 'check everything and report the counts, writing nothing')
  .option('--trusted', 'vouch for the bundle’s origin: it may write platform-owned data')
  .action(
    async (
      bundle: string,
      options: { tenant: string; mode: string; dryRun?: boolean; trusted?: boolean },
    ) => {
      const { importFromFile } = await import('./import-command.js');
      await importFromFile(loadSettings(), bundle, options);
    },
  );

program
  .command('verify')
  .description(
    'Verify an export archive: every checksum, the manifest, and the signature of an audit export; names the first mismatch and exits 1.',
  )
  .argument('<zip>', 'the archive')
  .option(
    '--key <key>',
    'trusted public key(s): a PEM file, a JWKS file, or JWKS JSON (repeatable); without it the signature is not checked against a trusted key',
    (value: string, previous: string[] = []) => [...previous, value],
  )
  .action(async (file: string, options: { key?: string[] }) => {
    const { verifyCommand } = await import('./verify-command.js');
    process.exitCode = await verifyCommand(file, options.key ?? []);
  });

const signingKeys = program
  .command('signing-keys')
  .description('Manage the Ed25519 keys that sign audit exports.');
signingKeys
  .command('list')
  .description('List the published signing keys (the active one first).')
  .option('--jwks', 'print the JWKS that GET /v1/signing-keys serves')
  .action(async (options: { jwks?: boolean }) => {
    const { listSigningKeys } = await import('./signing-command.js');
    process.stdout.write(await listSigningKeys(loadSettings(), options));
  });
signingKeys
  .command('rotate')
  .description('Make a new active signing key; the previous one stays published as retired.')
  .action(async () => {
    const { rotateSigningKeys } = await import('./signing-command.js');
    process.stdout.write(await rotateSigningKeys(loadSettings()));
  });

/** A bug rather than a mistake of the person running the command: its stack helps. */
function isProgrammingError(error: Error): boolean {
  if (error instanceof ConfigError || error instanceof CatalogError || error instanceof UsageError)
    return false;
  return (
    error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError
  );
}

try {
  await program.parseAsync();
} catch (thrown) {
  const error = toError(thrown);
  if (error instanceof PortageError) {
    const fields = error.options.errors?.map((e) => `\n  ${e.pointer}: ${e.detail}`).join('') ?? '';
    process.stderr.write(`portage: ${error.message}${fields}\n`);
  } else if (isProgrammingError(error)) {
    process.stderr.write(`portage: ${error.stack ?? error.message}\n`);
  } else {
    // A configuration, catalog, usage or environment problem (a database that
    // refuses, a file that is not there): its message says it all.
    process.stderr.write(`portage: ${error.message.split('\n')[0] ?? error.message}\n`);
  }
  process.exitCode = 1;
}
