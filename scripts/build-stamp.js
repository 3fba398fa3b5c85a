// The build of src/ into dist/, and the stamp that says whether it is current:
// shared by `npm run build` (scripts/build.js) and `npm start` (scripts/start.js).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import process from 'node:process';

const root = join(import.meta.dirname, '..');
const stamp = join(root, 'dist', '.build-stamp');

/** The newest modification time under `dir`, in ms (0 when it does not exist). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

/**
 * Whether dist/ is older than a source file, a tsconfig or package.json (or
 * was never built): a walk of modification times, a few milliseconds, no
 * compiler started.
 */
export function buildIsStale() {
  const inputs = Math.max(
    newest(join(root, 'src')),
    ...['package.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) =>
      existsSync(join(root, f)) ? statSync(join(root, f)).mtimeMs : 0,
    ),
  );
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  return built < inputs;
}

/**
 * Compiles src/ into dist/ with `tsc`, writes the demo platform a first start
 * copies (dist/demo-template/, instead of generating it then) and the shipped
 * catalogs already read (dist/catalog-cache/), and stamps the build; exits the
 * process when tsc fails.
 */
export async function compile() {
  const result = spawnSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
  const built = (path) => import(pathToFileURL(join(root, 'dist', path)).href);
  const { writeDemoTemplate } = await built('demo/demo-template.js');
  await writeDemoTemplate();
  const { parseCatalog } = await built('catalog/catalog-loader.js');
  const { COMPILED_CATALOG_DIR, writeCompiledCatalog } = await built('catalog/compiled-catalog.js');
  rmSync(COMPILED_CATALOG_DIR, { recursive: true, force: true });
  for (const name of readdirSync(join(root, 'catalog')).filter((n) => n.endsWith('.yaml'))) {
    const file = join(root, 'catalog', name);
    const text = readFileSync(file, 'utf8');
    writeCompiledCatalog(text, parseCatalog(file, text));
  }
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
