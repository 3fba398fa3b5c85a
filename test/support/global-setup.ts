import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { generateDemoPlatform } from '../../src/demo/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Folder holding the demo platform every test file reads (read-only). */
    demoDir: string;
  }
}

/** Generates the demo platform once for the whole run, and removes it after. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'portage-demo-'));
  await generateDemoPlatform({
    file: join(dir, 'demo-platform.sqlite'),
    filesDir: join(dir, 'demo-files'),
  });
  project.provide('demoDir', dir);
  return () => rm(dir, { recursive: true, force: true });
}
