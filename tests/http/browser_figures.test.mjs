// browser_figures.test.mjs - item 2 of issue 12, "honest headline figures": the
// portal and the app keep the assistance money (帮扶资金安排, on which execution
// is measured) apart from the parks' and industrial projects' total investment
// (总投资); expired requests apart from live ones; one money unit per table,
// named in its caption; and every table sorts on a click of its header.
//
// The server's clock is set (PAIRAID_TODAY) so that the demo's open requests,
// which the demo dates relative to today, are the same on every run.

import { run, newPage, signIn, shot, shotOf, artefact, byTestid, text, visible, check, equal, contains, hundredths, yuan, apiCall, tokenOf, checkProblems } from './browser_kit.mjs';

process.env.PAIRAID_TODAY = '2026-12-04';

/** "1.50 亿元" / "3,885.00 万元" as fen, for comparing a headline with the API. */
function fenOf(display) {
  const n = hundredths(display);
  if (display.includes('亿元')) return n * 100000000n;
  if (display.includes('万元')) return n * 10000n;
  return n;
}

/** equal() for BigInt fen, whose failure message shows yuan. */
function eqFen(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${yuan(expected)}, got ${yuan(actual)}`);
}

function apiFen(amount) {
  return hundredths(amount);
}

/** Rounds fen to the 亿元/万元 hundredths a headline shows, as the page rounds (half up). */
function shownAs(fen, unitFen) {
  return ((fen * 2n + unitFen) / (unitFen * 2n)) * unitFen;
}

/** The cells of a table's body as text, row by row. */
async function cells(page, testid) {
  return page.locator(`[data-testid="${testid}"] tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.innerText.trim())));
}

async function headers(page, testid) {
  return page.locator(`[data-testid="${testid}"] thead th`).allInnerTexts();
}

/** Every amount cell of a table is a bare number in the caption's unit: no "亿元" or "万元" in a cell. */
async function oneUnit(page, testid, unit) {
  equal(await text(page, testid + '-unit'), '金额单位：' + unit, testid + ' caption');
  for (const row of await cells(page, testid)) for (const c of row) check(!/亿元|万元/.test(c), `${testid}: a cell carries its own unit: ${c}`);
}

run('browser-figures', [
  [
    'portal headline: assistance money and investment apart, expired requests apart',
    async (browser, base) => {
      const { context, page } = await newPage(browser, base, 'public');
      await page.goto(base + '/');
      await visible(page, 'count-budget');
      const summary = await apiCall(base, 'GET', '/api/v1/summary');
      const budget = await text(page, 'count-budget');
      contains(budget, '帮扶资金安排', 'the assistance money is named as such');
      eqFen(fenOf(budget), shownAs(apiFen(summary.budget), 100000000n), 'headline assistance money = the API budget (亿元, rounded)');
      const investment = await text(page, 'count-investment');
      contains(investment, '园区及产业项目总投资', 'the investment has a headline of its own');
      eqFen(fenOf(investment), shownAs(apiFen(summary.investment), 100000000n), 'headline investment = the API investment');
      check(apiFen(summary.investment) > apiFen(summary.budget) * 5n, 'the investment dwarfs the assistance money, so mixing them hid the execution rate');
      const pending = await text(page, 'fund-pending');
      const expired = await text(page, 'fund-expired');
      contains(pending, '待审批', 'live requests card');
      contains(expired, '已过期申请', 'expired requests card');
      contains(expired, `${summary.counts.expired_pending} 笔超过有效期`, 'expired card counts the expired requests');
      check(summary.counts.pending_transfers > summary.counts.expired_pending, 'a fresh demo has live requests to approve');
      eqFen(apiFen(summary.funds.pending_live) + apiFen(summary.funds.expired), apiFen(summary.funds.pending), 'live + expired = all open requests');
      await shotOf(page.locator('#overview'), 'portal-headline');
      await context.close();
      checkProblems();
    },
  ],
  [
    'portal county table: one unit, execution on assistance money',
    async (browser, base) => {
      const { context, page } = await newPage(browser, base, 'public');
      await page.goto(base + '/#counties');
      await visible(page, 'county-table');
      await oneUnit(page, 'county-table', '万元');
      const rows = (await apiCall(base, 'GET', '/api/v1/budget?group=county')).rows;
      const shown = await cells(page, 'county-table');
      equal(shown.length, rows.length, 'one row per county');
      let budget = 0n;
      let paid = 0n;
      for (const r of rows) {
        budget += apiFen(r.budget);
        paid += apiFen(r.paid);
      }
      const rate = Number((paid * 1000n + budget / 2n) / budget) / 10;
      const foot = await page.locator('[data-testid="county-table"] tfoot td').allInnerTexts();
      contains(foot[foot.length - 1], rate.toFixed(1) + '%', 'overall execution = paid ÷ assistance money');
      check(rate > 30, `overall execution reads ${rate} %, no longer the 1.2 % of budget mixed with investment`);
      await shotOf(page.locator('#counties'), 'portal-county-table');
      await context.close();
      checkProblems();
    },
  ],
  [
    'portal project library and project page: investment beside the assistance money; English caption',
    async (browser, base) => {
      const { context, page } = await newPage(browser, base, 'public');
      await page.goto(base + '/#projects');
      await byTestid(page, 'project-search').fill('惠榆');
      await byTestid(page, 'project-search').press('Enter');
      await visible(page, 'project-row-LYG-PARK-HUIYU');
      await oneUnit(page, 'project-table', '万元');
      const row = (await byTestid(page, 'project-row-LYG-PARK-HUIYU').innerText()).split('\t').map((c) => c.trim());
      check(row.includes('15,000.00') && row.includes('56,000.00'), 'Huiyu: 帮扶资金 15,000.00 and 总投资 56,000.00 万元: ' + row.join(' | '));
      await shotOf(page.locator('#projects'), 'portal-projects-huiyu');
      await page.goto(base + '/#/project/LYG-PARK-HUIYU');
      await visible(page, 'project-investment');
      contains(await text(page, 'project-investment'), '5.60 亿元', 'the article\'s 总投资约5.6亿元');
      contains(await byTestid(page, 'project-page').innerText(), '20.0%', 'execution on the 1.5亿元 of assistance money');
      await shotOf(byTestid(page, 'project-page'), 'portal-project-huiyu');
      await page.goto(base + '/#counties');
      await byTestid(page, 'lang-switch').click();
      equal(await text(page, 'county-table-unit'), 'Amounts in 10,000 yuan', 'the caption in English');
      await visible(page, 'count-investment');
      contains(await text(page, 'count-investment'), 'Total investment', 'the investment headline in English');
      await shotOf(page.locator('#overview'), 'portal-headline-en');
      await byTestid(page, 'lang-switch').click();
      await context.close();
      checkProblems();
    },
  ],
  [
    'app budget table by each grouping: 万元 throughout, donors with budgets and rates',
    async (browser, base) => {
      const { context, page } = await newPage(browser, base, 'admin');
      await signIn(page, base, 'admin');
      const token = await tokenOf(base, 'admin');
      for (const group of ['project', 'county', 'pairing', 'kind', 'domain', 'donor']) {
        await page.goto(base + '/app/#/budget/' + group);
        await visible(page, 'budget-table');
        await oneUnit(page, 'budget-table', '万元');
        const head = await headers(page, 'budget-table');
        for (const h of ['预算数', '待审批', '已过期', '执行率', '总投资']) check(head.some((x) => x.includes(h)), `${group}: header ${h} in ${head.join('|')}`);
        const rows = (await apiCall(base, 'GET', '/api/v1/budget?group=' + group, undefined, token)).rows;
        const shown = await cells(page, 'budget-table');
        equal(shown.length, rows.length, group + ': rows');
        if (group === 'donor') {
          for (const [i, r] of rows.entries()) {
            check(apiFen(r.budget) > 0n, `donor ${r.name}: budget ${r.budget}`);
            check(r.rate !== null, `donor ${r.name}: a rate`);
            eqFen(hundredths(shown[i][3]), (apiFen(r.budget) + 5000n) / 10000n, `donor ${r.name}: 预算数 in 万元`);
            check(!shown[i][8].includes('—'), `donor ${r.name}: 执行率 shown`);
          }
        }
        // 468 project rows make too tall an element to capture whole: the first screen shows the point
        if (group === 'project') await page.screenshot({ path: artefact('app-budget-project.png') });
        else await shotOf(page.locator('main'), 'app-budget-' + group);
      }
      await context.close();
      checkProblems();
    },
  ],
  [
    'app dashboard: live requests apart from expired ones',
    async (browser, base) => {
      const { context, page } = await newPage(browser, base, 'wuxi.finance');
      await signIn(page, base, 'wuxi.finance');
      const summary = await apiCall(base, 'GET', '/api/v1/summary');
      await visible(page, 'dash-awaiting');
      const awaiting = await text(page, 'dash-awaiting');
      check(!/^\s*待我审批\s*0 笔/.test(awaiting), 'the donor has live requests to approve: ' + awaiting);
      const expired = await text(page, 'dash-expired');
      contains(expired, '1 笔', 'one expired request, apart');
      const live = await byTestid(page, 'dash-funds').locator('[data-testid="fund-pending"]').innerText();
      contains(live, summary.counts.pending_transfers - summary.counts.expired_pending + ' 笔拨付申请在有效期内', 'live requests counted apart');
      await shot(page, 'app-dashboard');
      await context.close();
      checkProblems();
    },
  ],
  [
    'sorting: a click on a header sorts numbers as numbers and names by pinyin',
    async (browser, base) => {
      const { context, page } = await newPage(browser, base, 'admin');
      await signIn(page, base, 'admin');
      await page.goto(base + '/app/#/budget/county');
      await visible(page, 'budget-table');
      const th = (label) => page.locator('[data-testid="budget-table"] thead th', { hasText: label }).first();
      await th('预算数').locator('button').click();
      equal(await th('预算数').getAttribute('aria-sort'), 'ascending', 'aria-sort after one click');
      let col = (await cells(page, 'budget-table')).map((r) => hundredths(r[3]));
      for (let i = 1; i < col.length; i++) check(col[i - 1] <= col[i], `ascending budgets: ${yuan(col[i - 1])} then ${yuan(col[i])}`);
      await th('预算数').locator('button').click();
      equal(await th('预算数').getAttribute('aria-sort'), 'descending', 'aria-sort after a second click');
      col = (await cells(page, 'budget-table')).map((r) => hundredths(r[3]));
      for (let i = 1; i < col.length; i++) check(col[i - 1] >= col[i], `descending budgets: ${yuan(col[i - 1])} then ${yuan(col[i])}`);
      equal(await th('执行率').getAttribute('aria-sort'), 'none', 'only one column is sorted');
      await th('名称').locator('button').click();
      const names = (await cells(page, 'budget-table')).map((r) => r[1]);
      const pinyin = names.slice().sort((a, b) => a.localeCompare(b, 'zh-CN'));
      equal(names.join(','), pinyin.join(','), 'names in pinyin order');
      await th('执行率').locator('button').click();
      await th('执行率').locator('button').click();
      const rates = (await cells(page, 'budget-table')).map((r) => parseFloat(r[8]));
      for (let i = 1; i < rates.length; i++) check(rates[i - 1] >= rates[i], `descending rates: ${rates[i - 1]} then ${rates[i]}`);
      await shotOf(page.locator('main'), 'app-budget-sorted-by-rate');
      await context.close();
      checkProblems();
    },
  ],
]);
