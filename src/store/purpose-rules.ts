import type { Purpose } from './export-record.js';

/** Per purpose: the formats it allows and its default formats (SPEC §11). */
export const PURPOSE_RULES: Readonly<
  Record<Purpose, { allowed: readonly string[]; defaults: readonly string[] }>
> = {
  migration: { allowed: ['json', 'jsonl', 'csv'], defaults: ['json', 'csv'] },
  duplication: { allowed: ['bundle'], defaults: ['bundle'] },
  closure: { allowed: ['json', 'jsonl', 'csv', 'pdf'], defaults: ['json', 'csv', 'pdf'] },
  audit: { allowed: ['json', 'jsonl'], defaults: ['json'] },
};
