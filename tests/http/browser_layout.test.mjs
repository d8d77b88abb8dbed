// browser_layout.test.mjs - the portal and the app on a phone (390x844, touch)
// and the report pages printed to PDF (docs/ui.md "Phones and print").
//
//   PAIRAID=build/pairaid PA_SOURCE_DIR=. PA_ARTEFACTS=/tmp/art node tests/http/browser_layout.test.mjs
//
// On the phone: nothing sticks out of the screen sideways unless it is inside
// something that scrolls, the portal's menu shows all its sections, the app's
// menu opens from a button, 执行率 and 批准/驳回 are on screen, and no two texts
// of a chart (legend, labels, axis names) overlap, read from echarts itself.
// In print: each report page is printed through chromium's PDF output with the
// print stylesheet and read back with pdftotext -layout: its title block
// (report, 制表单位, 统计截止日期, 金额单位), its column headings, its rows, its
// signature block (制表人 审核人 负责人) and "第 N 页 共 M 页" must be there, and
// the navigation must not. Screenshots and PDFs go to $PA_ARTEFACTS/browser-layout/.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import {
  check, equal, contains, byTestid, visible, shot, artefact, checkProblems,
  newPage, CHARTS, chartsDrawn, signIn, apiCall, tokenOf, run,
} from './browser_kit.mjs';

const PHONE = { width: 390, height: 844 };
const PHONE_OPTIONS = { isMobile: true, hasTouch: true };
const DESKTOP = { width: 1280, height: 900 };
const DONOR = 'wuxi.finance';
const RECIPIENT = 'donghai.office';
const AUDITOR = 'audit.wxlyg';
const ASSESSOR = 'province.assess';
const ASSESS_YEAR = 2024;
const state = {};

// The server's day ($PAIRAID_TODAY, read by the demo and the server this test starts) is three
// days before the browser's, so a printed 统计截止日期 shows where the page took it from.
const SERVER_TODAY = new Date(Date.now() - 3 * 86400000).toISOString().slice(0, 10);
process.env.PAIRAID_TODAY = SERVER_TODAY;

// --- what the phone checks measure ---------------------------------------------------

/**
 * Elements that reach past the left or right edge of the screen and are not
 * inside a box that scrolls or clips sideways (such a box must itself fit).
 */
async function overflowing(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const clips = (node) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(node).overflowX);
    const bad = [];
    if (document.documentElement.scrollWidth > width + 1) bad.push(`the page is ${document.documentElement.scrollWidth}px wide`);
    for (const node of document.body.querySelectorAll('*')) {
      const r = node.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.left >= -1 && r.right <= width + 1) continue;
      let p = node.parentElement;
      let contained = false;
      while (p && p !== document.body) {
        if (clips(p)) {
          const pr = p.getBoundingClientRect();
          contained = pr.left >= -1 && pr.right <= width + 1;
          break;
        }
        p = p.parentElement;
      }
      if (!contained) bad.push(`${node.tagName.toLowerCase()}.${node.className} "${(node.textContent || '').trim().slice(0, 30)}" spans ${Math.round(r.left)}..${Math.round(r.right)}`);
      if (bad.length > 8) break;
    }
    return bad;
  });
}

async function noOverflow(page, where) {
  const bad = await overflowing(page);
  check(bad.length === 0, `${where}: sticks out of the 390 px screen sideways:\n  ${bad.join('\n  ')}`);
}

/** Scrolls a locator into view and checks it lies wholly on the screen and nothing covers its middle. */
async function onScreen(locator, what) {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  check(box !== null, `${what}: not displayed`);
  const page = locator.page();
  const vp = page.viewportSize();
  check(box.x >= 0 && box.x + box.width <= vp.width + 0.5, `${what}: spans x ${Math.round(box.x)}..${Math.round(box.x + box.width)}, the screen is ${vp.width} px wide`);
  check(box.y >= 0 && box.y + box.height <= vp.height + 0.5, `${what}: spans y ${Math.round(box.y)}..${Math.round(box.y + box.height)}, the screen is ${vp.height} px high`);
  const hit = await locator.evaluate((node) => {
    const r = node.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return top === node || node.contains(top);
  });
  check(hit, `${what}: covered by another element`);
  return box;
}

/**
 * Every text echarts drew in a chart (legend entries, labels, axis labels and
 * names), with its box in the chart's pixels, read from the chart's zrender
 * display list; then the pairs that overlap and the texts cut by the edge.
 */
async function chartTextProblems(page, testid) {
  return page.evaluate((tid) => {
    const dom = document.querySelector(`[data-testid="${tid}"]`);
    const chart = window.echarts.getInstanceByDom(dom);
    if (!chart) return { count: 0, problems: ['no chart'] };
    const zr = chart.getZr();
    const boxes = [];
    for (const el of zr.storage.getDisplayList(true)) {
      if (el.type !== 'tspan' || el.invisible || el.ignore) continue; // a text is drawn as tspans
      const text = String((el.style && el.style.text) || '').trim();
      if (!text || (el.style && el.style.opacity === 0)) continue;
      const r = el.getBoundingRect().clone();
      if (el.transform) r.applyTransform(el.transform);
      if (r.width <= 0 || r.height <= 0) continue;
      boxes.push({ text, x: r.x, y: r.y, w: r.width, h: r.height });
    }
    const problems = [];
    const W = zr.getWidth();
    const H = zr.getHeight();
    const TOL = 1.5; // anti-aliasing: boxes that touch are not overlapping
    for (const b of boxes) {
      if (b.x < -TOL || b.y < -TOL || b.x + b.w > W + TOL || b.y + b.h > H + TOL) problems.push(`"${b.text}" cut by the chart's edge (${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.w)}x${Math.round(b.h)} in ${W}x${H})`);
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const dx = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
        const dy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
        if (dx > TOL && dy > TOL) problems.push(`"${a.text}" overlaps "${b.text}" (${Math.round(dx)}x${Math.round(dy)} px)`);
      }
    }
    return { count: boxes.length, problems: problems.slice(0, 10) };
  }, testid);
}

async function chartsReadable(page, ids) {
  for (const id of ids) {
    const { count, problems } = await chartTextProblems(page, id);
    check(count > 2, `${id}: only ${count} texts drawn`);
    check(problems.length === 0, `${id} at 390 px:\n  ${problems.join('\n  ')}`);
  }
}

/** A phone-sized screenshot of what is on screen now (the full-page ones are too tall to read). */
async function screen(page, name) {
  await page.screenshot({ path: artefact(name + '.png') });
}

// --- the phone steps ----------------------------------------------------------------------

async function portalOnPhone(browser, base) {
  const { context, page } = await newPage(browser, base, 'portal-phone', PHONE, PHONE_OPTIONS);
  try {
    await page.goto(base + '/');
    await visible(page, 'county-table');
    await chartsDrawn(page);
    await screen(page, 'phone-portal-top');

    // The menu: all eight sections on screen at once, none cut.
    const links = page.locator('.topnav a');
    equal(await links.count(), 8, 'portal menu entries');
    for (let i = 0; i < 8; i++) await onScreen(links.nth(i), 'portal menu entry ' + (await links.nth(i).innerText()));
    await noOverflow(page, 'portal');

    // The county table: one card per county, 执行率 on screen in each.
    const rate = page.locator('[data-testid="county-table"] tbody tr').first().locator('td[data-label="执行率"]');
    const county = await page.locator('[data-testid="county-table"] tbody tr').first().locator('td').first().innerText();
    await onScreen(rate, `执行率 of ${county}`);
    contains(await rate.innerText(), '%', '执行率 of the first county');
    const total = page.locator('[data-testid="county-table"] tfoot td[data-label="执行率"]');
    await onScreen(total, '执行率 of 合计');
    await shot(page, 'phone-portal');
    await byTestid(page, 'county-table').locator('tbody tr').first().scrollIntoViewIfNeeded();
    await screen(page, 'phone-portal-counties');

    // The charts: nothing overlaps, nothing is cut.
    await chartsReadable(page, CHARTS);
    for (const id of CHARTS) {
      await byTestid(page, id).scrollIntoViewIfNeeded();
      await byTestid(page, id).screenshot({ path: artefact('phone-' + id + '.png') });
    }

    // Turned sideways (844 px) the charts take the wide layout, and back upright the phone's again.
    const sankeyLayout = () => page.evaluate(() => {
      const dom = document.querySelector('[data-testid="chart-sankey"]');
      return { right: window.echarts.getInstanceByDom(dom).getOption().series[0].right, height: dom.offsetHeight };
    });
    const upright = await sankeyLayout();
    await page.setViewportSize({ width: 844, height: 390 });
    await page.waitForFunction(() => window.echarts.getInstanceByDom(document.querySelector('[data-testid="chart-sankey"]')).getOption().series[0].right === 110);
    equal((await sankeyLayout()).height, 560, 'the Sankey\'s height turned sideways (the stylesheet\'s)');
    await noOverflow(page, 'portal turned sideways');
    await page.setViewportSize(PHONE);
    await page.waitForFunction((r) => window.echarts.getInstanceByDom(document.querySelector('[data-testid="chart-sankey"]')).getOption().series[0].right === r, upright.right);
    equal((await sankeyLayout()).height, upright.height, 'the Sankey\'s height upright again');
    await chartsDrawn(page);
    await chartsReadable(page, CHARTS);

    // Tapping a menu entry still leads to its section.
    await page.locator('.topnav a[href="#/ledger"]').tap();
    await page.waitForFunction(() => Math.abs(document.getElementById('ledger').getBoundingClientRect().top) < 40);
    await screen(page, 'phone-portal-ledger');

    // A project page.
    const first = page.locator('[data-testid="project-list"] tbody tr a').first();
    await first.scrollIntoViewIfNeeded();
    await first.tap();
    await page.locator('#project-page h2').first().waitFor();
    await noOverflow(page, 'project page');
    await shot(page, 'phone-portal-project');
    checkProblems();
  } finally {
    await context.close();
  }
}

/** A live request from 东海县 for the donor to decide, made through the API: its school dormitory pays its builder. */
async function makeRequest(base) {
  const token = await tokenOf(base, RECIPIENT);
  const id = 'REQ-LAYOUT-' + Date.now().toString(36).toUpperCase();
  const body = { id, kind: 'pending', date: SERVER_TODAY, from: 'PRJ-LYG-MS-052', to: 'PAY-SYN-BUILD-DH', amount: '1000.00', project: 'LYG-MS-052', memo: '手机审批测试' };
  await apiCall(base, 'POST', '/api/v1/transfers', body, token);
  return id;
}

async function appOnPhone(browser, base) {
  const id = await makeRequest(base);
  const { context, page } = await newPage(browser, base, 'app-phone', PHONE, PHONE_OPTIONS);
  try {
    await signIn(page, base, DONOR);
    await noOverflow(page, 'dashboard');
    await screen(page, 'phone-app-dashboard');

    // The menu folds behind a button; opened, all ten views are on screen.
    const toggle = byTestid(page, 'nav-toggle');
    await onScreen(toggle, 'the menu button');
    check(!(await page.locator('#nav').isVisible()), 'the menu is folded away at 390 px');
    equal(await toggle.getAttribute('aria-expanded'), 'false', 'menu button aria-expanded (closed)');
    await toggle.tap();
    equal(await toggle.getAttribute('aria-expanded'), 'true', 'menu button aria-expanded (open)');
    const links = page.locator('#nav a');
    equal(await links.count(), 10, 'app menu entries');
    for (let i = 0; i < 10; i++) await onScreen(links.nth(i), 'app menu entry ' + (await links.nth(i).innerText()));
    await screen(page, 'phone-app-menu');
    await byTestid(page, 'nav-transfers').tap();
    check(!(await page.locator('#nav').isVisible()), 'choosing a view folds the menu again');

    // 批准 and 驳回 of the new request: on screen, not covered, enabled.
    await visible(page, 'pending-row-' + id);
    const approve = byTestid(page, 'approve-' + id);
    const reject = byTestid(page, 'reject-' + id);
    await onScreen(approve, '批准 of ' + id);
    await onScreen(reject, '驳回 of ' + id);
    check(await approve.isEnabled(), '批准 is enabled for the donor');
    check(await reject.isEnabled(), '驳回 is enabled for the donor');
    contains(await byTestid(page, 'pending-row-' + id).innerText(), '1,000.00', 'the request card shows its amount');
    await noOverflow(page, 'transfers');
    await screen(page, 'phone-app-approve');
    await shot(page, 'phone-app-transfers');

    // Every other view: nothing sticks out sideways; a wide table says it scrolls.
    for (const view of ['dashboard', 'projects', 'accounts', 'budget', 'audit', 'measures', 'assessment', 'import', 'log']) {
      await page.goto(base + '/app/#/' + view);
      await visible(page, 'view-' + view);
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(150); // one frame for the scroll hints
      await noOverflow(page, 'app view ' + view);
      await screen(page, 'phone-app-' + view); // the screen only: the card lists run to thousands of pixels
    }
    await page.goto(base + '/app/#/budget');
    await visible(page, 'budget-table');
    const rate = page.locator('[data-testid="budget-table"] tbody tr').first().locator('td[data-label="执行率"]');
    await onScreen(rate, '执行率 in the budget table');
    await screen(page, 'phone-app-budget-cards');

    // A statement (ten columns) scrolls in its frame, with the hint above it.
    await page.goto(base + '/app/#/accounts/PRJ-LYG-MS-052');
    await visible(page, 'statement-table');
    await page.locator('.scroll-hint').first().waitFor();
    contains(await page.locator('.scroll-hint').first().innerText(), '左右滑动', 'the scroll hint');
    await noOverflow(page, 'statement');
    const sticky = await page.locator('[data-testid="statement-table"] tbody td').first().evaluate((td) => getComputedStyle(td).position);
    equal(sticky, 'sticky', 'the first column of a scrolling table stays in place');
    await screen(page, 'phone-app-statement');
    checkProblems();
  } finally {
    await context.close();
  }
}

// --- printing -----------------------------------------------------------------------------

/** The column headings and the first row's first two cells of the first table under `selector`. */
async function firstTable(page, selector) {
  const table = page.locator(selector + ' table').first();
  const heads = (await table.locator('thead th').allInnerTexts()).map((h) => h.trim());
  const cells = (await table.locator('tbody tr').first().locator('td').allInnerTexts()).map((c) => c.trim().split('\n')[0]);
  return { heads, first: cells.slice(0, 2).filter(Boolean) };
}

/** Lets "导出PDF" run without a print dialog: window.print only records that it was called. */
async function stubPrint(page) {
  await page.evaluate(() => {
    window.__printed = 0;
    window.print = () => {
      window.__printed++;
    };
  });
}

function pdfText(file) {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

function pdfPages(file) {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  return Number(/Pages:\s+(\d+)/.exec(info)[1]);
}

/** The first page as a PNG, to look at. */
function pdfPicture(file, name) {
  execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', '-singlefile', file, artefact(name)]);
}

/**
 * Clicks the report's 导出PDF, checks the document is named for the PDF,
 * prints the page to PDF with the print stylesheet, and checks its text.
 */
async function printReport(page, { button, file, title, unit, org, headings, rows, signer = '' }) {
  await stubPrint(page);
  await byTestid(page, button).click();
  equal(await page.evaluate(() => window.__printed), 1, `${file}: 导出PDF calls window.print once`);
  const docTitle = await page.title();
  check(docTitle.startsWith(title.replace(/[（）：\s]+/g, '_').replace(/_+$/, '')), `${file}: the document (and so the PDF) is named for the report: ${docTitle}`);
  check(docTitle.endsWith('_' + SERVER_TODAY), `${file}: the PDF's name ends with the server's day ${SERVER_TODAY}: ${docTitle}`);
  const path = artefact(file + '.pdf');
  await page.pdf({ path, preferCSSPageSize: true, printBackground: true });
  const text = pdfText(path);
  fs.writeFileSync(artefact(file + '.txt'), text);
  const flat = text.replace(/[ \t]+/g, ' ');
  const pages = pdfPages(path);
  contains(flat, title, `${file}: the report's title`);
  contains(flat, '制表单位：' + org, `${file}: 制表单位`);
  contains(flat, '统计截止日期：' + SERVER_TODAY, `${file}: 统计截止日期 is the server's day`);
  contains(flat, unit, `${file}: 金额单位/计分单位`);
  for (const h of headings) contains(flat, h, `${file}: column heading`);
  for (const r of rows) contains(flat, r, `${file}: row`);
  check(new RegExp('制表人：\\s*' + signer).test(flat), `${file}: 制表人 ${signer}`);
  contains(flat, '审核人：', `${file}: 审核人`);
  contains(flat, '负责人：', `${file}: 负责人`);
  // (pdftotext drops the spaces around the figures: "第1页共2页")
  for (let n = 1; n <= pages; n++) check(new RegExp(`第\\s*${n}\\s*页\\s*共\\s*${pages}\\s*页`).test(flat), `${file}: page number "第 ${n} 页 共 ${pages} 页"`);
  for (const nav of ['工作人员登录', '退出登录', '导入导出', '可信账本', '导出PDF']) check(!flat.includes(nav), `${file}: the navigation and buttons are not printed ("${nav}" is)`);
  // The headings stand on one line: the table has the page's width, not the sidebar's.
  const lines = text.split('\n');
  const score = (l) => headings.filter((h) => l.includes(h)).length;
  const headLine = lines.reduce((best, l) => (score(l) > score(best) ? l : best), '');
  for (const h of headings) check(headLine.includes(h), `${file}: "${h}" is on the heading line "${headLine}"`);
  pdfPicture(path, file);
  return { text, pages };
}

async function printAppReports(browser, base) {
  // Findings to print: the auditor runs the audit; a published assessment to print.
  await apiCall(base, 'POST', '/api/v1/audit/run', { as_of: SERVER_TODAY }, await tokenOf(base, AUDITOR));
  await apiCall(base, 'POST', '/api/v1/assessment/run', { year: ASSESS_YEAR }, await tokenOf(base, ASSESSOR));

  const { context, page } = await newPage(browser, base, 'print-donor', DESKTOP);
  try {
    await signIn(page, base, DONOR);
    const org = '无锡市（帮扶方资金经办）';

    // 预算执行, by county: the page the issue printed as two squeezed columns.
    await page.goto(base + '/app/#/budget/county');
    await visible(page, 'budget-table');
    await visible(page, 'export-pdf');
    const heads = (await page.locator('[data-testid="budget-table"] thead th').allInnerTexts()).map((h) => h.trim());
    const budget = await printReport(page, { button: 'export-pdf', file: 'print-budget', title: '预算执行情况表（按县区）', unit: '金额单位：元', org, headings: heads, rows: ['东海县', '赣榆区', '合计'], signer: DONOR });
    state.budgetPages = budget.pages;
    await page.emulateMedia({ media: 'print' });
    await shot(page, 'print-budget-media');
    await page.emulateMedia({ media: null }); // (page.pdf would print with 'screen' media otherwise)

    // 账户: the balances.
    await page.goto(base + '/app/#/accounts');
    await visible(page, 'account-table');
    await visible(page, 'export-pdf');
    const aheads = (await page.locator('[data-testid="account-table"] thead th').allInnerTexts()).map((h) => h.trim());
    await printReport(page, { button: 'export-pdf', file: 'print-balances', title: '资金账户余额表', unit: '金额单位：元', org, headings: aheads, rows: ['PRJ-LYG-MS-052'], signer: DONOR });

    // One account's 明细账.
    await page.goto(base + '/app/#/accounts/PRJ-LYG-MS-052');
    await visible(page, 'statement-table');
    await visible(page, 'export-pdf');
    const sheads = (await page.locator('[data-testid="statement-table"] thead th').allInnerTexts()).map((h) => h.trim());
    await printReport(page, { button: 'export-pdf', file: 'print-statement', title: '账户明细账', unit: '金额单位：元', org, headings: sheads, rows: ['PRJ-LYG-MS-052'], signer: DONOR });
    await page.emulateMedia({ media: null }); // (page.pdf would print with 'screen' media otherwise)
    await shot(page, 'desktop-statement-with-button');
    checkProblems();
  } finally {
    await context.close();
  }

  const auditor = await newPage(browser, base, 'print-auditor', DESKTOP);
  try {
    const p = auditor.page;
    await signIn(p, base, AUDITOR);
    await p.goto(base + '/app/#/audit');
    await visible(p, 'finding-table');
    await visible(p, 'export-pdf');
    const fheads = (await p.locator('[data-testid="finding-table"] thead th').allInnerTexts()).map((h) => h.trim());
    check((await p.locator('[data-testid="finding-table"] tbody tr').count()) > 0, 'the audit found something to print');
    const firstId = (await p.locator('[data-testid="finding-table"] tbody tr td').first().innerText()).trim();
    await printReport(p, { button: 'export-pdf', file: 'print-findings', title: '审计发现问题清单', unit: '金额单位：元', org: '联合审计组', headings: fheads.slice(0, 6), rows: [firstId], signer: AUDITOR });
    checkProblems();
  } finally {
    await auditor.context.close();
  }

  const officer = await newPage(browser, base, 'print-assessment', DESKTOP);
  try {
    const p = officer.page;
    await signIn(p, base, ASSESSOR);
    await p.goto(base + '/app/#/assessment');
    await visible(p, 'export-pdf');
    await p.waitForLoadState('networkidle');
    await visible(p, 'assessment-published');
    const ranking = await firstTable(p, '[data-testid="assessment-published"]');
    const printed = await printReport(p, { button: 'export-pdf', file: 'print-assessment-app', title: '年度考核结果', unit: '计分单位：分', org: '考核办', headings: ranking.heads, rows: ranking.first, signer: ASSESSOR });
    // The assessor's workbench (schemes, comparison) is not part of the printed ranking.
    check(!printed.text.includes('试算比较'), 'the printed assessment holds the published ranking only');
    checkProblems();
  } finally {
    await officer.context.close();
  }
}

async function printPortalReports(browser, base) {
  const { context, page } = await newPage(browser, base, 'print-portal', DESKTOP);
  try {
    await page.goto(base + '/');
    await visible(page, 'county-table');
    await chartsDrawn(page);
    const org = (await page.locator('#pairing-name').innerText()).trim();

    const heads = (await page.locator('[data-testid="county-table"] thead th').allInnerTexts()).map((h) => h.trim());
    await printReport(page, { button: 'export-pdf-counties', file: 'print-portal-counties', title: '分县区资金执行情况表', unit: '金额单位：万元', org, headings: heads, rows: ['东海县', '合计'] });
    // Only the counties are printed: the other sections are not.
    const counties = fs.readFileSync(artefact('print-portal-counties.txt'), 'utf8');
    check(!counties.includes('定格时刻') && !counties.includes('项目库'), 'the counties report holds the counties only');

    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    await printReport(page, { button: 'export-pdf-overview', file: 'print-portal-overview', title: '结对帮扶资金与项目概况', unit: '金额单位：亿元、万元', org, headings: ['已安排资金', '已拨付项目'], rows: [] });

    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    await visible(page, 'audit-county-table');
    await printReport(page, { button: 'export-pdf-audit', file: 'print-portal-audit', title: '联合审计问题汇总表', unit: '金额单位：万元', org, headings: ['县区', '问题数'], rows: ['合计'] });

    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    await page.locator('[data-testid="assessment-ranking"] table').first().waitFor();
    const ranking = await firstTable(page, '[data-testid="assessment-ranking"]');
    await printReport(page, { button: 'export-pdf-assessment', file: 'print-portal-ranking', title: '年度考核排名', unit: '计分单位：分', org, headings: ranking.heads, rows: ranking.first });
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    equal(await page.title(), '南北结对帮扶 · 资金与项目公开', 'the page title is back after printing');

    // A pairing's scores.
    await page.goto(base + '/#/assessment/WX-LYG/' + ASSESS_YEAR);
    await visible(page, 'assessment-title');
    await visible(page, 'export-pdf-pairing');
    await page.waitForLoadState('networkidle');
    const scores = await firstTable(page, '[data-testid="assessment-page"]');
    await printReport(page, { button: 'export-pdf-pairing', file: 'print-portal-pairing', title: '结对关系考核得分表', unit: '计分单位：分', org, headings: scores.heads.slice(0, 5), rows: scores.first });
    checkProblems();
  } finally {
    await context.close();
  }
}

async function printInEnglish(browser, base) {
  const { context, page } = await newPage(browser, base, 'print-english', DESKTOP);
  try {
    await page.goto(base + '/');
    await visible(page, 'county-table');
    await byTestid(page, 'lang-switch').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await stubPrint(page);
    await byTestid(page, 'export-pdf-counties').click();
    const path = artefact('print-portal-counties-en.pdf');
    await page.pdf({ path, preferCSSPageSize: true, printBackground: true });
    const text = pdfText(path).replace(/[ \t]+/g, ' ');
    const pages = pdfPages(path);
    for (const part of ['Fund execution by county', 'Figures as of', 'Amounts in', 'Prepared by', 'Reviewed by', 'Approved by', `Page 1 of ${pages}`]) contains(text, part, 'the English print');
    for (const zh of ['制表单位', '统计截止日期', '制表人', '第 1 页']) check(!text.includes(zh), `the English print has no "${zh}"`);
    checkProblems();
  } finally {
    await context.close();
  }
}

run('browser-layout', [
  ['phone: the portal at 390x844 (menu, county cards, charts)', portalOnPhone],
  ['phone: the app at 390x844 (menu button, 批准/驳回, every view)', appOnPhone],
  ['print: the app\'s reports to PDF (budget, balances, statement, findings, assessment)', printAppReports],
  ['print: the portal\'s figures to PDF (overview, counties, audit, ranking, pairing)', printPortalReports],
  ['print: the English labels and page numbers', printInEnglish],
]);
