import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import yauzl from 'yauzl';

/** Runs a real command-line tool in a UTF-8 locale; rejects on a non-zero exit. */
export async function run(
  command: string,
  args: readonly string[],
  cwd?: string,
): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(command, [...args], {
    cwd,
    env: { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' },
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** sha256 (lowercase hex) of `bytes`. */
export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** One entry as yauzl reads it back. */
export interface ReadEntry {
  readonly path: string;
  readonly content: Buffer;
  readonly mtime: Date;
  readonly mode: number;
}

/** Reads every entry of a zip file with yauzl (an independent reader), in archive order. */
export async function readZip(file: string): Promise<ReadEntry[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, strictFileNames: true }, (error, opened) => {
      if (error) reject(error);
      else resolve(opened);
    });
  });
  const entries: ReadEntry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', reject);
        stream.on('end', () => {
          entries.push({
            path: entry.fileName,
            content: Buffer.concat(chunks),
            mtime: entry.getLastModDate(),
            mode: entry.externalFileAttributes >>> 16,
          });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return entries;
}
