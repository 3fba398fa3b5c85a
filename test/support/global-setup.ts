import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { DEMO_PLATFORMS, generateDemoPlatform } from '../../src/demo/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * Folder holding every demo platform every test file reads (read-only):
     * each platform's SQLite file (its `sqliteFile`) and the shared `demo-files`.
     */
    demoDir: string;
  }
}

/** Generates every demo platform once for the whole run, at scale 1, and removes them after. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'portage-demo-'));
  for (const platform of DEMO_PLATFORMS) {
    await generateDemoPlatform({
      platform,
      file: join(dir, platform.sqliteFile),
      filesDir: join(dir, 'demo-files'),
    });
  }
  project.provide('demoDir', dir);
  return () => rm(dir, { recursive: true, force: true });
}
