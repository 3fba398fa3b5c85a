import { readFileSync } from 'node:fs';

/** The page's own files, shipped in `assets/portal/` beside `src/` and `dist/`. */
const FILES: Readonly<Record<string, string>> = {
  'portal.js': 'text/javascript; charset=utf-8',
  'portal.css': 'text/css; charset=utf-8',
};

const cache = new Map<string, { body: Buffer; type: string }>();

/** A file of the page by name (`portal.js`, `portal.css`), or null for any other name. */
export function portalAsset(name: string): { body: Buffer; type: string } | null {
  const type = FILES[name];
  if (type === undefined) return null;
  let asset = cache.get(name);
  if (asset === undefined) {
    const body = readFileSync(new URL(`../../assets/portal/${name}`, import.meta.url));
    asset = { body, type };
    cache.set(name, asset);
  }
  return asset;
}
