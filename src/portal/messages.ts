/**
 * Every word the customer's page (`/portal`) shows, in one place, so that a
 * platform can translate it: replace the values, keep the keys. `{name}`
 * marks a value filled in at display time. The page's script receives this
 * object from `GET /portal/api/session` and uses no other text.
 */
export const PORTAL_MESSAGES = {
  lang: 'en',
  page_title: 'Your data',
  heading: 'Your data at {platform}',
  signed_in_as: 'Account: {account}.',
  session_ends: 'This page stays open until {time}.',
  back_link: 'Back to {platform}',
  sign_out: 'Close this page',
  skip_link: 'Skip to the export request',
  loading: 'Loading…',
  load_failed: 'This page could not load your data: {detail}',

  holds_heading: 'What an export holds',
  holds_intro:
    'Every kind of data {platform} keeps about your account is listed here, with what each export includes and, for anything left out, why.',
  included_heading: 'Included',
  excluded_heading: 'Never included, and why',
  fields_count: '{count} fields',
  fields_left_out: 'Left out: {fields}',
  field_left_out: '{name} ({reason})',
  has_attachments: 'with attached files',

  request_heading: 'Ask for an export',
  purpose_legend: 'What is the export for?',
  purpose_migration: 'Moving to another service',
  purpose_duplication: 'A copy to import elsewhere (sandbox, backup)',
  purpose_closure: 'Closing the account and keeping a record',
  purpose_audit: 'Proving what is held (signed, reproducible)',
  formats_legend: 'Formats',
  format_json: 'JSON',
  format_jsonl: 'JSON Lines',
  format_csv: 'CSV (spreadsheets)',
  format_pdf: 'PDF summary',
  format_bundle: 'Bundle (imports back exactly)',
  categories_legend: 'Which data',
  categories_hint: 'Leave everything ticked for a complete export.',
  request_submit: 'Request the export',
  request_sending: 'Asking for the export…',
  request_failed: 'The export was not started: {detail}',
  request_needs_format: 'Choose at least one format.',
  request_needs_category: 'Choose at least one kind of data.',

  progress_heading: 'Progress',
  progress_label: 'Export progress',
  progress_pending: 'Waiting to start…',
  progress_running: '{done} of {total} kinds of data written ({rows} records).',
  progress_completed: 'Ready: {rows} records, {size}.',
  progress_failed: 'The export failed: {detail}',
  progress_expired: 'This export has expired.',

  exports_heading: 'Your exports',
  exports_empty: 'No exports yet.',
  export_caption: 'Past exports, newest first',
  column_requested: 'Requested',
  column_purpose: 'Purpose',
  column_status: 'Status',
  column_available_until: 'Available until',
  column_file: 'File',
  status_pending: 'Waiting',
  status_running: 'Running',
  status_completed: 'Ready',
  status_failed: 'Failed',
  status_expired: 'Expired',
  download: 'Download {name}',
  download_short: 'Download',
  sha256_label: 'SHA-256',
  not_available: '—',

  import_heading: 'Import a bundle',
  import_intro:
    'Upload a bundle (a .zip from a “copy to import elsewhere” export) to bring its data into this account. A check reads it and reports what would be written, without writing anything.',
  import_file_label: 'Bundle file (.zip)',
  import_mode_legend: 'Keys of the imported records',
  import_mode_preserve: 'Keep them as they are (an exact copy)',
  import_mode_remap: 'Give them new keys (a second copy beside existing data)',
  import_check: 'Check only (dry run)',
  import_run: 'Import',
  import_needs_file: 'Choose a bundle file first.',
  import_uploading: 'Uploading {name}…',
  import_waiting: 'Reading the bundle…',
  import_checked: 'Check passed: nothing was written. It would write {rows} records.',
  import_completed: 'Imported {rows} records.',
  import_counts: '{category}: {count}',
  import_conflicts: 'Records you already hold with the same keys: {count}.',
  import_failed: 'The import was refused: {detail}',
  import_untrusted: 'This bundle is not signed by a trusted key.',

  verify_heading: 'How to check an archive',
  verify_intro:
    'Each archive proves its own contents. Its SHA-256, shown above for every export, must match the file you downloaded:',
  verify_sha256_command: 'sha256sum <file>.zip',
  verify_steps_intro: 'Then, inside the unzipped archive:',
  verify_portage_command: 'portage verify <file>.zip',
  verify_portage: 'Or check everything at once, including the signature, with:',

  error_title: 'This page cannot be shown',
  error_back: 'Ask {platform} for a new link: open the data export page from your account again.',
  error_portal_link_used:
    'This link was already used. Each link opens the page once; ask for a new one.',
  error_portal_link_expired:
    'This link has expired (links work for a few minutes). Ask for a new one.',
  error_portal_link_invalid: 'This link is not valid.',
  error_portal_session_required: 'Your session is not valid here. Open the page from your account.',
  error_portal_session_expired: 'Your session has ended. Open the page from your account again.',
  error_tenant_not_found: 'There is no account to show.',
  error_generic: 'Something went wrong: {detail}',
  continue_link: 'Continue to your data',
  signed_out: 'You have closed this page. You can close the window.',
} as const;

/** The keys of {@link PORTAL_MESSAGES}. */
export type PortalMessageKey = keyof typeof PORTAL_MESSAGES;

/** A message with its `{name}` placeholders filled in. */
export function message(
  key: PortalMessageKey,
  values: Readonly<Record<string, string | number>> = {},
): string {
  return PORTAL_MESSAGES[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}
