// print.js - report pages as a finance office prints them: a title block
// (report name, 制表单位, 统计截止日期, 金额单位) above the figures, a signature
// block (制表人 / 审核人 / 负责人) below them, page numbers from style.css's
// @page rules, and an "导出PDF" button that prints with the print stylesheet.
//
// Both blocks are in the page all the time and shown only in print, so what is
// printed is exactly what the button's page holds; the browser's own print
// command (Ctrl+P) prints the same thing. The document's title becomes the
// suggested PDF file name while printing ("预算执行情况表_按县区_2026-12-04").

import { el } from './ui.js';
import { t, colon } from './i18n.js';
import { today } from './format.js';

// The server's day (GET /healthz `today`; $PAIRAID_TODAY in tests): 统计截止日期 is the day
// of the books, not of the reader's clock. Until it is known, the browser's day stands in.
let serverDay = null;
fetch('/healthz')
  .then((res) => (res.ok ? res.json() : null))
  .then((h) => {
    if (h && /^\d{4}-\d{2}-\d{2}$/.test(h.today)) serverDay = h.today;
  })
  .catch(() => {}); // offline or an old server: the browser's day

function asOf(report) {
  return report.asOf || serverDay || today();
}

/**
 * A report: {name, unit: 'yuan'|'wan'|'points', org, signer}. `name` is the
 * printed title, `org` the 制表单位, `signer` fills 制表人 (left blank for a
 * hand signature when empty).
 */
export function printHead(report) {
  const unitLabel = report.unit === 'points' ? t('layout.print.score_unit') : t('layout.print.money_unit');
  const item = (label, value, testid) => el('span', { class: 'print-meta-item', testid }, label + colon(), el('strong', { text: value || '' }));
  return el(
    'div',
    { class: 'print-head', testid: 'print-head' },
    el('p', { class: 'print-report', testid: 'print-report', text: report.name }),
    el(
      'div',
      { class: 'print-meta' },
      item(t('layout.print.unit_org'), report.org, 'print-org'),
      item(t('layout.print.as_of'), asOf(report), 'print-as-of'),
      item(unitLabel, t('layout.unit.' + (report.unit || 'yuan')), 'print-unit')
    )
  );
}

/** 制表人： 审核人： 负责人： with room to sign, and the date. */
export function signBlock(report) {
  const line = (label, value) => el('span', { class: 'print-sign-item' }, label + colon(), el('span', { class: 'print-sign-line', text: value || '' }));
  return el(
    'div',
    { class: 'print-sign', testid: 'print-sign' },
    line(t('layout.print.preparer'), report.signer),
    line(t('layout.print.reviewer')),
    line(t('layout.print.head')),
    line(t('layout.print.sign_date'), asOf(report))
  );
}

/** A file name for the PDF: the report's name and date, without characters file systems refuse. */
export function pdfName(report) {
  return [report.name, asOf(report)].join('_').replace(/[\\/:*?"<>|（）()\s]+/g, '_').replace(/_+/g, '_').replace(/^_|_$/g, '');
}

let savedTitle = null;

/** Sets the page up for printing `report`: the document title, and `scope` (the part to print) marked. */
export function beginPrint(report, scope) {
  if (savedTitle === null) savedTitle = document.title;
  document.title = pdfName(report);
  document.body.classList.add('printing-report');
  for (const old of document.querySelectorAll('.print-scope')) old.classList.remove('print-scope');
  if (scope) scope.classList.add('print-scope');
}

/** Puts the title back once the print dialog has closed. */
export function endPrint() {
  if (savedTitle !== null) document.title = savedTitle;
  savedTitle = null;
  document.body.classList.remove('printing-report');
  for (const old of document.querySelectorAll('.print-scope')) old.classList.remove('print-scope');
}

window.addEventListener('afterprint', endPrint);

/**
 * Puts a fresh title block at the top of `scope` and a signature block at its
 * end (replacing earlier ones, e.g. in the other language). Idempotent.
 */
export function frameReport(scope, report) {
  for (const old of scope.querySelectorAll(':scope > .print-head, :scope > .print-sign')) old.remove();
  scope.prepend(printHead(report));
  scope.append(signBlock(report));
}

/**
 * The "导出PDF" button: frames `scope()` as `report()` (functions, so that the
 * figures and the language are those of the moment) and prints it.
 */
export function exportButton(report, scope, testid = 'export-pdf') {
  return el('button', {
    type: 'button',
    class: 'btn export-pdf',
    testid,
    title: t('layout.export_pdf.title'),
    text: t('layout.export_pdf'),
    dataset: { i18n: 'layout.export_pdf', i18nTitle: 'layout.export_pdf.title' }, // a language switch relabels it
    on: {
      click: () => {
        const r = report();
        const s = scope();
        frameReport(s, r);
        beginPrint(r, s);
        window.print();
      },
    },
  });
}
