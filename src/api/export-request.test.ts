import { describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../catalog/index.js';
import { DEMO_CATALOG_FILE } from '../demo/index.js';
import { resolveExportRequest } from './export-request.js';
import type { CreateExportBody } from './schemas.js';

const catalog = loadCatalogFile(DEMO_CATALOG_FILE);
const resolve = (body: CreateExportBody) => resolveExportRequest(body, catalog, 'acme', null);

describe('CSV formula protection', () => {
  it('is on by default for closure archives, read in spreadsheets by people', () => {
    expect(resolve({ purpose: 'closure' }).csv).toEqual({ bom: false, formulaProtection: true });
  });

  it('is off by default for every other purpose', () => {
    expect(resolve({ purpose: 'migration' }).csv.formulaProtection).toBe(false);
    expect(resolve({ purpose: 'audit' }).csv.formulaProtection).toBe(false);
  });

  it('follows an explicit choice either way', () => {
    const off = resolve({ purpose: 'closure', csv: { formula_protection: false } });
    expect(off.csv.formulaProtection).toBe(false);
    const on = resolve({ purpose: 'migration', csv: { formula_protection: true } });
    expect(on.csv.formulaProtection).toBe(true);
    expect(resolve({ purpose: 'closure', csv: { bom: true } }).csv).toEqual({
      bom: true,
      formulaProtection: true,
    });
  });
});
