import { spawn } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnPortage, type PortageProcess } from '../support/portage-process.js';
import { demoDatabase, demoFiles } from '../support/portage-server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LISTENING = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/;

/** The one `bash` block of README.md's tour, as a reader copies it. */
async function tourScript(): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## A five-minute tour'));
  const block = /^```bash\n([\s\S]*?)^```$/m.exec(section.slice(0, section.indexOf('\n## ')));
  if (block === null) throw new Error('README.md has no bash block in its tour');
  return block[1]!;
}

/** Runs `script` in bash with unset variables and failing pipes fatal; resolves with all it printed. */
function runBash(
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/**
 * README.md's tour, pasted as written into bash in a folder laid out as the
 * repository is, against `portage serve` on the demo with a fresh data dir.
 */
describe('the README tour', () => {
  let dir: string;
  let server: PortageProcess;
  let port: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-readme-tour-'));
    // The reader's repository folder: its bin/ (running the built dist/) and the default data dir.
    await symlink(join(ROOT, 'bin'), join(dir, 'bin'));
    const dataDir = join(dir, '.portage');
    await mkdir(dataDir);
    // The demo platform a first start would generate, already generated for this run.
    await copyFile(demoDatabase(), join(dataDir, 'demo-platform.sqlite'));
    await cp(demoFiles(), join(dataDir, 'demo-files'), { recursive: true });
    server = await spawnPortage(
      ['serve'],
      { PORT: '0', PORTAGE_DATA_DIR: dataDir, PORTAGE_SOURCE_URL: '', PORTAGE_DATABASE_URL: '' },
      LISTENING,
      90_000,
    );
    port = LISTENING.exec(server.output())![1]!;
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs from the first line to the last, and every step shows what it promises', async () => {
    const script = await tourScript();
    const { code, output } = await runBash(script, dir, {
      PORT: port,
      PORTAGE_DATA_DIR: join(dir, '.portage'),
      PORTAGE_SOURCE_URL: '',
      PORTAGE_DATABASE_URL: '',
    });
    expect(code, output).toBe(0);
    // The Location of each 202, shown in the headers.
    expect(output).toMatch(/^HTTP\/1\.1 202 Accepted\r$/m);
    expect(output).toMatch(/^location: \/v1\/exports\/exp_\w+\r$/im);
    expect(output).toMatch(/^location: \/v1\/imports\/imp_\w+\r$/im);
    expect(output).toContain('"status": "completed"');
    // The download's SHA-256 is the export object's.
    const fileSha = /"sha256": "([0-9a-f]{64})"/.exec(output)?.[1];
    expect(output).toMatch(new RegExp(`^${fileSha}  export\\.zip$`, 'm'));
    expect(output).toContain('every checksum matches');
    // content_sha256 from the manifest, then the same digest recomputed from SHA256SUMS.
    const content = /^([0-9a-f]{64})\n([0-9a-f]{64}) {2}-$/m.exec(output);
    expect(content, output).not.toBeNull();
    expect(content![2]).toBe(content![1]);
    // The import finished, and the portal link is one.
    expect(output).toMatch(/"status": "completed",\s*"mode": "remap"/);
    expect(output).toMatch(new RegExp(`^http://[^/]+:${port}/portal/\\S+$`, 'm'));
  });
});
