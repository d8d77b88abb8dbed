// a11y.js - what makes both pages usable with a keyboard and a screen reader
// (issue 12, item 7): the skip link, the current entry of a menu, and a chart's
// text alternative (a summary as its accessible name, and a "数据表" button
// beside it that shows the chart's figures as a table).
//
// Both pages route on the hash (#/overview, #/projects), so the skip link must
// not change the hash: it moves the focus to the visible <main> instead.

import { el, clear, table } from './ui.js';
import { t } from './i18n.js';

/** Wires the page's .skip-link: focus (and scroll to) the <main> that is showing. */
export function bindSkipLink() {
  const link = document.querySelector('.skip-link');
  if (!link) return;
  link.addEventListener('click', (ev) => {
    // the sign-in form is a section with role="main": the page's one <main> is the view
    const mains = [...document.querySelectorAll('main, [role="main"]')];
    const main = mains.find((m) => !m.hidden && m.offsetParent !== null) || mains.find((m) => !m.hidden);
    if (!main) return;
    ev.preventDefault();
    if (!main.hasAttribute('tabindex')) main.setAttribute('tabindex', '-1');
    main.focus({ preventScroll: true });
    main.scrollIntoView({ block: 'start' });
  });
}

/** Marks the menu links for which isCurrent(link) holds: class "active" and aria-current="page". */
export function setCurrent(links, isCurrent) {
  for (const a of links) {
    const on = Boolean(isCurrent(a));
    a.classList.toggle('active', on);
    if (on) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

let tableIds = 0;

/** The chart's title: its figure's caption, else the heading of its section. */
function chartTitle(container) {
  const cap = container.closest('figure') && container.closest('figure').querySelector('figcaption');
  // a caption's first part is the title; a subtitle after it (.sub) is not part of the name
  if (cap) return (cap.firstElementChild && cap.querySelector('.sub') ? cap.firstElementChild : cap).textContent.trim();
  const section = container.closest('section, main');
  const h = section && section.querySelector('h1, h2');
  return h ? h.textContent.trim() : '';
}

/** "A 12，B 3，C 1" from the first two columns, at most `limit` rows, then "等 N 项". */
function summary(data, limit = 8) {
  const parts = data.rows.slice(0, limit).map((r) => r.slice(0, 2).join(' '));
  const more = data.rows.length > limit ? t('a11y.chart.more', { n: data.rows.length }) : '';
  return parts.join(t('a11y.chart.sep')) + more;
}

/** The button beside the chart, in a bar of its own just before it (not in the
 *  caption: applyI18n rewrites a caption's text and would drop it). */
function toggleFor(container) {
  const prev = container.previousElementSibling;
  if (prev && prev.classList.contains('chart-tools')) return prev.querySelector('.chart-table-toggle');
  const button = el('button', { type: 'button', class: 'btn small chart-table-toggle', 'aria-expanded': 'false', testid: 'table-toggle-' + (container.dataset.testid || 'chart') });
  container.before(el('div', { class: 'chart-tools' }, button));
  button.addEventListener('click', () => {
    const box = document.getElementById(button.getAttribute('aria-controls'));
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    box.hidden = !open;
  });
  return button;
}

/**
 * Gives a drawn chart its text alternative. data = {columns: [{label, num}], rows: [[cell, …]]},
 * cells already formatted, the first column naming the row. Called again on every redraw
 * (new data, another language): the table and the label follow, the button keeps its state.
 */
export function describeChart(container, data) {
  const title = chartTitle(container);
  container.setAttribute('role', 'img');
  container.setAttribute('aria-label', (title ? title + t('a11y.chart.colon') : '') + (data.rows.length ? summary(data) : t('common.none')));
  const button = toggleFor(container);
  let box = button.getAttribute('aria-controls') && document.getElementById(button.getAttribute('aria-controls'));
  if (!box) {
    box = el('div', { class: 'chart-table', id: 'chart-table-' + ++tableIds, testid: 'chart-table-' + (container.dataset.testid || 'chart'), hidden: true });
    container.after(box);
    button.setAttribute('aria-controls', box.id);
  }
  button.textContent = t('a11y.chart.table');
  button.setAttribute('aria-label', (title ? title + ' · ' : '') + t('a11y.chart.table'));
  const columns = data.columns.map((c, i) => ({ label: c.label, num: c.num, render: (row) => row[i] }));
  clear(box).append(el('p', { class: 'chart-table-title', text: title + (title ? ' · ' : '') + t('a11y.chart.table') }), table(columns, data.rows, { compact: true }));
}
