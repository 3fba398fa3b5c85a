import type { CatalogDocument } from '../docs/index.js';
import { catalogMarkdownHtml as md } from '../documents/catalog-markdown.js';
import { escapeHtml as e, inlineCode } from '../documents/html-text.js';
import { message as m, type PortalMessageKey } from './messages.js';

/** What the page shows before its script runs. */
export interface PortalPageInput {
  readonly catalog: CatalogDocument;
  readonly accountName: string;
  readonly returnUrl: string | null;
}

/** The stylesheet and script of the page, served by Portage under `/portal/assets/`. */
export const ASSET_PATHS = { css: '/portal/assets/portal.css', js: '/portal/assets/portal.js' };

/**
 * The customer's page: what an export holds (from the catalog), the request
 * form, past exports, import and verification. The server writes every
 * static part; the script (no inline code) adds progress, lists and uploads.
 */
export function renderPortalPage(input: PortalPageInput): string {
  const platform = input.catalog.platform.name;
  return `<!doctype html>
<html lang="${e(m('lang'))}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(m('page_title'))} · ${e(platform)}</title>
<link rel="stylesheet" href="${ASSET_PATHS.css}">
<script src="${ASSET_PATHS.js}" defer></script>
</head>
<body>
<a class="skip" href="#request-heading">${e(m('skip_link'))}</a>
<header class="top">
<h1>${e(m('heading', { platform }))}</h1>
<p>${e(m('signed_in_as', { account: input.accountName }))} <span id="session-ends"></span></p>
<nav class="top-actions">
${input.returnUrl === null ? '' : `<a id="back-link" href="${e(input.returnUrl)}">${e(m('back_link', { platform }))}</a>`}
<button type="button" id="sign-out" class="secondary">${e(m('sign_out'))}</button>
</nav>
</header>
<main>
<p id="page-status" role="status" aria-live="polite"></p>
${holdsSection(input.catalog)}
${requestSection(input.catalog)}
<section aria-labelledby="exports-heading">
<h2 id="exports-heading">${e(m('exports_heading'))}</h2>
<div id="export-list"><p>${e(m('loading'))}</p></div>
</section>
${importSection()}
${verifySection(input.catalog)}
</main>
</body>
</html>
`;
}

/** A message as HTML, its placeholders filled with HTML already made safe (catalog Markdown, escaped names). */
function htmlMessage(key: PortalMessageKey, html: Readonly<Record<string, string>>): string {
  return e(m(key)).replace(/\{(\w+)\}/g, (whole, name: string) => html[name] ?? whole);
}

function holdsSection(doc: CatalogDocument): string {
  const included = doc.categories.flatMap((c) => (c.included ? [c] : []));
  const excluded = doc.categories.flatMap((c) => (c.included ? [] : [c]));
  const item = (c: (typeof included)[number]) => {
    const left = c.excluded_fields
      .map((f) => htmlMessage('field_left_out', { name: e(f.name), reason: md(f.reason) }))
      .join('; ');
    return `<li><strong>${e(c.title)}</strong> — ${md(c.description)} <span class="meta">${e(m('fields_count', { count: c.fields.length }))}${c.attachments ? `, ${e(m('has_attachments'))}` : ''}</span>${left === '' ? '' : `<br><span class="meta">${htmlMessage('fields_left_out', { fields: left })}</span>`}</li>`;
  };
  return `<section aria-labelledby="holds-heading">
<h2 id="holds-heading">${e(m('holds_heading'))}</h2>
<p>${e(m('holds_intro', { platform: doc.platform.name }))}</p>
<h3>${e(m('included_heading'))}</h3>
<ul class="categories">${included.map(item).join('')}</ul>
<h3>${e(m('excluded_heading'))}</h3>
<ul class="categories">${excluded.map((c) => `<li><strong>${e(c.title)}</strong> — ${md(c.reason)}</li>`).join('')}</ul>
</section>`;
}

function requestSection(doc: CatalogDocument): string {
  const purposes = doc.purposes
    .map(
      (p, i) =>
        `<div class="choice"><input type="radio" name="purpose" id="purpose-${e(p.name)}" value="${e(p.name)}"${i === 0 ? ' checked' : ''} aria-describedby="purpose-${e(p.name)}-text"><label for="purpose-${e(p.name)}">${e(m(`purpose_${p.name}` as PortalMessageKey))}</label><p class="meta" id="purpose-${e(p.name)}-text">${e(p.description)}</p></div>`,
    )
    .join('');
  const formats = [...new Set(doc.purposes.flatMap((p) => p.allowed_formats))]
    .map(
      (f) =>
        `<div class="choice" data-format="${e(f)}"><input type="checkbox" name="format" id="format-${e(f)}" value="${e(f)}"><label for="format-${e(f)}">${e(m(`format_${f}` as PortalMessageKey))}</label></div>`,
    )
    .join('');
  const categories = doc.categories
    .flatMap((c) => (c.included ? [c] : []))
    .map(
      (c) =>
        `<div class="choice"><input type="checkbox" name="category" id="category-${e(c.name)}" value="${e(c.name)}" checked><label for="category-${e(c.name)}">${e(c.title)}</label></div>`,
    )
    .join('');
  return `<section aria-labelledby="request-heading">
<h2 id="request-heading" tabindex="-1">${e(m('request_heading'))}</h2>
<form id="request-form" novalidate>
<fieldset><legend>${e(m('purpose_legend'))}</legend>${purposes}</fieldset>
<fieldset id="formats"><legend>${e(m('formats_legend'))}</legend>${formats}</fieldset>
<fieldset id="categories" hidden><legend>${e(m('categories_legend'))}</legend><p class="meta">${e(m('categories_hint'))}</p>${categories}</fieldset>
<p id="request-error" class="error" role="alert"></p>
<button type="submit" id="request-submit">${e(m('request_submit'))}</button>
</form>
<div id="progress-box" hidden>
<h3>${e(m('progress_heading'))}</h3>
<progress id="progress" max="1" value="0" aria-label="${e(m('progress_label'))}"></progress>
<p id="progress-text" role="status" aria-live="polite"></p>
<p id="progress-download"></p>
</div>
</section>`;
}

function importSection(): string {
  return `<section aria-labelledby="import-heading">
<h2 id="import-heading">${e(m('import_heading'))}</h2>
<p>${e(m('import_intro'))}</p>
<form id="import-form" novalidate>
<div class="field"><label for="import-file">${e(m('import_file_label'))}</label><input type="file" id="import-file" name="bundle" accept=".zip,application/zip"></div>
<fieldset><legend>${e(m('import_mode_legend'))}</legend>
<div class="choice"><input type="radio" name="mode" id="mode-preserve" value="preserve" checked><label for="mode-preserve">${e(m('import_mode_preserve'))}</label></div>
<div class="choice"><input type="radio" name="mode" id="mode-remap" value="remap"><label for="mode-remap">${e(m('import_mode_remap'))}</label></div>
</fieldset>
<div class="actions"><button type="submit" id="import-check" value="dry">${e(m('import_check'))}</button>
<button type="submit" id="import-run" value="run" class="secondary">${e(m('import_run'))}</button></div>
</form>
<div id="import-result" role="status" aria-live="polite"></div>
</section>`;
}

function verifySection(doc: CatalogDocument): string {
  return `<section aria-labelledby="verify-heading">
<h2 id="verify-heading">${e(m('verify_heading'))}</h2>
<p>${e(m('verify_intro'))}</p>
<pre><code>${e(m('verify_sha256_command'))}</code></pre>
<p>${e(m('verify_steps_intro'))}</p>
<ol>${doc.verification.map((step) => `<li>${inlineCode(step)}</li>`).join('')}</ol>
<p>${e(m('verify_portage'))}</p>
<pre><code>${e(m('verify_portage_command'))}</code></pre>
</section>`;
}

/** A page that says why the portal cannot be shown (a used or expired link, an ended session). */
export function renderErrorPage(platform: string, text: string, status: number): string {
  return `<!doctype html>
<html lang="${e(m('lang'))}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(m('error_title'))} · ${e(platform)}</title>
<link rel="stylesheet" href="${ASSET_PATHS.css}">
</head>
<body>
<main class="notice">
<h1>${e(m('error_title'))}</h1>
<p id="notice-text" data-status="${status}">${e(text)}</p>
<p>${e(m('error_back', { platform }))}</p>
</main>
</body>
</html>
`;
}

/** The page a browser sees right after opening a link: on to `/portal` from Portage's own origin. */
export function renderContinuePage(): string {
  return `<!doctype html>
<html lang="${e(m('lang'))}">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="0; url=/portal">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(m('page_title'))}</title>
<link rel="stylesheet" href="${ASSET_PATHS.css}">
</head>
<body>
<main class="notice"><p><a href="/portal">${e(m('continue_link'))}</a></p></main>
</body>
</html>
`;
}
