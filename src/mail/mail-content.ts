import type { ExportRecord } from '../store/index.js';
import type { ArchiveSummary } from './archive-summary.js';
import { escapeHtml } from '../documents/index.js';

/** A mail ready to send: its subject and both bodies. */
export interface MailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** What a completed export's mail tells. */
export interface CompletedMailInput {
  readonly export: ExportRecord & {
    readonly file: NonNullable<ExportRecord['file']>;
    readonly expiresAt: string;
  };
  readonly summary: ArchiveSummary;
  /** The signed Portage link, valid until the archive expires. */
  readonly link: string;
}

const FONT = 'font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif';
const MONO = 'font-family:SFMono-Regular,Consolas,Menlo,monospace;font-size:13px';

/**
 * The mail of a completed export: whose data, which categories with how many
 * rows, the archive's SHA-256 and its `content_sha256`, how to check them,
 * and the link that downloads it until it expires.
 */
export function completedMail(input: CompletedMailInput): MailContent {
  const { summary, link } = input;
  const record = input.export;
  const file = record.file;
  const expires = formatTime(record.expiresAt);
  const rows = summary.categories.map((c) => ({
    ...c,
    count: `${c.rows.toLocaleString('en-US')} ${c.rows === 1 ? 'row' : 'rows'}`,
  }));
  const subject = `Your ${summary.platformName} data export is ready`;
  const text = [
    `The ${summary.purpose} export of ${summary.accountName}'s data from ${summary.platformName} is ready.`,
    '',
    `Download it (until ${expires}):`,
    link,
    '',
    'What is inside:',
    ...rows.map((c) => `  ${c.title} (${c.name}): ${c.count}`),
    '',
    `File: ${file.name} (${formatBytes(file.bytes)})`,
    `SHA-256 of the file: ${file.sha256}`,
    `content_sha256 (in manifest.json): ${summary.contentSha256}`,
    '',
    'To check the download is intact, compute its SHA-256 and compare it with the one above:',
    `  Linux:   sha256sum ${file.name}`,
    `  macOS:   shasum -a 256 ${file.name}`,
    `  Windows: Get-FileHash -Algorithm SHA256 ${file.name}`,
    "The archive's README.md explains how to check every file against SHA256SUMS and content_sha256.",
    '',
    `Export ${record.id}. The link works until ${expires}; each click starts a fresh download.`,
  ].join('\n');
  const html = page(subject, [
    `<p>The <strong>${escapeHtml(summary.purpose)}</strong> export of <strong>${escapeHtml(summary.accountName)}</strong>’s data from ${escapeHtml(summary.platformName)} is ready.</p>`,
    `<p style="margin:24px 0"><a href="${escapeHtml(link)}" style="background:#1f5fbf;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block;font-weight:600">Download the export</a></p>`,
    `<p style="color:#555555">The link works until ${escapeHtml(expires)}; each click starts a fresh download.</p>`,
    '<h2 style="font-size:16px;margin:24px 0 8px">What is inside</h2>',
    '<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%">',
    ...rows.map(
      (c) =>
        `<tr><td style="padding:6px 8px;border-bottom:1px solid #e5e5e5">${escapeHtml(c.title)} <span style="color:#777777">(${escapeHtml(c.name)})</span></td><td style="padding:6px 8px;border-bottom:1px solid #e5e5e5;text-align:right;white-space:nowrap">${escapeHtml(c.count)}</td></tr>`,
    ),
    '</table>',
    '<h2 style="font-size:16px;margin:24px 0 8px">Check the download</h2>',
    `<p>File <code style="${MONO}">${escapeHtml(file.name)}</code> (${escapeHtml(formatBytes(file.bytes))}). Its SHA-256:</p>`,
    digest(file.sha256),
    '<p>The <code>content_sha256</code> in its <code>manifest.json</code>:</p>',
    digest(summary.contentSha256),
    '<p>Compute the SHA-256 of the file you downloaded and compare:</p>',
    `<pre style="${MONO};background:#f4f4f4;padding:8px 12px;border-radius:4px;white-space:pre-wrap;word-break:break-all">Linux:   sha256sum ${escapeHtml(file.name)}\nmacOS:   shasum -a 256 ${escapeHtml(file.name)}\nWindows: Get-FileHash -Algorithm SHA256 ${escapeHtml(file.name)}</pre>`,
    '<p>The archive’s <code>README.md</code> explains how to check every file against <code>SHA256SUMS</code> and <code>content_sha256</code>.</p>',
    `<p style="color:#777777;font-size:12px">Export ${escapeHtml(record.id)}</p>`,
  ]);
  return { subject, text, html };
}

/** What a failed export's mail tells: what was asked, and the reason the tenant may see. */
export function failedMail(record: ExportRecord): MailContent {
  const reason = record.error?.message ?? 'The export failed.';
  const subject = 'Your data export could not be completed';
  const created = formatTime(record.createdAt);
  const text = [
    `The ${record.purpose} export requested on ${created} could not be completed.`,
    '',
    `Reason: ${reason}`,
    record.error === null ? '' : `Code: ${record.error.code}`,
    '',
    `Categories asked for: ${record.categories.join(', ')}`,
    '',
    'No archive was kept. You can ask for a new export; if it fails again, contact support with the export id below.',
    '',
    `Export ${record.id}.`,
  ].join('\n');
  const html = page(subject, [
    `<p>The <strong>${escapeHtml(record.purpose)}</strong> export requested on ${escapeHtml(created)} could not be completed.</p>`,
    `<p style="background:#fdf1f1;border-left:4px solid #c0392b;padding:10px 12px"><strong>Reason:</strong> ${escapeHtml(reason)}${record.error === null ? '' : ` <span style="color:#777777">(${escapeHtml(record.error.code)})</span>`}</p>`,
    `<p>Categories asked for: ${record.categories.map(escapeHtml).join(', ')}</p>`,
    '<p>No archive was kept. You can ask for a new export; if it fails again, contact support with the export id below.</p>',
    `<p style="color:#777777;font-size:12px">Export ${escapeHtml(record.id)}</p>`,
  ]);
  return { subject, text, html };
}

function digest(hex: string): string {
  return `<p style="${MONO};background:#f4f4f4;padding:8px 12px;border-radius:4px;word-break:break-all">${escapeHtml(hex)}</p>`;
}

function page(title: string, body: readonly string[]): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title></head>`,
    `<body style="margin:0;padding:0;background:#f6f6f6;${FONT};color:#222222;line-height:1.5">`,
    '<div style="max-width:600px;margin:0 auto;padding:24px 16px">',
    '<div style="background:#ffffff;border-radius:8px;padding:24px">',
    `<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(title)}</h1>`,
    ...body,
    '</div></div></body></html>',
  ].join('\n');
}

/** `2026-12-07 19:00 UTC`: unambiguous for a reader anywhere. */
function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}, ${bytes.toLocaleString('en-US')} bytes`;
}
