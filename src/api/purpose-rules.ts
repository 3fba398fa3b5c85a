import type { Purpose } from '../store/index.js';

/** Per purpose: the formats it allows, its default formats, and whether this version builds it. */
export const PURPOSE_RULES: Readonly<
  Record<Purpose, { allowed: readonly string[]; defaults: readonly string[]; available: boolean }>
> = {
  migration: { allowed: ['json', 'jsonl', 'csv'], defaults: ['json', 'csv'], available: true },
  duplication: { allowed: ['bundle'], defaults: ['bundle'], available: false },
  closure: {
    allowed: ['json', 'jsonl', 'csv', 'pdf'],
    defaults: ['json', 'csv', 'pdf'],
    available: true,
  },
  audit: { allowed: ['json', 'jsonl'], defaults: ['json'], available: true },
};
