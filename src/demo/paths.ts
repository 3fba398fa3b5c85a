import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the demo platform's catalog, `catalog/acme-tasks.yaml` at the
 * package root; resolves the same from `src/demo/` and from the compiled `dist/demo/`.
 */
export const DEMO_CATALOG_FILE = fileURLToPath(
  new URL('../../catalog/acme-tasks.yaml', import.meta.url),
);
