import type { Prng } from '../prng.js';

const VERBS = [
  'Fix',
  'Add',
  'Remove',
  'Refactor',
  'Document',
  'Migrate',
  'Review',
  'Design',
  'Test',
  'Deploy',
  'Investigate',
  'Update',
];
const OBJECTS = [
  'login page',
  'billing export',
  'search results',
  'onboarding flow',
  'API rate limits',
  'mobile layout',
  'webhook retries',
  'invoice PDF',
  'dark mode',
  'CSV import',
  'audit log',
  'notification emails',
  'SSO settings',
  'dashboard charts',
];
const QUALIFIERS = [
  'for enterprise plans',
  'before the release',
  'on Safari',
  'in the EU region',
  'after the migration',
  'for new users',
  'under load',
  '',
  '',
  '',
];
const SENTENCES = [
  'This blocks the next release.',
  'Customers reported it twice this week.',
  'See the linked design for details.',
  'Needs a decision from product first.',
  'Reproduced on staging with the latest build.',
  'The fix should include a regression test.',
  'Low risk, but touches the billing code.',
  'Pairing with the platform team on this one.',
  'Waiting on the vendor to confirm the behaviour.',
  'Done when the dashboard shows the new numbers.',
];

/** Project names, one per project position; positions beyond the list get a number. */
export const PROJECT_NAMES = [
  'Website Relaunch',
  'Mobile App',
  'Billing Platform',
  'Customer Support',
  'Data Warehouse',
  'Security Review',
  'Marketing Site',
  'Internal Tools',
];

/** Label names and colours; positions beyond the list get a number. */
export const LABELS: readonly (readonly [string, string])[] = [
  ['bug', '#d73a4a'],
  ['feature', '#a2eeef'],
  ['documentation', '#0075ca'],
  ['good first issue', '#7057ff'],
  ['blocked', '#b60205'],
  ['design', '#fbca04'],
  ['security', '#e99695'],
  ['performance', '#1d76db'],
  ['tech debt', '#c5def5'],
  ['customer', '#0e8a16'],
  ['🔥 urgent', '#ff0000'],
  ['needs, triage', '#ededed'],
];

/** Plain tag values for ordinary tasks. */
export const TAGS = ['frontend', 'backend', 'api', 'ux', 'infra', 'q3', 'q4', 'customer-request'];

/** A plausible task title. */
export function taskTitle(rng: Prng): string {
  const qualifier = rng.pick(QUALIFIERS);
  const base = `${rng.pick(VERBS)} ${rng.pick(OBJECTS)}`;
  return qualifier === '' ? base : `${base} ${qualifier}`;
}

/** One to `max` sentences of plausible prose. */
export function prose(rng: Prng, max: number): string {
  const count = rng.between(1, max);
  let out = rng.pick(SENTENCES);
  for (let i = 1; i < count; i++) out += ' ' + rng.pick(SENTENCES);
  return out;
}
