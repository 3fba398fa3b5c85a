import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

/** One problem Redocly reports. */
export interface LintProblem {
  readonly ruleId: string;
  readonly severity: 'error' | 'warn';
  readonly message: string;
  readonly location: readonly { pointer?: string }[];
}

const cli = join(
  dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')),
  'bin',
  'cli.js',
);

/**
 * Lints an OpenAPI description with `redocly lint` and its `recommended`
 * ruleset, as a user of the description would, and returns every problem.
 */
export async function redoclyLint(description: unknown): Promise<LintProblem[]> {
  const dir = await mkdtemp(join(tmpdir(), 'portage-redocly-'));
  try {
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(description));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cli, 'lint', '--extends', 'recommended', '--format', 'json', '--max-problems', '1000', file],
      {
        cwd: dir,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    ).catch((error: { stdout?: string }) => {
      // `lint` exits 1 when it finds errors; its report is still on stdout.
      if (typeof error.stdout === 'string' && error.stdout.includes('"problems"'))
        return { stdout: error.stdout };
      throw error;
    });
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { problems: LintProblem[] };
    return report.problems;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
