// ui.js - small DOM helpers shared by the portal and the officers' app.
//
// Everything is built with createElement and textContent, never innerHTML with
// data in it: names and memos come from CSV files anyone may have typed, and
// the page runs under a CSP that forbids inline scripts and styles.

import { t, enumLabel } from './i18n.js';
import { formatRate, rateNumber, tableUnit, formatIn, toFen } from './format.js';

/**
 * el('td', {class: 'num', testid: 'x', text: '1.00', on: {click: fn}}, child, …)
 * Attributes other than these are set with setAttribute; false/null skips one.
 */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k === 'testid') node.dataset.testid = v;
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k === 'value') node.value = v;
    else if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, String(v));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function loading() {
  return el('p', { class: 'muted loading', text: t('common.loading') });
}

/**
 * A table. columns: [{label, render(row) → node|string, num: bool, class,
 * sortValue(row) → number|bigint|string}]; opts.rowTestid(row) names each row;
 * opts.footer is an optional row of cells; opts.unit (from moneyUnit) names the
 * table's one money unit in a line above it (金额单位：万元). Every column sorts on a click of its
 * header (opts.sortable === false turns that off).
 */
export function table(columns, rows, opts = {}) {
  const body = rows.map((row) =>
    el(
      'tr',
      { testid: opts.rowTestid ? opts.rowTestid(row) : null, class: opts.rowClass ? opts.rowClass(row) : null },
      columns.map((c) => el('td', { class: cellClass(c), testid: c.testid ? c.testid(row) : null, 'data-label': cellLabel(c) }, c.render(row)))
    )
  );
  const tbody = el('tbody', {}, body);
  const sortable = opts.sortable !== false && rows.length > 1;
  const heads = columns.map((c) => el('th', { class: cellClass(c), scope: 'col', title: c.title }, sortable ? sortButton(c.label) : c.label));
  if (sortable) bindSorting(heads, columns, rows, body, tbody);
  const foot = opts.footer ? el('tfoot', {}, el('tr', {}, opts.footer.map((cell, i) => el('td', { class: cellClass(columns[i]), 'data-label': cellLabel(columns[i]) }, cell)))) : null;
  // The unit line sits above the table inside its scrolling box, as wide as the
  // box, so that it stays in sight at the top right when a wide table scrolls.
  const unitId = opts.unit ? 'unit-' + ++unitLines : null;
  const unitLine = opts.unit ? el('p', { class: 'table-unit', id: unitId, testid: opts.testid ? opts.testid + '-unit' : null, text: opts.unit.caption }) : null;
  const tableEl = el('table', { class: 'data' + (opts.compact ? ' compact' : ''), testid: opts.testid, 'aria-describedby': unitId }, el('thead', {}, el('tr', {}, heads)), tbody, foot);
  if (!rows.length && opts.empty !== false) {
    return el('div', { class: 'table-wrap', 'data-unit': unitId ? opts.unit.unit : null }, unitLine, tableEl, el('p', { class: 'muted empty', text: opts.emptyText || t('common.none') }));
  }
  // data-unit tells a printed report's title block (print.js) the unit its table is in
  return el('div', { class: 'table-wrap', 'data-unit': unitId ? opts.unit.unit : null }, unitLine, tableEl);
}

let unitLines = 0; // ids for the unit lines tables point to (aria-describedby)

/**
 * The one money unit for a table holding these amounts (API strings): {unit,
 * format(amount) → "3,885.00", caption "金额单位：万元"}. Every amount column of
 * the table and its total row use format, so no column mixes 亿元 and 万元.
 */
export function moneyUnit(amounts) {
  const unit = tableUnit(amounts);
  return { unit, format: (a) => formatIn(a, unit), caption: t('fig.unit', { unit: t('fig.unit.' + unit) }) };
}

// --- sorting -------------------------------------------------------------------

function sortButton(label) {
  return el('button', { type: 'button', class: 'sort' }, label);
}

/** What a cell sorts by: the column's sortValue, else its text: amounts exactly
 *  (BigInt fen), other numbers and percentages as numbers, the rest as text. */
function sortKey(column, row, cell) {
  if (column.sortValue) return column.sortValue(row);
  const text = cell.textContent.trim().replace(/\s*(万元|亿元|元|%)$/, '');
  if (/^-?[\d,]+\.\d{2}$/.test(text)) return toFen(text.replace(/,/g, ''));
  if (/^-?[\d,]+(\.\d+)?$/.test(text)) return Number(text.replace(/,/g, ''));
  return text === '—' || text === '-' || text === '' ? null : text;
}

const collator = new Intl.Collator('zh-CN', { numeric: true });

/** Compares two keys; empty ones ("—") last whatever the direction. */
function compareKeys(a, b) {
  if (typeof a === 'string' || typeof b === 'string') return collator.compare(String(a), String(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

function bindSorting(heads, columns, rows, trs, tbody) {
  heads.forEach((th, i) => {
    th.setAttribute('aria-sort', 'none');
    th.querySelector('button.sort').addEventListener('click', () => {
      const dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
      for (const h of heads) h.setAttribute('aria-sort', 'none');
      th.setAttribute('aria-sort', dir);
      const keyed = trs.map((tr, k) => ({ tr, k, key: sortKey(columns[i], rows[k], tr.children[i]) }));
      keyed.sort((x, y) => {
        if (x.key === null || y.key === null) return (x.key === null) - (y.key === null) || x.k - y.k;
        const c = compareKeys(x.key, y.key);
        return (dir === 'ascending' ? c : -c) || x.k - y.k;
      });
      tbody.append(...keyed.map((x) => x.tr));
    });
  });
}

/** A cell's column name, which style.css shows beside the value when a table is stacked as cards on a phone. */
function cellLabel(c) {
  return c && typeof c.label === 'string' ? c.label : null;
}

function cellClass(c) {
  if (!c) return null;
  return [c.num ? 'num' : '', c.class || ''].join(' ').trim() || null;
}

/** An execution bar: width from the rate (capped at 100 %), the number beside it. */
export function rateBar(rate) {
  const n = rateNumber(rate);
  const fill = el('span', { class: 'bar-fill' + (n !== null && n > 100 ? ' over' : '') });
  // CSSOM styles are allowed under CSP style-src 'self'; style attributes are not.
  fill.style.width = (n === null ? 0 : Math.min(n, 100)) + '%';
  return el('span', { class: 'rate' }, el('span', { class: 'bar', role: 'presentation' }, fill), el('span', { class: 'rate-num', text: formatRate(rate) }));
}

/** Pager for {total, limit, offset}; onPage(newOffset) is called on a click. */
export function pager(total, limit, offset, onPage) {
  if (!total) return null;
  const to = Math.min(offset + limit, total);
  return el(
    'div',
    { class: 'pager' },
    el('button', { type: 'button', class: 'btn small', disabled: offset <= 0, on: { click: () => onPage(Math.max(0, offset - limit)) } }, t('common.prev')),
    el('span', { class: 'muted', text: t('common.page', { from: offset + 1, to, total }) }),
    el('button', { type: 'button', class: 'btn small', disabled: to >= total, on: { click: () => onPage(offset + limit) } }, t('common.next'))
  );
}

// --- the error alert and the success notice -----------------------------------

function banner(testid) {
  return document.querySelector('[data-testid="' + testid + '"]');
}

/**
 * Shows an API error (or any Error) in the page's one alert: the server's
 * message, already in the page's language, and the field it names by its
 * label. The code and status stay out of sight (data-code, data-status) for
 * whoever supports the user; an error the sign-in form already answers is not
 * shown again.
 */
export function showError(err) {
  const box = banner('alert');
  if (!box) throw err;
  if (err && err.handled) return;
  const msg = box.querySelector('.alert-message');
  const detail = box.querySelector('.alert-detail');
  msg.textContent = (err && err.message) || String(err);
  const field = err && err.field ? String(err.field).replace(/^\[\d+\]\./, '') : '';
  detail.textContent = field ? t('err.field', { name: enumLabel('fields', field) }) : '';
  box.dataset.code = (err && err.code) || '';
  box.dataset.status = (err && err.status) || '';
  box.hidden = false;
  hideNotice();
  // A thrown Error that is not the server's answer is a bug of ours: keep its stack in the console.
  if (err instanceof Error && err.name !== 'ApiError') console.error(err);
}

export function hideError() {
  const box = banner('alert');
  if (box) box.hidden = true;
}

export function showNotice(text) {
  const box = banner('notice');
  if (!box) return;
  box.querySelector('.notice-message').textContent = text;
  box.hidden = false;
}

export function hideNotice() {
  const box = banner('notice');
  if (box) box.hidden = true;
}

/** Wires the dismiss buttons of the alert and the notice. */
export function bindBanners() {
  for (const id of ['alert', 'notice']) {
    const box = banner(id);
    if (!box) continue;
    const btn = box.querySelector('.banner-close');
    btn.addEventListener('click', () => (box.hidden = true));
  }
}

/** Runs an async action and routes its failure to the alert, so no error is swallowed. */
export async function guarded(fn) {
  try {
    return await fn();
  } catch (err) {
    showError(err);
    return undefined;
  }
}

/** Marks the input a server error names (field "amount" → the form's amount input). */
export function markField(form, err) {
  const name = err && err.field ? String(err.field).replace(/^\[\d+\]\./, '') : null;
  const input = name && form.elements[name];
  if (input && input.classList) input.classList.add('invalid');
}

/** A <select> of options [{value, label}] with an optional leading "all" option. */
export function select(attrs, options, selected, allLabel) {
  const opts = allLabel !== undefined ? [{ value: '', label: allLabel }].concat(options) : options;
  return el(
    'select',
    attrs,
    opts.map((o) => el('option', { value: o.value, selected: o.value === selected }, o.label))
  );
}

/** A labelled form field: <label><span>text</span>control<small>hint</small></label>. */
export function field(label, control, hint) {
  return el('label', { class: 'field' }, el('span', { class: 'field-label', text: label }), control, hint ? el('small', { class: 'hint' }, hint) : null);
}

/** A key–value list (dl) from [[label, value], …], skipping empty values. */
export function facts(pairs) {
  return el(
    'dl',
    { class: 'facts' },
    pairs.filter((p) => p[1] !== null && p[1] !== undefined && p[1] !== '').map(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)])
  );
}

let pickers = 0; // ids joining a file picker's button to its hidden input

/**
 * A file field in the page's language: the browser's own file input says "Choose
 * File / No file chosen" in the browser's language, so it sits hidden behind a
 * button (a label for it) and the chosen file's name.  Returns {field, input}.
 */
export function filePicker({ label, name, accept, testid, choose, none, hint }) {
  const id = 'file-picker-' + ++pickers;
  const input = el('input', { type: 'file', name, accept, testid, id });
  const chosen = el('span', { class: 'muted small', testid: testid + '-name', text: none });
  input.addEventListener('change', () => (chosen.textContent = input.files.length ? input.files[0].name : none));
  const button = el('label', { class: 'btn small', for: id, text: choose });
  // a div, not field()'s label: the button is itself a label, and labels do not nest
  const picker = el('div', { class: 'file-picker' }, input, button, ' ', chosen);
  return { input, field: el('div', { class: 'field' }, el('span', { class: 'field-label', text: label }), picker, hint ? el('small', { class: 'hint' }, hint) : null) };
}
