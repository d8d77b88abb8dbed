// csv.js - the portal's "下载CSV": what a table shows, as a file Chinese Excel
// opens as it is.
//
// Excel reads a CSV as UTF-8 only when it starts with a byte order mark, so
// every file starts with one; lines end in CRLF and fields are quoted per RFC
// 4180. Numbers go out without thousands separators so that they stay numbers;
// a text cell that a spreadsheet would run as a formula (=, +, -, @ first) gets
// a leading apostrophe, as OWASP advises for CSV injection.

import { showError } from './ui.js';

const BOM = '\uFEFF';
const NUMBER = /^-?[0-9][0-9,]*(\.[0-9]+)?%?$/;

function cell(value) {
  let s = value === null || value === undefined ? '' : String(value);
  if (NUMBER.test(s)) s = s.replace(/,/g, '');
  else if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** The CSV text (BOM included) of a heading row and rows of cells. */
export function csvText(headings, rows) {
  return BOM + [headings].concat(rows).map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** The text of an on-screen table: its headings, body and footer rows as shown. */
export function tableRows(tableEl) {
  const textOf = (c) => c.textContent.replace(/\s+/g, ' ').trim();
  const headings = [...tableEl.querySelectorAll('thead th')].map(textOf);
  const rows = [...tableEl.querySelectorAll('tbody tr, tfoot tr')].map((tr) => [...tr.children].map(textOf));
  return { headings, rows };
}

/** Makes the browser save text as FILENAME (a download, nothing leaves the page). */
export function saveCsv(filename, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * A "下载CSV" button. source() returns (or resolves to) {headings, rows}, or a
 * table element to read; filename() names the file (called at click time, so
 * it can say which filters were applied).
 */
export function csvButton(label, filename, source, testid) {
  const btn = document.createElement('button');
  btn.type = 'button';
  btn.className = 'btn small csv-download';
  btn.textContent = label;
  if (testid) btn.dataset.testid = testid;
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      const got = await source();
      const data = got instanceof Element ? tableRows(got) : got;
      saveCsv(filename(), csvText(data.headings, data.rows));
    } catch (err) {
      showError(err);
    } finally {
      btn.disabled = false;
    }
  });
  return btn;
}
