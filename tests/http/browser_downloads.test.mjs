// browser_downloads.test.mjs - 下载Excel / 下载CSV on the report tables (issue 13): an
// officer (and a reader of the portal) clicks the button, the browser saves the file
// the server wrote, and openpyxl (Debian's /usr/bin/python3) opens it: its title block,
// its Chinese headings and a figure are checked against what the page shows.
// Screenshots of the buttons go to $PA_ARTEFACTS/browser-downloads/.
//
//   PAIRAID=build-test/pairaid PA_SOURCE_DIR=. PA_ARTEFACTS=build-test/artefacts \
//     NODE_PATH=node_modules node tests/http/browser_downloads.test.mjs

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { Failure, check, equal, contains, byTestid, text, visible, shotOf, checkProblems, artefact, newPage, signIn, apiCall, tokenOf, run } from './browser_kit.mjs';

// What a reader of the file sees: the title block, the heading row and the first rows.
const READ_XLSX = `
import json, sys, datetime, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
def v(c):
    return c.value.date().isoformat() if isinstance(c.value, datetime.datetime) else c.value
hidden = [k for k, d in ws.column_dimensions.items() if d.hidden]
rows = [[v(c) for c in r] for r in ws.iter_rows(min_row=6, max_row=ws.max_row)]
print(json.dumps({"title": ws["A1"].value, "labels": [ws.cell(row=r, column=1).value for r in (2, 3, 4)],
  "org": ws["B2"].value, "as_of": v(ws["B3"]), "unit": ws["B4"].value,
  "headings": [c.value for c in ws[5]], "rows": rows, "freeze": ws.freeze_panes, "hidden": hidden,
  "formats": [c.number_format for c in ws[6]]}, ensure_ascii=False))
`;

function readXlsx(file) {
  const p = spawnSync('/usr/bin/python3', ['-c', READ_XLSX, file], { encoding: 'utf8' });
  if (p.status !== 0) throw new Failure('openpyxl cannot read ' + file + ': ' + p.stderr);
  return JSON.parse(p.stdout);
}

/** Clicks a download button and returns {name, file} (kept under the artefacts). */
async function download(page, testid, keepAs) {
  const [dl] = await Promise.all([page.waitForEvent('download'), byTestid(page, testid).click()]);
  const file = artefact(keepAs);
  fs.copyFileSync(await dl.path(), file);
  return { name: dl.suggestedFilename(), file };
}

/** The title block every report has, in Chinese. */
function checkTitle(x, name) {
  contains(x.title, name, 'report name');
  // money reports say 金额单位; the assessment's say what their points are counted in
  const points = /考核/.test(name);
  equal(JSON.stringify(x.labels), JSON.stringify(['制表单位', '截止日期', points ? '计分单位' : '金额单位']),
    'title block labels');
  check(/^\d{4}-\d{2}-\d{2}$/.test(x.as_of), '截止日期 is a date: ' + x.as_of);
  check(points ? x.unit === '分' : x.unit === '元' || x.unit === '万元', '单位: ' + x.unit);
  equal(x.freeze, 'A6', 'frozen under the heading row');
}

/** Page amount ("1,234.56" in unit) as yuan hundredths, and the file's number in its unit. */
function pageFen(textValue, unit) {
  const m = /(-?)([\d,]+)\.(\d{2})/.exec(textValue);
  if (!m) throw new Failure('not an amount: ' + textValue);
  const n = BigInt(m[2].replace(/,/g, '')) * 100n + BigInt(m[3]);
  const scale = { 元: 1n, 万元: 10000n, 亿元: 100000000n }[unit];
  return (m[1] ? -n : n) * scale;
}

const steps = [
  ['预算执行: 下载Excel gives the table as the page groups it', async (browser, base) => {
    const { context, page } = await newPage(browser, base, 'admin');
    await signIn(page, base, 'admin');
    await page.goto(base + '/app/#/budget/county');
    await visible(page, 'budget-table');
    await visible(page, 'budget-download-xlsx');
    await shotOf(page.locator('.view-head'), 'budget-buttons');
    const got = await download(page, 'budget-download-xlsx', 'budget-county.xlsx');
    check(/^预算执行情况表-\d{4}-\d{2}-\d{2}\.xlsx$/.test(got.name), 'file name: ' + got.name);
    const x = readXlsx(got.file);
    checkTitle(x, '预算执行情况表（按县区）');
    contains(x.org, '系统管理员', '制表单位 names the officer’s role');
    equal(x.headings.slice(0, 4).join(','), '行政区划代码,名称,项目数,预算数', 'headings');
    // the first county of the page and of the file: name, 项目数 and 预算数 agree
    const firstRow = page.locator('[data-testid="budget-table"] tbody tr').first();
    const cells = await firstRow.locator('td').allInnerTexts();
    const caption = await text(page, 'budget-table-unit');
    const unit = /亿元/.test(caption) ? '亿元' : /万元/.test(caption) ? '万元' : '元';
    const row = x.rows[0];
    equal(row[1], cells[1].trim(), 'the first row’s name');
    equal(row[2], Number(cells[2].replace(/,/g, '')), '项目数');
    const fileFen = BigInt(Math.round(row[3] * (x.unit === '万元' ? 1000000 : 100)));
    const shown = pageFen(cells[3], unit);
    // the page rounds to its unit: the file's exact figure rounds to what the page shows
    const step = { 元: 1n, 万元: 10000n, 亿元: 100000000n }[unit];
    const rounded = ((fileFen * 2n + step) / (2n * step)) * step;
    equal(rounded.toString(), shown.toString(), '预算数 of ' + row[1] + ' (page in ' + unit + ')');
    equal(x.formats[3], '#,##0.00', 'money format');
    checkProblems();
    await context.close();
  }],

  ['账户明细账: the statement downloads with the page’s lines', async (browser, base) => {
    const { context, page } = await newPage(browser, base, 'donghai');
    await signIn(page, base, 'donghai.office');
    await page.goto(base + '/app/#/accounts/PRJ-LYG-MS-039');
    await visible(page, 'statement-table');
    await visible(page, 'statement-download-xlsx');
    await shotOf(page.locator('main'), 'statement-buttons');
    const got = await download(page, 'statement-download-xlsx', 'statement.xlsx');
    check(/^账户明细账-\d{4}-\d{2}-\d{2}\.xlsx$/.test(got.name), 'file name: ' + got.name);
    const x = readXlsx(got.file);
    checkTitle(x, '账户明细账：PRJ-LYG-MS-039');
    contains(x.org, '东海县', '制表单位 is the county office');
    equal(x.unit, '元', 'a statement is kept in 元');
    equal(x.headings.join(','), '日期,编号,类型,类型代码,对方账户,项目,支出,收入,冻结变动,余额,摘要,审批意见', 'headings');
    const lines = await page.locator('[data-testid="statement-table"] tbody tr').count();
    equal(x.rows.length, lines, 'as many lines as the page');
    const first = await page.locator('[data-testid="statement-table"] tbody tr').first().locator('td').allInnerTexts();
    equal(x.rows[0][0], first[0].trim(), 'the first line’s date');
    equal(x.rows[0][2], first[2].trim(), 'the first line’s kind, as the page names it');
    equal(BigInt(Math.round(x.rows[0][7] * 100)).toString(), pageFen(first[6], '元').toString(), '收入 of the first line');
    check(x.hidden.includes('D'), 'the kind’s code column is hidden');
    checkProblems();
    await context.close();
  }],

  ['审计发现: the findings download with the filters chosen', async (browser, base) => {
    const token = await tokenOf(base, 'audit.wxlyg');
    await apiCall(base, 'POST', '/api/v1/audit/run', {}, token);
    const { context, page } = await newPage(browser, base, 'auditor');
    await signIn(page, base, 'audit.wxlyg');
    await page.goto(base + '/app/#/audit');
    await visible(page, 'finding-filters');
    await byTestid(page, 'filter-severity').selectOption('error');
    await visible(page, 'finding-total');
    await page.waitForTimeout(300);
    await shotOf(byTestid(page, 'finding-filters'), 'findings-buttons');
    const shown = await page.locator('[data-testid="finding-table"] tbody tr').count();
    const got = await download(page, 'findings-download-xlsx', 'findings.xlsx');
    const x = readXlsx(got.file);
    checkTitle(x, '审计发现问题清单');
    contains(x.org, '联合审计组', '制表单位');
    equal(x.headings.slice(0, 6).join(','), '编号,规则,规则代码,严重程度,严重程度代码,问题对象', 'headings');
    equal(x.rows.length, shown, 'as many findings as the page lists');
    check(x.rows.every((r) => r[3] === '错误' && r[4] === 'error'), 'only the errors the filter chose');
    checkProblems();
    await context.close();
  }],

  ['portal: 分县区 and the ranking download as Excel for the public', async (browser, base) => {
    await apiCall(base, 'POST', '/api/v1/assessment/run', { year: new Date().getFullYear() }, await tokenOf(base, 'province.assess'));
    const { context, page } = await newPage(browser, base, 'portal');
    await page.goto(base + '/');
    await visible(page, 'county-table');
    await visible(page, 'county-xlsx');
    await shotOf(page.locator('#counties'), 'portal-county-buttons');
    const got = await download(page, 'county-xlsx', 'portal-county.xlsx');
    const x = readXlsx(got.file);
    checkTitle(x, '预算执行情况表');
    equal(x.org, '公开数据', '制表单位 of the public');
    const names = (await page.locator('[data-testid="county-table"] tbody tr td:nth-child(1)').allInnerTexts()).map((s) => s.trim());
    equal(x.rows.length, names.length, 'as many counties as the page');
    check(names.includes(x.rows[0][1]), 'the file’s first county is on the page: ' + x.rows[0][1]);
    await page.goto(base + '/#/assessment');
    await visible(page, 'ranking-xlsx');
    await shotOf(page.locator('.assess-head'), 'portal-ranking-buttons');
    const ranking = readXlsx((await download(page, 'ranking-xlsx', 'portal-ranking.xlsx')).file);
    checkTitle(ranking, '年度考核排名表');
    equal(ranking.headings.slice(0, 3).join(','), '结对关系,名称,基础分', 'ranking headings');
    const body = await page.locator('#assessment').innerText();
    contains(body, ranking.rows[0][1], 'the first pairing of the file is on the page');
    contains(body, ranking.rows[0][5].toFixed(2), 'its total is the page’s');
    checkProblems();
    await context.close();
  }],
  ['导入: 下载模板 follows the kind chosen, and the Excel template opens in openpyxl', async (browser, base) => {
    const { context, page } = await newPage(browser, base, 'donghai.office');
    await signIn(page, base, 'donghai.office');
    await page.goto(base + '/app/#/import');
    await visible(page, 'import-templates');
    await page.selectOption('[data-testid="import-kind"]', 'transfers');
    await shotOf(page.locator('[data-testid="import-form"]'), 'import-templates');
    const got = await download(page, 'template-xlsx', 'template-transfers.xlsx');
    equal(got.name, '资金往来导入模板.xlsx', 'the file name, as the screen names the kind');
    const p = spawnSync('/usr/bin/python3', ['-c', `
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
print(json.dumps({"headings": [c.value for c in ws[1]], "rows": ws.max_row, "freeze": ws.freeze_panes,
  "lists": len([d for d in ws.data_validations.dataValidation if d.type == "list"])}, ensure_ascii=False))
`, got.file], { encoding: 'utf8' });
    if (p.status !== 0) throw new Failure('openpyxl cannot read the template: ' + p.stderr);
    const x = JSON.parse(p.stdout);
    equal(x.headings.slice(0, 5).join(','), '编号,日期,付款账户,收款账户,金额', 'the transfer template’s headings');
    equal(x.rows, 2, 'headings and one example row');
    equal(x.freeze, 'A2', 'the heading row frozen');
    check(x.lists > 0, 'drop-downs on the enum columns');
    const csv = await download(page, 'template-csv', 'template-transfers.csv');
    check(fs.readFileSync(csv.file).subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'the CSV template has a BOM');
    checkProblems();
    await context.close();
  }],
  ['on a phone (390 px): the download and template buttons stay on screen', async (browser, base) => {
    const { context, page } = await newPage(browser, base, 'donghai.office', { width: 390, height: 844 });
    await signIn(page, base, 'donghai.office');
    for (const [hash, testid, name] of [['#/import', 'import-templates', 'phone-import'],
                                        ['#/budget/county', 'budget-download-xlsx', 'phone-budget']]) {
      await page.goto(base + '/app/' + hash);
      await visible(page, testid);
      const box = await byTestid(page, testid).boundingBox();
      check(box && box.x >= 0 && box.x + box.width <= 391, name + ': ' + testid + ' within the screen: ' + JSON.stringify(box));
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      check(wide <= 391, name + ': the page is ' + wide + 'px wide');
      await page.screenshot({ path: artefact(name + '.png') });
    }
    checkProblems();
    await context.close();
  }],
];

run('browser-downloads', steps);
