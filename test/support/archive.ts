import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** An archive written to disk, tested with `unzip -t` and extracted with `unzip`. */
export interface ExtractedArchive {
  readonly zipFile: string;
  readonly dir: string;
  readonly sha256: string;
  read(path: string): Promise<string>;
  json<T = Record<string, unknown>>(path: string): Promise<T>;
}

/** Saves the bytes, runs the real `unzip -t` on them and extracts them. Throws if unzip complains. */
export async function extractArchive(bytes: Buffer): Promise<ExtractedArchive> {
  const root = await mkdtemp(join(tmpdir(), 'portage-archive-'));
  const zipFile = join(root, 'export.zip');
  await writeFile(zipFile, bytes);
  await run('unzip', ['-t', '-q', zipFile]);
  const dir = join(root, 'x');
  await run('unzip', ['-q', zipFile, '-d', dir]);
  return {
    zipFile,
    dir,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    read: (path) => readFile(join(dir, path), 'utf8'),
    json: async (path) => JSON.parse(await readFile(join(dir, path), 'utf8')) as never,
  };
}

/** Runs the real `sha256sum -c SHA256SUMS` in the extracted folder; returns its output. */
export async function sha256sumCheck(dir: string): Promise<string> {
  const { stdout } = await run('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: dir });
  return stdout;
}

/** Runs a shell pipeline in `dir` and returns its stdout. */
export async function shell(dir: string, command: string): Promise<string> {
  const { stdout } = await run('bash', ['-c', command], { cwd: dir });
  return stdout;
}
