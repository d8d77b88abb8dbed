// browser_a11y.test.mjs - weight and accessibility (issue 12, item 7), in chromium:
// axe-core (injected into the page) finds no WCAG 2 A/AA violation on the portal
// and on every view of the app for one role; the skip link comes first and moves
// the focus to the main content; one h1 per page and per view; the current menu
// entry carries aria-current="page"; every chart has a "数据表" button and a
// summary; every text colour, computed by the browser, is at least 4.5:1 on
// what is behind it; and a first visit of the portal over emulated fast 3G
// transfers less than PORTAL_BYTES_MAX bytes.
//
//     PAIRAID=$PWD/build-test/pairaid PA_SOURCE_DIR=$PWD PA_ARTEFACTS=$PWD/build-test/artefacts \
//       node tests/http/browser_a11y.test.mjs

import fs from 'node:fs';
import path from 'node:path';
import { run, newPage, signIn, shot, shotOf, artefact, apiCall, tokenOf, check, equal, contains, byTestid, visible, chartsDrawn, checkProblems, expectFailure, CHARTS, SOURCE } from './browser_kit.mjs';

const AXE = fs.readFileSync(path.join(SOURCE, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
// Best-practice rules this part fixed (not tagged WCAG by axe, asserted as well).
const FIXED = ['page-has-heading-one', 'landmark-one-main', 'region', 'skip-link', 'landmark-unique', 'label', 'select-name', 'color-contrast', 'empty-table-header'];
// Echarts gzipped is 368 KB of the ~470 KB a first visit moves; identity was ~1.5 MB.
const PORTAL_BYTES_MAX = 600 * 1024;
// Chrome DevTools' "Fast 3G": 562.5 ms, 1.44 Mbit/s down, 675 kbit/s up.
const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: (1.44 * 1e6) / 8, uploadThroughput: (675 * 1e3) / 8 };
const ROLE = 'wuxi.finance';
const VIEWS = [
  ['dashboard', 'dash-funds'],
  ['inbox', 'inbox-summary'],
  ['projects', 'projects-table'],
  ['transfers', 'history-table'],
  ['accounts', 'account-table'],
  ['budget', 'budget-table'],
  ['audit', 'view-audit'],
  ['measures', 'view-measures'],
  ['assessment', 'view-assessment'],
  ['import', 'import-form'],
  ['log', 'log-entries'],
];
const state = {};

// --- what runs in the page ------------------------------------------------------------

/** axe's violations of the WCAG rules and of FIXED, as readable lines. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(AXE);
  return page.evaluate(
    async ([tags, fixed]) => {
      const wcag = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
      const extra = await window.axe.run(document, { runOnly: { type: 'rule', values: fixed } });
      const seen = new Set();
      const lines = [];
      for (const v of wcag.violations.concat(extra.violations)) {
        for (const n of v.nodes) {
          const line = `${v.id}: ${n.target.join(' ')} — ${(n.failureSummary || '').split('\n').slice(1).join(' ')}`;
          if (!seen.has(line)) lines.push(line);
          seen.add(line);
        }
      }
      return lines;
    },
    [WCAG, FIXED]
  );
}

async function noViolations(page, where) {
  const found = await axeViolations(page);
  check(found.length === 0, `${where}: axe found ${found.length} violation(s):\n  ${found.join('\n  ')}`);
}

/** Headings of level 1 that are rendered (not inside something hidden). */
async function h1s(page) {
  return page.evaluate(() => [...document.querySelectorAll('h1, [role="heading"][aria-level="1"]')].filter((h) => h.getClientRects().length > 0).map((h) => h.textContent.trim()));
}

async function oneH1(page, where, text) {
  const found = await h1s(page);
  equal(found.length, 1, `${where}: number of h1 (${JSON.stringify(found)})`);
  if (text) contains(found[0], text, `${where}: the h1`);
}

/** The links of a menu that carry aria-current, by their text. */
async function currentEntries(page, selector) {
  return page.evaluate((sel) => [...document.querySelectorAll(sel)].filter((a) => a.getAttribute('aria-current') === 'page').map((a) => a.textContent.trim()), selector);
}

/** The entries marked current once the page has had up to 5 s to mark `want`: the app marks the
 * navigation in its hashchange handler, which may run after location.hash has changed. */
async function settledCurrentEntries(page, selector, want) {
  await page.waitForFunction(({ sel, w }) => [...document.querySelectorAll(sel)].filter((a) => a.getAttribute('aria-current') === 'page').map((a) => a.textContent.trim()).join() === w,
    { sel: selector, w: want }, { timeout: 5000 }).catch(() => {});
  return currentEntries(page, selector);
}

/** Every rendered form control without an accessible name of its own (a placeholder or title is not one). */
async function unlabelled(page) {
  return page.evaluate(() => {
    const named = (c) => {
      if ((c.getAttribute('aria-label') || '').trim()) return true;
      const by = c.getAttribute('aria-labelledby');
      if (by && by.split(/\s+/).some((id) => document.getElementById(id) && document.getElementById(id).textContent.trim())) return true;
      if (c.labels && [...c.labels].some((l) => l.textContent.trim())) return true;
      if (c.tagName === 'BUTTON') return c.textContent.trim() !== '';
      return false;
    };
    return [...document.querySelectorAll('input:not([type="hidden"]), select, textarea, button')]
      .filter((c) => c.getClientRects().length > 0 && !c.closest('[aria-hidden="true"]') && !named(c)) // a hidden helper (the date picker's) is not read
      .map((c) => c.outerHTML.slice(0, 120));
  });
}

/**
 * Text whose computed colour is under 4.5:1 (3:1 when large) against the first opaque
 * background behind it, and the ratio of .muted text, computed from getComputedStyle.
 */
async function contrastReport(page) {
  return page.evaluate(() => {
    const rgb = (s) => {
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(s);
      return m ? { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4] } : null;
    };
    const lum = (c) => {
      const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
    };
    const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
    const blend = (top, under) => ({ r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1 });
    const background = (node) => {
      const layers = [];
      for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
        const c = rgb(getComputedStyle(n).backgroundColor);
        if (c && c.a > 0) layers.push(c);
        if (c && c.a === 1) break;
      }
      let bg = { r: 255, g: 255, b: 255, a: 1 };
      for (const c of layers.reverse()) bg = blend(c, bg);
      return bg;
    };
    const low = [];
    const muted = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const done = new Set();
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const node = t.parentElement;
      if (!t.textContent.trim() || done.has(node) || node.closest('.visually-hidden, .skip-link, canvas, [aria-hidden="true"]')) continue;
      done.add(node);
      if (node.getClientRects().length === 0) continue;
      const style = getComputedStyle(node);
      if (style.visibility === 'hidden' || +style.opacity === 0) continue;
      if (node.closest('button:disabled, [disabled]')) continue; // inactive controls are exempt (WCAG 1.4.3)
      const fg = rgb(style.color);
      const bg = background(node);
      const r = ratio(fg.a < 1 ? blend(fg, bg) : fg, bg);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && +style.fontWeight >= 700);
      const what = `${node.tagName.toLowerCase()}.${[...node.classList].join('.')} "${t.textContent.trim().slice(0, 20)}" ${style.color} on rgb(${bg.r},${bg.g},${bg.b}) = ${r.toFixed(2)}`;
      if (r < (large ? 3 : 4.5)) low.push(what);
      if (node.closest('.muted')) muted.push(r);
    }
    return { low, muted };
  });
}

async function contrastOk(page, where) {
  const { low, muted } = await contrastReport(page);
  check(low.length === 0, `${where}: text under 4.5:1:\n  ${low.join('\n  ')}`);
  return muted;
}

// --- the steps ------------------------------------------------------------------------

/** The demo holds no published assessment: publish 2024's, so the portal shows its radars. */
async function publishAssessment(browser, base) {
  const res = await apiCall(base, 'POST', '/api/v1/assessment/run', { year: 2024 }, await tokenOf(base, 'province.assess'));
  check(res.pairings > 0, `the 2024 assessment is published (${JSON.stringify(res)})`);
}

async function portalAxe(browser, base) {
  const { page } = await newPage(browser, base, 'portal');
  state.portal = page;
  await page.goto(base + '/');
  await visible(page, 'project-list');
  await page.waitForFunction(() => document.querySelector('[data-testid="project-list"] table'));
  await chartsDrawn(page, CHARTS);
  await noViolations(page, 'portal');
  await shot(page, 'portal');
  checkProblems();
}

async function portalSkipLink(browser, base) {
  const page = state.portal;
  await page.goto(base + '/#/overview');
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => {
    const a = document.activeElement;
    const r = a.getBoundingClientRect();
    return { cls: a.className, text: a.textContent.trim(), top: r.top, height: r.height, firstFocusable: a === document.querySelector('a[href], button, input, select, textarea, [tabindex]') };
  });
  equal(first.cls, 'skip-link', 'the first Tab lands on the skip link');
  equal(first.text, '跳到主要内容', 'the skip link');
  check(first.firstFocusable, 'the skip link is the first focusable element in the document');
  check(first.top >= 0 && first.height > 20, `the focused skip link is on screen (top ${first.top}, height ${first.height})`);
  await page.screenshot({ path: artefact('portal-skip-link-focused.png'), clip: { x: 0, y: 0, width: 1280, height: 220 } });
  await page.keyboard.press('Enter');
  const after = await page.evaluate(() => ({ id: document.activeElement.id, tag: document.activeElement.tagName, hash: location.hash }));
  equal(after.tag + '#' + after.id, 'MAIN#home', 'Enter on the skip link focuses the main content');
  equal(after.hash, '#/overview', 'the skip link leaves the route alone');
  await page.keyboard.press('Tab');
  const next = await page.evaluate(() => document.activeElement.closest('main') && document.activeElement.closest('main').id);
  equal(next, 'home', 'the next Tab stays in the main content');
  checkProblems();
}

async function portalHeadingsAndNav(browser, base) {
  const page = state.portal;
  await oneH1(page, 'portal home', '南北结对帮扶资金与项目公开');
  equal((await currentEntries(page, '.topnav a')).join(), '项目概览', 'aria-current on the portal home');
  await page.locator('.topnav a[href="#/counties"]').click();
  await page.waitForFunction(() => location.hash === '#/counties');
  equal((await settledCurrentEntries(page, '.topnav a', '分县区')).join(), '分县区', 'aria-current after choosing 分县区');
  const code = await page.locator('[data-testid^="project-row-"]').first().getAttribute('data-testid');
  await page.goto(base + '/#/project/' + encodeURIComponent(code.replace('project-row-', '')));
  await visible(page, 'project-page');
  const name = await page.locator('[data-testid="project-page"] .project-head h1').innerText();
  await oneH1(page, 'a project page', name);
  equal((await settledCurrentEntries(page, '.topnav a', '项目库')).join(), '项目库', 'aria-current on a project page');
  await noViolations(page, 'portal project page');
  await page.goto(base + '/#/assessment');
  await page.locator('[data-testid="assessment-ranking"] a[href^="#/assessment/"]').first().click();
  await visible(page, 'assessment-title');
  await oneH1(page, 'a pairing assessment page', await byTestid(page, 'assessment-title').innerText());
  equal((await settledCurrentEntries(page, '.topnav a', '年度考核')).join(), '年度考核', 'aria-current on an assessment page');
  await chartsDrawn(page, ['chart-assessment-pairing']);
  await noViolations(page, 'portal assessment page');
  await shot(page, 'portal-assessment-page');
  checkProblems();
}

async function portalChartTables(browser, base) {
  const page = state.portal;
  await page.goto(base + '/#/overview');
  await chartsDrawn(page, CHARTS.concat(['chart-map']));
  for (const id of CHARTS.concat(['chart-map', 'chart-assessment'])) {
    const chart = byTestid(page, id);
    equal(await chart.getAttribute('role'), 'img', `${id} is an image to assistive technology`);
    const label = await chart.getAttribute('aria-label');
    check(label && label.length > 10, `${id} has a summary: ${label}`);
    const toggle = byTestid(page, 'table-toggle-' + id);
    equal(await toggle.innerText(), '数据表', `${id}: the toggle's text`);
    equal(await toggle.getAttribute('aria-expanded'), 'false', `${id}: the table starts closed`);
    const box = byTestid(page, 'chart-table-' + id);
    check(await box.isHidden(), `${id}: the table is hidden at first`);
    equal(await toggle.getAttribute('aria-controls'), await box.getAttribute('id'), `${id}: the toggle controls its table`);
    await toggle.click();
    equal(await toggle.getAttribute('aria-expanded'), 'true', `${id}: open after a click`);
    check(await box.isVisible(), `${id}: the table shows`);
    const rows = await box.locator('tbody tr').count();
    check(rows > 0, `${id}: the table has rows`);
    const firstCell = (await box.locator('tbody tr td').first().innerText()).trim();
    contains(label, firstCell, `${id}: the summary names the first row`);
  }
  // the county table has the county chart's counties, in 万元, and the summary says so
  const countyRows = await byTestid(page, 'chart-table-chart-county').locator('tbody tr').count();
  const countyNames = await byTestid(page, 'chart-table-chart-county').locator('tbody tr td:first-child').allInnerTexts();
  check(countyRows >= 5, `the county table lists the counties (${countyRows})`);
  contains(await byTestid(page, 'chart-table-chart-county').locator('thead').innerText(), '（万元）', 'the county table names its unit');
  contains(await byTestid(page, 'chart-county').getAttribute('aria-label'), '分县区：' + countyNames[0], 'the county chart summary');
  contains(await byTestid(page, 'chart-table-chart-sankey').locator('thead').innerText(), '金额（万元）', 'the flow table names its unit');
  await page.locator('#counties').scrollIntoViewIfNeeded();
  await shotOf(page.locator('#counties .chart-card:has([data-testid="chart-county"])'), 'portal-county-chart-table');
  await shotOf(page.locator('#counties .chart-card:has([data-testid="chart-map"])'), 'portal-map-table');
  await shotOf(page.locator('#overview .chart-row'), 'portal-overview-chart-tables');
  await shotOf(page.locator('#flows .chart-card'), 'portal-flow-chart-table');
  // closing again, and the English view keeps the table and relabels it
  await byTestid(page, 'table-toggle-chart-kind').click();
  check(await byTestid(page, 'chart-table-chart-kind').isHidden(), 'the kind table closes again');
  await byTestid(page, 'lang-switch').click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  equal(await byTestid(page, 'table-toggle-chart-county').innerText(), 'Data table', 'the toggle in English');
  equal(await byTestid(page, 'table-toggle-chart-county').getAttribute('aria-expanded'), 'true', 'an open table stays open across the language switch');
  equal(await page.locator('[data-testid="chart-table-chart-county"]').count(), 1, 'one table per chart after a redraw');
  await byTestid(page, 'lang-switch').click();
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  checkProblems();
}

async function portalLabelsAndContrast(browser, base) {
  const page = state.portal;
  await page.goto(base + '/#/projects');
  await visible(page, 'project-search');
  equal(await page.evaluate(() => document.getElementById('project-q').labels[0].textContent), '搜索项目', 'the search box has a label');
  const missing = await unlabelled(page);
  check(missing.length === 0, `portal form controls without a label:\n  ${missing.join('\n  ')}`);
  const muted = await contrastOk(page, 'portal');
  check(muted.length > 0, 'the portal shows .muted text');
  check(Math.min(...muted) >= 4.5, `.muted contrast on the portal: lowest ${Math.min(...muted).toFixed(2)}`);
  const mutedColour = await page.evaluate(() => getComputedStyle(document.querySelector('.muted')).color);
  equal(mutedColour, 'rgb(95, 102, 115)', '.muted is #5f6673');
  await shotOf(page.locator('#projects'), 'portal-projects-labelled-search');
  checkProblems();
}

async function appSignInPage(browser, base) {
  const { page } = await newPage(browser, base, ROLE);
  state.app = page;
  expectFailure('GET', '/api/v1/me', 401, 'the sign-in page asks who is signed in');
  await page.goto(base + '/app/');
  await visible(page, 'login-form');
  await oneH1(page, 'the sign-in page', '工作人员登录');
  check(await page.locator('#login[role="main"]').isVisible(), 'the sign-in form is the main content');
  // the sign-in page puts the focus in the user name, so the link is checked by document order here
  // (the signed-in app is tabbed through below)
  check(await page.evaluate(() => document.querySelector('a[href], button, input, select, textarea, [tabindex]').className === 'skip-link'), 'the skip link comes first in the app');
  await page.focus('.skip-link');
  await page.keyboard.press('Enter');
  equal(await page.evaluate(() => document.activeElement.id), 'login', 'signed out, the skip link goes to the sign-in form');
  await noViolations(page, 'the sign-in page');
  await contrastOk(page, 'the sign-in page');
  await shot(page, 'app-sign-in');
  checkProblems();
}

async function appViews(browser, base) {
  const page = state.app;
  await signIn(page, base, ROLE);
  for (const [view, ready] of VIEWS) {
    await page.goto(base + '/app/#/' + view);
    await visible(page, ready);
    await page.waitForFunction(() => !document.querySelector('[data-testid="view"] .loading'));
    const current = await currentEntries(page, '#nav a');
    equal(current.length, 1, `${view}: one menu entry is current (${current})`);
    equal(await page.locator('#nav a[aria-current="page"]').getAttribute('data-view'), view, `${view}: the current menu entry`);
    await oneH1(page, view);
    const missing = await unlabelled(page);
    check(missing.length === 0, `${view}: form controls without a label:\n  ${missing.join('\n  ')}`);
    await noViolations(page, 'app ' + view);
    const muted = await contrastOk(page, 'app ' + view);
    check(muted.every((r) => r >= 4.5), `${view}: .muted under 4.5:1 (${Math.min(...muted)})`);
    await shot(page, 'app-' + view);
  }
  // a view reached from inside a view: the menu follows the hash
  await page.goto(base + '/app/#/budget');
  await visible(page, 'budget-table');
  await page.locator('#nav a[data-view="accounts"]').click();
  await visible(page, 'account-table');
  equal((await settledCurrentEntries(page, '#nav a', '账户')).join(), '账户', 'aria-current moves with a click in the menu');
  checkProblems();
}

async function appSkipLink(browser, base) {
  const page = state.app;
  await page.goto(base + '/app/#/transfers');
  await page.reload(); // a fresh document: the first Tab starts from the top
  await visible(page, 'history-table');
  await page.keyboard.press('Tab');
  equal(await page.evaluate(() => document.activeElement.textContent.trim()), '跳到主要内容', 'the first Tab in the app');
  await page.screenshot({ path: artefact('app-skip-link-focused.png'), clip: { x: 0, y: 0, width: 1280, height: 220 } });
  await page.keyboard.press('Enter');
  const after = await page.evaluate(() => ({ id: document.activeElement.id, hash: location.hash }));
  equal(after.id, 'view', 'the skip link focuses the view');
  equal(after.hash, '#/transfers', 'and leaves the route alone');
  checkProblems();
}

/** A first visit of the portal over fast 3G: bytes on the wire and time to the drawn charts. */
async function portalOverFast3G(browser, base) {
  const { context, page } = await newPage(browser, base, 'portal-3g');
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', FAST_3G);
  let bytes = 0;
  const encodings = {};
  cdp.on('Network.loadingFinished', (e) => (bytes += e.encodedDataLength));
  cdp.on('Network.responseReceived', (e) => (encodings[new URL(e.response.url).pathname] = e.response.headers['Content-Encoding'] || e.response.headers['content-encoding'] || 'identity'));
  const t0 = Date.now();
  await page.goto(base + '/', { timeout: 60000 });
  await chartsDrawn(page, ['chart-kind']);
  const seconds = (Date.now() - t0) / 1000;
  console.log(`     fast 3G: ${bytes} bytes on the wire, charts drawn after ${seconds.toFixed(1)} s`);
  const echarts = Object.keys(encodings).find((p) => p.endsWith('/vendor/echarts.min.js'));
  check(echarts && echarts.startsWith('/static/'), `echarts is loaded by a hashed URL (${echarts})`);
  equal(encodings[echarts], 'gzip', 'echarts comes gzip-compressed');
  check(bytes < PORTAL_BYTES_MAX, `a first visit moves ${bytes} bytes, more than ${PORTAL_BYTES_MAX}`);
  await shot(page, 'portal-fast-3g');
  await context.close();
  checkProblems();
}

run('browser-a11y', [
  ['the assessor publishes 2024 (the portal radars)', publishAssessment],
  ['portal: axe finds no WCAG 2 A/AA violation', portalAxe],
  ['portal: the skip link comes first and skips', portalSkipLink],
  ['portal: one h1 per page, aria-current follows', portalHeadingsAndNav],
  ['portal: every chart has a 数据表 and a summary', portalChartTables],
  ['portal: labelled search, contrast >= 4.5:1', portalLabelsAndContrast],
  ['app: the sign-in page', appSignInPage],
  ['app: every view of wuxi.finance', appViews],
  ['app: the skip link', appSkipLink],
  ['portal over fast 3G: less than 600 KB', portalOverFast3G],
]);
