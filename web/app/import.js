// import.js - 导入导出: send a CSV or Excel (.xlsx) file to POST
// /api/v1/import/KIND and show every refused row (with its cell, Sheet1!H7, for
// a workbook); links to every export.  A CSV's encoding is detected by the
// server unless the officer picks one (自动识别 / UTF-8 / GB18030); when it was
// detected as GB18030 the result says so.  An assessor imports only the
// assessment's manual scores (scores.csv), which the assessment view offers too.
//
// The file goes up as the bytes on disk (not decoded and re-encoded here), so
// what the server checks is exactly what the officer chose.

import { api, apiUrl } from '../api.js';
import { el, clear, table, select, field, facts, showError, showNotice, filePicker } from '../ui.js';
import { t, paren, enumLabel } from '../i18n.js';
import { currentUser, isReadOnly, invalidateAccounts } from './session.js';

const IMPORT_KINDS = ['projects', 'milestones', 'exchanges', 'orgs', 'pairings', 'accounts', 'transfers'];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const EXPORT_KINDS = ['pairings', 'orgs', 'projects', 'milestones', 'exchanges', 'accounts', 'transfers', 'regions'];

/** A column by its label, with the name the file's header uses: 预算 (budget). */
function columnName(column) {
  const label = enumLabel('fields', column);
  return label === column ? column : label + paren(column);
}

function errorTable(errors) {
  return el(
    'section',
    { class: 'card', testid: 'import-errors' },
    el('h3', { text: t('imp.errors_title') + paren(errors.length) }),
    table(
      [
        { label: t('imp.line'), num: true, render: (e) => String(e.line) },
        ...(errors.some((e) => e.cell) ? [{ label: t('xin.cell'), render: (e) => e.cell || '—' }] : []),
        { label: t('imp.column'), render: (e) => (e.column ? columnName(e.column) : '—') },
        { label: t('imp.message'), render: (e) => e.message },
      ],
      errors,
      { compact: true, rowTestid: (e) => 'import-error-' + e.line }
    )
  );
}

function resultFacts(res) {
  return el(
    'section',
    { class: 'card', testid: 'import-result' },
    // how the file was read, when the server had to guess (a GB18030 CSV)
    res.note ? el('p', { class: 'import-note', testid: 'import-note', text: res.note }) : null,
    facts([
      ...(res.sheet ? [[t('xin.sheet'), res.sheet]] : []),
      [t('imp.rows'), String(res.rows)],
      [t('imp.created'), String(res.created)],
      [t('imp.updated'), String(res.updated)],
      [t('imp.unchanged'), String(res.unchanged)],
    ])
  );
}

async function upload(form, out) {
  const file = form.elements.file.files[0];
  const kind = form.elements.kind.value;
  const encoding = form.elements.encoding.value;
  const isXlsx = /\.xlsx$/i.test(file ? file.name : '');
  clear(out);
  if (!file) {
    showError({ message: t('xin.choose_file'), field: 'file' });
    return;
  }
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  // a year of a city's transfers is tens of MB: show the upload, then the checking
  const bar = el('progress', { max: '100', value: '0', testid: 'import-progress' });
  const note = el('span', { class: 'muted', text: t('imp.uploading', { pct: 0 }) });
  out.append(el('p', { class: 'progress-line' }, bar, ' ', note));
  const onProgress = (sent, total) => {
    const pct = Math.floor((100 * sent) / Math.max(total, 1));
    bar.value = pct;
    note.textContent = pct < 100 ? t('imp.uploading', { pct }) : t('imp.checking');
  };
  try {
    const query = encoding && !isXlsx ? '?encoding=' + encodeURIComponent(encoding) : '';
    const contentType = isXlsx ? XLSX_TYPE : 'text/csv';
    const res = await api('/import/' + encodeURIComponent(kind) + query, { method: 'POST', body: file, contentType, onProgress });
    clear(out);
    if (kind === 'accounts' || kind === 'transfers') invalidateAccounts();
    showNotice(t('imp.done', res));
    out.append(resultFacts(res));
  } catch (err) {
    clear(out);
    showError(err);
    if (err.errors && err.errors.length) out.append(errorTable(err.errors));
  } finally {
    button.disabled = false;
  }
}

/** The kinds a user may import: the assessors only their scores; admins everything. */
function importKinds(me) {
  if (me && me.role === 'assessor') return ['scores'];
  if (me && me.role === 'admin') return IMPORT_KINDS.concat(['scores']);
  return isReadOnly() ? [] : IMPORT_KINDS;
}

/** The import form; the assessment view shows it too, for manual scores. */
export function importForm(kindList = importKinds(currentUser()), selected = kindList[0]) {
  const out = el('div', { testid: 'import-output' });
  const kinds = kindList.map((k) => ({ value: k, label: t('imp.kind.' + k) + ' (' + k + '.csv / .xlsx)' }));
  const encodings = [
    { value: '', label: t('xin.enc_auto') },
    { value: 'utf-8', label: 'UTF-8' },
    { value: 'gb18030', label: 'GB18030' },
  ];
  const form = el(
    'form',
    { class: 'card', testid: 'import-form' },
    el('h3', { text: t('xin.title') }),
    el('p', { class: 'muted small', text: t('imp.lead') }),
    el(
      'div',
      { class: 'inline-form' },
      field(t('imp.kind'), select({ name: 'kind', testid: 'import-kind' }, kinds, selected)),
      filePicker({ label: t('xin.file'), name: 'file', accept: '.csv,.xlsx,text/csv,' + XLSX_TYPE, testid: 'import-file', choose: t('imp.pick_file'), none: t('imp.no_file') }).field,
      field(t('xin.encoding'), select({ name: 'encoding', testid: 'import-encoding' }, encodings, '')),
      el('button', { type: 'submit', class: 'btn primary', testid: 'import-submit', text: t('imp.submit') })
    )
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    upload(form, out);
  });
  form.append(templateLinks(form.elements.kind));
  return el('div', {}, form, out);
}

/** 下载模板: the selected kind's headings and one example row, to fill in and import. */
function templateLinks(kindSelect) {
  const link = (format, text) => el('a', { class: 'btn small', download: '', testid: 'template-' + format, text });
  const xlsx = link('xlsx', t('tpl.xlsx'));
  const csv = link('csv', t('tpl.csv'));
  const follow = () => {
    const kind = encodeURIComponent(kindSelect.value);
    xlsx.href = apiUrl('/templates/' + kind, { format: 'xlsx' });
    csv.href = apiUrl('/templates/' + kind, { format: 'csv' });
  };
  kindSelect.addEventListener('change', follow);
  follow();
  return el('p', { class: 'muted small template-links', testid: 'import-templates' }, el('span', { text: t('tpl.label') }), ' ', xlsx, ' ', csv);
}

function exportLinks() {
  const link = (kind, format) => el('a', { class: 'btn small', href: apiUrl('/export/' + kind, { format }), download: kind + '.' + format, testid: 'export-' + kind + '-' + format, text: format.toUpperCase() });
  return el(
    'section',
    { testid: 'exports' },
    el('h3', { text: t('exp.title') }),
    el('p', { class: 'muted small', text: t('exp.lead') }),
    el('div', { class: 'export-grid' }, EXPORT_KINDS.map((k) => el('div', { class: 'export-item' }, el('span', { text: t('imp.kind.' + k) }), el('span', { class: 'links' }, link(k, 'xlsx'), link(k, 'csv'), link(k, 'json')))))
  );
}

export async function render(root) {
  root.append(el('h1', { text: t('nav.import') }));
  if (importKinds(currentUser()).length) root.append(importForm());
  root.append(exportLinks());
}
