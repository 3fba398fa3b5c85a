/* global document, window, fetch, setTimeout */
// The customer's page (served by Portage at /portal/assets/portal.js). No framework,
// no network beyond Portage: every text comes from GET /portal/api/session.
'use strict';

/** @type {{csrf_token: string, expires_at: string, messages: Record<string, string>, purposes: {name: string, default_formats: string[], allowed_formats: string[]}[]}} */
let session;
const POLL_MS = 1000;

function t(key, values) {
  const text = (session && session.messages[key]) || key;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    values && name in values ? String(values[name]) : whole,
  );
}

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

function byId(id) {
  return document.getElementById(id);
}

async function call(method, path, options) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') headers['x-portage-csrf'] = session.csrf_token;
  let body;
  if (options && options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options && options.file !== undefined) {
    headers['content-type'] = 'application/zip';
    body = options.file;
  }
  const response = await fetch(path, { method, headers, body, credentials: 'same-origin' });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const detail = data && data.detail ? data.detail : response.statusText;
    const error = new Error(detail);
    error.status = response.status;
    error.code = data && data.code;
    throw error;
  }
  return data;
}

function sessionEnded(error) {
  if (error.status !== 401) return false;
  byId('page-status').textContent = t('error_portal_session_expired');
  for (const button of document.querySelectorAll('button')) button.disabled = true;
  return true;
}

function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  do {
    value /= 1024;
    unit += 1;
  } while (value >= 1024 && unit < units.length - 1);
  return `${value.toFixed(1)} ${units[unit]}`;
}

function formatTime(iso) {
  if (!iso) return t('not_available');
  const date = new Date(iso);
  return date.toLocaleString(session.messages.lang, { dateStyle: 'medium', timeStyle: 'short' });
}

// ---- the request form ----------------------------------------------------

function selectedPurpose() {
  const checked = document.querySelector('input[name="purpose"]:checked');
  return checked ? checked.value : 'migration';
}

function showFormatsFor(purpose) {
  const rules = session.purposes.find((p) => p.name === purpose);
  if (!rules) return;
  for (const choice of document.querySelectorAll('#formats [data-format]')) {
    const format = choice.getAttribute('data-format');
    const input = choice.querySelector('input');
    const allowed = rules.allowed_formats.includes(format);
    choice.hidden = !allowed;
    input.disabled = !allowed;
    input.checked = rules.default_formats.includes(format);
  }
  byId('categories').hidden = purpose !== 'migration';
}

async function requestExport(event) {
  event.preventDefault();
  const error = byId('request-error');
  error.textContent = '';
  const purpose = selectedPurpose();
  const formats = [...document.querySelectorAll('input[name="format"]:checked:not(:disabled)')].map(
    (input) => input.value,
  );
  if (formats.length === 0) {
    error.textContent = t('request_needs_format');
    return;
  }
  const body = { purpose, formats };
  if (purpose === 'migration') {
    const boxes = [...document.querySelectorAll('input[name="category"]')];
    const chosen = boxes.filter((input) => input.checked).map((input) => input.value);
    if (chosen.length === 0) {
      error.textContent = t('request_needs_category');
      return;
    }
    if (chosen.length < boxes.length) body.categories = chosen;
  }
  const submit = byId('request-submit');
  submit.disabled = true;
  showProgressText(t('request_sending'));
  try {
    const created = await call('POST', '/portal/api/exports', { json: body });
    await follow(created);
  } catch (failure) {
    if (!sessionEnded(failure)) {
      error.textContent = t('request_failed', { detail: failure.message });
      byId('progress-box').hidden = true;
    }
  } finally {
    submit.disabled = false;
  }
}

function showProgressText(text) {
  byId('progress-box').hidden = false;
  byId('progress-text').textContent = text;
}

function downloadLink(item, short) {
  return el(
    'a',
    { href: item.download_url, class: 'download', download: item.file.name },
    short ? t('download_short') : t('download', { name: item.file.name }),
  );
}

function describeProgress(item) {
  const p = item.progress;
  switch (item.status) {
    case 'pending':
      return t('progress_pending');
    case 'running':
      return t('progress_running', {
        done: p.categories_done,
        total: p.categories_total,
        rows: p.rows_written,
      });
    case 'completed':
      return t('progress_completed', { rows: p.rows_written, size: formatBytes(item.file.bytes) });
    case 'failed':
      return t('progress_failed', { detail: item.error ? item.error.message : '' });
    default:
      return t('progress_expired');
  }
}

/** Shows one export's progress until it is done, polling without reloading the page. */
async function follow(item) {
  const bar = byId('progress');
  const download = byId('progress-download');
  download.replaceChildren();
  byId('progress-box').hidden = false;
  byId('progress-box').setAttribute('data-export', item.id);
  let current = item;
  for (;;) {
    const p = current.progress;
    bar.max = Math.max(1, p.categories_total);
    bar.value = current.status === 'completed' ? bar.max : p.categories_done;
    byId('progress-text').textContent = describeProgress(current);
    byId('progress-box').setAttribute('data-status', current.status);
    if (current.status !== 'pending' && current.status !== 'running') break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    current = await call('GET', `/portal/api/exports/${encodeURIComponent(current.id)}`);
  }
  if (current.status === 'completed' && current.download_url) {
    download.append(downloadLink(current, false), ' ', sha256Line(current));
  }
  await loadExports();
}

function sha256Line(item) {
  return el(
    'span',
    { class: 'meta' },
    `${t('sha256_label')}: `,
    el('code', { class: 'sha256' }, item.file.sha256),
  );
}

// ---- past exports --------------------------------------------------------

async function loadExports() {
  const list = byId('export-list');
  let answer;
  try {
    answer = await call('GET', '/portal/api/exports');
  } catch (failure) {
    if (!sessionEnded(failure))
      list.replaceChildren(el('p', {}, t('load_failed', { detail: failure.message })));
    return;
  }
  if (answer.data.length === 0) {
    list.replaceChildren(el('p', {}, t('exports_empty')));
    return;
  }
  const rows = answer.data.map((item) =>
    el(
      'tr',
      { 'data-export': item.id, 'data-status': item.status },
      el('td', { 'data-label': t('column_requested') }, formatTime(item.created_at)),
      el('td', { 'data-label': t('column_purpose') }, t(`purpose_${item.purpose}`)),
      el('td', { 'data-label': t('column_status') }, t(`status_${item.status}`)),
      el(
        'td',
        { 'data-label': t('column_available_until') },
        item.status === 'completed' ? formatTime(item.expires_at) : t('not_available'),
      ),
      el(
        'td',
        { 'data-label': t('column_file') },
        item.status === 'completed' && item.download_url
          ? el('span', {}, downloadLink(item, true), el('br'), sha256Line(item))
          : t('not_available'),
      ),
    ),
  );
  const head = el(
    'tr',
    {},
    ...['column_requested', 'column_purpose', 'column_status', 'column_available_until'].map(
      (key) => el('th', { scope: 'col' }, t(key)),
    ),
    el('th', { scope: 'col' }, t('column_file')),
  );
  list.replaceChildren(
    el(
      'table',
      { class: 'exports' },
      el('caption', {}, t('export_caption')),
      el('thead', {}, head),
      el('tbody', {}, ...rows),
    ),
  );
  const running = answer.data.find(
    (item) => item.status === 'pending' || item.status === 'running',
  );
  if (running && byId('progress-box').hidden) void follow(running).catch(sessionEnded);
}

// ---- import --------------------------------------------------------------

async function runImport(event) {
  event.preventDefault();
  const result = byId('import-result');
  const file = byId('import-file').files[0];
  if (!file) {
    result.textContent = t('import_needs_file');
    return;
  }
  const dryRun = event.submitter ? event.submitter.value === 'dry' : true;
  const mode = document.querySelector('input[name="mode"]:checked').value;
  const buttons = document.querySelectorAll('#import-form button');
  for (const button of buttons) button.disabled = true;
  result.replaceChildren(el('p', {}, t('import_uploading', { name: file.name })));
  try {
    let item = await call(
      'POST',
      `/portal/api/imports?mode=${encodeURIComponent(mode)}&dry_run=${dryRun}`,
      { file },
    );
    result.replaceChildren(el('p', {}, t('import_waiting')));
    while (item.status === 'pending' || item.status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      item = await call('GET', `/portal/api/imports/${encodeURIComponent(item.id)}`);
    }
    result.replaceChildren(...describeImport(item));
    result.setAttribute('data-status', item.status);
  } catch (failure) {
    if (!sessionEnded(failure))
      result.replaceChildren(el('p', {}, t('import_failed', { detail: failure.message })));
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

function describeImport(item) {
  if (item.status !== 'completed') {
    return [
      el(
        'p',
        { class: 'error' },
        t('import_failed', { detail: item.error ? item.error.message : '' }),
      ),
    ];
  }
  const counts = Object.entries(item.counts || {});
  const rows = counts.reduce((sum, [, count]) => sum + count, 0);
  const nodes = [el('p', {}, t(item.dry_run ? 'import_checked' : 'import_completed', { rows }))];
  if (counts.length > 0) {
    nodes.push(
      el(
        'ul',
        {},
        ...counts.map(([category, count]) => el('li', {}, t('import_counts', { category, count }))),
      ),
    );
  }
  if (item.conflicts.length > 0)
    nodes.push(el('p', {}, t('import_conflicts', { count: item.conflicts.length })));
  if (!item.trusted) nodes.push(el('p', { class: 'meta' }, t('import_untrusted')));
  return nodes;
}

// ---- start ---------------------------------------------------------------

async function signOut() {
  try {
    await call('POST', '/portal/api/sign-out');
  } catch (failure) {
    if (sessionEnded(failure)) return;
  }
  document.querySelector('main').replaceChildren(el('p', { role: 'status' }, t('signed_out')));
}

async function start() {
  try {
    session = await call('GET', '/portal/api/session');
  } catch (failure) {
    byId('page-status').textContent = failure.message;
    return;
  }
  byId('session-ends').textContent = t('session_ends', {
    time: new Date(session.expires_at).toLocaleTimeString(session.messages.lang, {
      timeStyle: 'short',
    }),
  });
  for (const radio of document.querySelectorAll('input[name="purpose"]')) {
    radio.addEventListener('change', () => showFormatsFor(selectedPurpose()));
  }
  showFormatsFor(selectedPurpose());
  byId('request-form').addEventListener('submit', requestExport);
  byId('import-form').addEventListener('submit', runImport);
  byId('sign-out').addEventListener('click', signOut);
  document.body.setAttribute('data-ready', 'true');
  await loadExports();
}

if (typeof window !== 'undefined') {
  document.addEventListener('DOMContentLoaded', () => void start());
}
