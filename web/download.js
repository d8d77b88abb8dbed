// download.js - "下载Excel" and "下载CSV" for the tables the server can write
// itself: the reports (预算执行情况表, 余额表, 明细账, 审计发现, 考核) come
// from their own endpoints with the filters the page shows (?format=xlsx|csv),
// the plain lists from /api/v1/export/{kind}. The file is the server's, with
// its title block, units and Chinese headings (docs/exchange.md "Reports"),
// so what is downloaded is what the CLI writes. Headings follow the page's
// language.

import { apiFile } from './api.js';
import { el, showError } from './ui.js';
import { t, lang } from './i18n.js';

function save(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * A button that downloads what request() names: {path, params}, read at click
 * time so the current filters go with it. format: 'xlsx' or 'csv'.
 */
export function fileButton(format, request, testid) {
  const label = t(format === 'xlsx' ? 'dl.excel' : 'csv.download');
  const btn = el('button', { type: 'button', class: 'btn small file-download', testid, text: label, title: t(format === 'xlsx' ? 'dl.excel.title' : 'dl.csv.title') });
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      const { path, params } = request();
      const headers = lang() === 'en' ? 'en' : 'zh';
      const got = await apiFile(path, Object.assign({}, params, { format, headers }));
      save(got.blob, got.filename);
    } catch (err) {
      showError(err);
    } finally {
      btn.disabled = false;
    }
  });
  return btn;
}

/** 下载Excel and 下载CSV side by side, for one report. */
export function reportButtons(request, testid) {
  return el('span', { class: 'downloads' }, fileButton('xlsx', request, testid + '-xlsx'), fileButton('csv', request, testid + '-csv'));
}
