// browser_import.test.mjs - issue 13, XLSX in: the import screen takes an Excel
// workbook as well as a CSV, offers the CSV's encoding (自动识别 / UTF-8 /
// GB18030), says when a CSV was read as GB18030, and names the cell of a bad
// workbook row.  Screenshots go to $PA_ARTEFACTS/browser-import/.
//
//   PAIRAID=build-test/pairaid PA_SOURCE_DIR=. PA_ARTEFACTS=build-test/artefacts \
//     NODE_PATH=node_modules node tests/http/browser_import.test.mjs
//
// The GB18030 bytes come from iconv, the workbooks from openpyxl under Debian's
// /usr/bin/python3 (tests/io/xlsx_fixtures.py), both at test time.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  SOURCE, check, equal, contains, byTestid, text, visible, shot, shotOf, checkProblems, expectFailure, newPage, signIn, run,
} from './browser_kit.mjs';

const RECIPIENT = 'donghai.office'; // 东海县 320722
const HEADER = 'code,name,pairing,region,domain,kind,status,budget,start_date';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-import-'));

function gb18030(textUtf8) {
  return execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: Buffer.from(textUtf8, 'utf-8') });
}

/** A workbook written by openpyxl: rows as JSON (numbers stay numbers, "=..." is a formula). */
function workbook(name, sheet, rows) {
  const file = path.join(tmp, name);
  const script = `import json, sys, datetime
sys.path.insert(0, ${JSON.stringify(path.join(SOURCE, 'tests', 'io'))})
from xlsx_fixtures import openpyxl_xlsx
rows = json.loads(sys.argv[2])
rows = [[datetime.date.fromisoformat(v[5:]) if isinstance(v, str) and v.startswith('date:') else v for v in r] for r in rows]
openpyxl_xlsx(sys.argv[1], [(${JSON.stringify(sheet)}, rows)])`;
  execFileSync('/usr/bin/python3', ['-c', script, file, JSON.stringify(rows)]);
  return fs.readFileSync(file);
}

async function openImport(page, base) {
  await page.goto(base + '/app/#/import');
  await visible(page, 'import-form');
}

await run('browser-import', [
  ['the import screen offers CSV or Excel and the encoding', async (browser, base) => {
    const { context, page } = await newPage(browser, base, RECIPIENT);
    await signIn(page, base, RECIPIENT);
    await openImport(page, base);
    const form = await text(page, 'import-form');
    contains(form, '导入 CSV 或 Excel 文件', 'title');
    contains(form, 'CSV 或 Excel 文件', 'file label');
    contains(form, 'CSV 编码', 'encoding label');
    check(!form.includes('（UTF-8）'), 'the screen no longer says the file must be UTF-8');
    const options = await byTestid(page, 'import-encoding').locator('option').allInnerTexts();
    equal(options.join('|'), '自动识别|UTF-8|GB18030', 'encoding choices');
    equal(await byTestid(page, 'import-file').getAttribute('accept'), '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'accepted files');
    await shotOf(byTestid(page, 'import-form'), 'import-form');
    checkProblems();
    await context.close();
  }],

  ['a GB18030 CSV is detected and the result says so', async (browser, base) => {
    const { context, page } = await newPage(browser, base, RECIPIENT);
    await signIn(page, base, RECIPIENT);
    await openImport(page, base);
    const csv = HEADER + '\nBR-GB-1,东海县西双湖温室大棚,WX-LYG-YX-DH,320722,产业,livelihood,申报,120000.00,2024-10-08\n';
    await byTestid(page, 'import-kind').selectOption('projects');
    await byTestid(page, 'import-file').setInputFiles({ name: '东海县项目.csv', mimeType: 'text/csv', buffer: gb18030(csv) });
    await byTestid(page, 'import-submit').click();
    await visible(page, 'import-result');
    equal(await text(page, 'import-note'), '文件不是 UTF-8 编码，已按 GB18030 读取', 'the note');
    contains(await text(page, 'import-result'), '新增\n1', 'one project created');
    await shot(page, 'gb18030-detected');
    await shotOf(byTestid(page, 'import-result'), 'gb18030-result');
    // the same bytes with UTF-8 chosen: refused, as the officer asked
    await openImport(page, base);
    await byTestid(page, 'import-encoding').selectOption('utf-8');
    await byTestid(page, 'import-file').setInputFiles({ name: '东海县项目.csv', mimeType: 'text/csv', buffer: gb18030(csv.replace('BR-GB-1', 'BR-GB-2')) });
    expectFailure('POST', '/api/v1/import/projects', 422, 'a GB18030 file read as UTF-8');
    await byTestid(page, 'import-submit').click();
    await visible(page, 'import-errors');
    checkProblems();
    await context.close();
  }],

  ['an Excel workbook imports, and a bad one names its cells', async (browser, base) => {
    const { context, page } = await newPage(browser, base, RECIPIENT);
    await signIn(page, base, RECIPIENT);
    await openImport(page, base);
    const header = HEADER.split(',');
    const good = workbook('good.xlsx', '项目', [header,
      ['BR-X-1', '东海县水晶产业园配套道路', 'WX-LYG-YX-DH', 320722, '交通', 'park', 'proposed', 2500000.5, 'date:2024-11-01'],
      ['BR-X-2', '东海县农村供水提升', 'WX-LYG-YX-DH', '320722', 'other', 'livelihood', '申报', '800,000.00', '2024-11-15']]);
    await byTestid(page, 'import-kind').selectOption('projects');
    await byTestid(page, 'import-file').setInputFiles({ name: '东海县项目.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: good });
    await byTestid(page, 'import-submit').click();
    await visible(page, 'import-result');
    const result = await text(page, 'import-result');
    contains(result, '工作表\n项目', 'the sheet read');
    contains(result, '新增\n2', 'two projects created');
    equal(await byTestid(page, 'import-note').count(), 0, 'no encoding note for a workbook');
    await shot(page, 'xlsx-imported');

    const bad = workbook('bad.xlsx', 'Sheet1', [header,
      ['BR-X-3', '好的一行', 'WX-LYG-YX-DH', 320722, 'education', 'livelihood', 'proposed', 100, 'date:2024-11-01'],
      ['BR-X-4', '金额是公式', 'WX-LYG-YX-DH', 320722, 'education', 'livelihood', 'proposed', '=SUM(H2,1)', 'date:2024-11-01'],
      ['BR-X-5', '日期不存在', 'WX-LYG-YX-DH', 320722, 'education', 'livelihood', 'proposed', 100, '2024-02-30']]);
    await openImport(page, base);
    await byTestid(page, 'import-file').setInputFiles({ name: '东海县项目-有误.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: bad });
    expectFailure('POST', '/api/v1/import/projects', 422, 'a workbook with a formula and a bad date');
    await byTestid(page, 'import-submit').click();
    await visible(page, 'import-errors');
    const errors = await text(page, 'import-errors');
    contains(errors, '单元格', 'the cell column');
    contains(await text(page, 'import-error-3'), 'Sheet1!H3', 'the formula\'s cell');
    contains(await text(page, 'import-error-3'), '选择性粘贴 → 数值', 'how to fix a formula');
    contains(await text(page, 'import-error-4'), 'Sheet1!I4', 'the bad date\'s cell');
    await shot(page, 'xlsx-refused');
    await shotOf(byTestid(page, 'import-errors'), 'xlsx-errors');
    checkProblems();
    await context.close();
  }],
]);
