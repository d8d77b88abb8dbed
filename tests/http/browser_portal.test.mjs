// browser_portal.test.mjs - the portal as readers of aid data use it (issue 12, item 6):
// filters kept in the address, the county map, CSV downloads, the project page with its
// payments, contractors, indicators and pictures, and the 可信账本 section checking real
// Ed25519 signatures in the browser. Screenshots go to $PA_ARTEFACTS/browser-portal/.
//
//   PAIRAID=build-test/pairaid PA_SOURCE_DIR=. PA_ARTEFACTS=build-test/artefacts \
//     NODE_PATH=node_modules node tests/http/browser_portal.test.mjs

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Failure, check, equal, contains, byTestid, text, visible, shot, shotOf, checkProblems, noStrayWords, artefact, newPage, chartsDrawn, apiCall, tokenOf, run, SOURCE } from './browser_kit.mjs';

const PAIRAID = process.env.PAIRAID || path.join(SOURCE, 'build', 'pairaid');
const PROJECT = 'LYG-MS-TAOLIN-CANTEEN'; // 东海县桃林镇第二中心小学新建学生食堂: 3 payments, a contract, 2 indicators, a picture

async function openPortal(browser, base, hash, who = 'portal') {
  const { context, page } = await newPage(browser, base, who);
  await page.goto(base + '/' + hash);
  return { context, page };
}

/** The projects the API gives the public for these filters (what the page must show). */
async function projectTotal(base, query) {
  return (await apiCall(base, 'GET', '/api/v1/projects?limit=1&' + query)).total;
}

const steps = [
  ['可信账本 says plainly that nothing is signed yet', async (browser, base) => {
    const { context, page } = await openPortal(browser, base, '#/ledger');
    await visible(page, 'trust-none');
    contains(await text(page, 'trust-none'), '尚未签署任何检查点', 'no checkpoint');
    contains(await text(page, 'trust-none'), '不能证明账本未被改动', 'what that means');
    // the inclusion check still works, and says what it compared with
    await byTestid(page, 'proof-form').locator('button[type=submit]').click();
    await visible(page, 'proof-verdict');
    contains(await text(page, 'proof-verdict'), '服务器返回的根哈希', 'verdict names the server root');
    await noStrayWords(page, 'unsigned ledger and a proof verdict');
    await shotOf(page.locator('#ledger'), 'ledger-unsigned');
    checkProblems();
    await context.close();
  }],

  ['both sides sign; the browser verifies two Ed25519 signatures and the consistency proof', async (browser, base, server) => {
    const signed = spawnSync(path.join(SOURCE, 'scripts', 'demo-sign'), [PAIRAID, server.db, path.join(server.dir, 'keys')], { encoding: 'utf8' });
    if (signed.status !== 0) throw new Failure('demo-sign: ' + signed.stderr);
    // one more event after the signing, so the page must prove that today's books extend the signed ones
    const token = await tokenOf(base, 'admin');
    await apiCall(base, 'POST', `/api/v1/projects/${PROJECT}/milestones`, { date: '2024-09-02', kind: 'visit', title: '结对双方回访新食堂', description: '无锡、连云港两地工作人员回访，新食堂运行良好（测试数据）。' }, token);
    const { context, page } = await openPortal(browser, base, '#/ledger');
    await visible(page, 'trust-summary');
    equal(await byTestid(page, 'signature-ok').count(), 2, 'valid signatures');
    contains(await text(page, 'trust-summary'), '2 个签名全部有效', 'summary');
    const sigs = await text(page, 'signatures');
    contains(sigs, '无锡市财政局', 'donor signer');
    contains(sigs, '连云港市财政局', 'recipient signer');
    check(/签署时账本共 [\d,]+ 条记录，其中最后一条记录于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）/.test(sigs), 'who signed and when: ' + sigs);
    contains(await text(page, 'trust-consistency'), '一致性证明已在浏览器中校验通过', 'consistency');
    // the inclusion check now compares with the signed root
    await byTestid(page, 'proof-form').locator('button[type=submit]').click();
    await visible(page, 'proof-verdict');
    contains(await text(page, 'proof-verdict'), '已签名检查点', 'verdict names the signed checkpoint');
    await noStrayWords(page, 'signed ledger');
    await shotOf(page.locator('#ledger'), 'ledger-signed');
    checkProblems();
    await context.close();
  }],

  ['a tampered signature is shown as failing', async (browser, base) => {
    const { context, page } = await newPage(browser, base, 'portal-tampered');
    // The server's answer altered on its way: one character of the recipient's signature.
    await page.route('**/api/v1/log/checkpoint', async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      const lines = body.checkpoint.split('\n');
      const at = lines.findIndex((l) => l.startsWith('— 连云港市财政局 '));
      const i = lines[at].length - 10;
      lines[at] = lines[at].slice(0, i) + (lines[at][i] === 'A' ? 'B' : 'A') + lines[at].slice(i + 1);
      body.checkpoint = lines.join('\n');
      await route.fulfill({ response: res, json: body });
    });
    await page.goto(base + '/#/ledger');
    await visible(page, 'trust-summary');
    equal(await byTestid(page, 'signature-ok').count(), 1, 'the donor signature still verifies');
    equal(await byTestid(page, 'signature-bad').count(), 1, 'the altered one fails');
    contains(await text(page, 'signature-bad'), '连云港市财政局', 'which one');
    contains(await text(page, 'signature-bad'), '签名无效', 'verdict');
    contains(await text(page, 'trust-summary'), '核验未通过', 'summary');
    await noStrayWords(page, 'tampered ledger');
    await shotOf(page.locator('#ledger'), 'ledger-tampered');
    checkProblems();
    await context.close();
  }],

  ['a shared address restores the filters; "灌南县" finds all 17 of its projects', async (browser, base) => {
    const total = await projectTotal(base, 'region=320724&year=2023');
    check(total > 0, 'demo has 灌南县 projects started in 2023');
    const { context, page } = await openPortal(browser, base, '#/projects?region=320724&year=2023');
    await visible(page, 'project-count');
    equal(await byTestid(page, 'filter-region').inputValue(), '320724', 'county filter');
    equal(await byTestid(page, 'filter-year').inputValue(), '2023', 'year filter');
    contains(await text(page, 'project-count'), `共 ${total} 个项目`, 'count');
    const rows = page.locator('[data-testid^="project-row-"]');
    for (let i = 0; i < (await rows.count()); i++) {
      const row = await rows.nth(i).innerText();
      contains(row, '灌南县', 'row in 灌南县');
      contains(row, '2023-', 'row started in 2023');
    }
    await shotOf(page.locator('#projects'), 'filters-from-address');

    // A pairing picked on the page goes into the address, and a reload keeps it.
    await byTestid(page, 'filter-pairing').selectOption('WX-LYG-XS-GN');
    await page.waitForFunction(() => location.hash.includes('pairing=WX-LYG-XS-GN'));
    contains(page.url(), 'region=320724', 'address keeps the county');
    await page.reload();
    await visible(page, 'project-count');
    equal(await byTestid(page, 'filter-pairing').inputValue(), 'WX-LYG-XS-GN', 'pairing after reload');
    equal(await byTestid(page, 'filter-year').inputValue(), '2023', 'year after reload');
    // a project, then 返回项目库: the same filtered list
    await page.locator('[data-testid^="project-row-"] a').first().click();
    await visible(page, 'project-page');
    await page.locator('#project-page a.back').click();
    await visible(page, 'project-count');
    equal(await byTestid(page, 'filter-pairing').inputValue(), 'WX-LYG-XS-GN', 'pairing after going back');
    equal(await byTestid(page, 'filter-region').inputValue(), '320724', 'county after going back');

    // The region name finds the county's projects, not only those whose names say it.
    await page.goto(base + '/#/projects?q=' + encodeURIComponent('灌南县'));
    await page.waitForFunction(() => /共 17 个项目/.test(document.querySelector('[data-testid="project-count"]')?.textContent || ''));
    equal(await projectTotal(base, 'region=320724'), 17, 'the API agrees: 17 projects in 灌南县');
    await shotOf(page.locator('#projects'), 'search-region-name');

    // An empty result says so, without a stray "null".
    await page.goto(base + '/#/projects?q=' + encodeURIComponent('没有这样的项目'));
    await visible(page, 'project-none');
    contains(await text(page, 'project-none'), '没有符合条件的项目', 'empty result');
    await noStrayWords(page, 'empty search');
    await shotOf(page.locator('#projects'), 'search-empty');
    checkProblems();
    await context.close();
  }],

  ['the project list downloads as a CSV Chinese Excel opens, matching the filters', async (browser, base) => {
    const { context, page } = await openPortal(browser, base, '#/projects?region=320724');
    await visible(page, 'projects-csv');
    const [download] = await Promise.all([page.waitForEvent('download'), byTestid(page, 'projects-csv').click()]);
    equal(download.suggestedFilename(), '项目库-灌南县.csv', 'file name says the filter');
    const bytes = fs.readFileSync(await download.path());
    equal(bytes.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 byte order mark');
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    equal(lines[0], '项目编号,项目名称,类别,状态,领域,所在地区,结对关系,预算数（元）,开始日期', 'Chinese headings');
    equal(lines.length - 2, 17, 'one line per project of 灌南县 (and a final CRLF)');
    check(lines.slice(1, -1).every((l) => l.includes(',灌南县,')), 'every row is in 灌南县');
    check(/,\d+\.\d{2},\d{4}-\d{2}-\d{2}$/.test(lines[1]), 'budget in yuan without separators: ' + lines[1]);
    fs.copyFileSync(await download.path(), artefact('projects-guannan.csv'));

    // The county table too: what it shows, in the same unit.
    await page.goto(base + '/#/counties');
    await visible(page, 'county-csv');
    const [county] = await Promise.all([page.waitForEvent('download'), byTestid(page, 'county-csv').click()]);
    equal(county.suggestedFilename(), '分县区预算执行.csv', 'county file name');
    const ctext = fs.readFileSync(await county.path(), 'utf8');
    check(ctext.startsWith('\uFEFF县区,项目数'), 'county headings: ' + ctext.slice(0, 40));
    contains(ctext, '灌南县', 'county rows');
    await shotOf(page.locator('#counties .table-wrap').first(), 'county-table-csv');
    checkProblems();
    await context.close();
  }],

  ['the map colours 连云港市\'s six counties by funds; a click opens the county\'s projects', async (browser, base) => {
    const { context, page } = await openPortal(browser, base, '#/counties');
    await chartsDrawn(page, ['chart-map']);
    const names = await page.evaluate(() => {
      const chart = window.echarts.getInstanceByDom(document.getElementById('chart-map'));
      return chart.getOption().series[0].data.map((d) => d.name + ':' + (d.value === null ? '-' : 'v'));
    });
    equal(names.sort().join(' '), ['东海县:v', '海州区:v', '灌云县:v', '灌南县:v', '赣榆区:v', '连云区:v'].sort().join(' '), 'six counties with funds');
    await shotOf(page.locator('.map-card'), 'map');
    // a click on 灌南县 (its centre as the boundary data gives it)
    const at = await page.evaluate(() => {
      const box = document.getElementById('chart-map');
      const chart = window.echarts.getInstanceByDom(box);
      const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [119.3157, 34.0871]);
      const r = box.getBoundingClientRect();
      return { x: r.left + x, y: r.top + y };
    });
    await page.mouse.click(at.x, at.y);
    await page.waitForFunction(() => location.hash === '#/projects?region=320724');
    await visible(page, 'project-count');
    contains(await text(page, 'project-count'), '共 17 个项目', 'the county\'s projects');
    equal(await byTestid(page, 'filter-region').inputValue(), '320724', 'county filter set by the map');
    checkProblems();
    await context.close();
  }],

  ['the project page: payments and payees, contractor, indicators, pictures', async (browser, base) => {
    const { context, page } = await openPortal(browser, base, '#/project/' + PROJECT);
    await visible(page, 'project-payments');
    const payments = await text(page, 'project-payments-table');
    contains(payments, '东海县房屋建筑工程有限公司（示例）', 'payee');
    contains(payments, '1,248,000.00', 'total paid');
    equal(await byTestid(page, 'project-payments-table').locator('tbody tr').count(), 3, 'payments (the return to the fund is not one)');
    const contracts = await text(page, 'project-contracts-table');
    contains(contracts, '东海县房屋建筑工程有限公司（示例）', 'contractor');
    check(/公开招标|邀请招标|竞争性|询价|单一来源|直接委托/.test(contracts), 'procurement in Chinese: ' + contracts);
    const indicators = await text(page, 'project-indicators-table');
    check(/\d+(\.\d)?%/.test(indicators), 'achievement rate: ' + indicators);
    await visible(page, 'project-photos');
    const img = byTestid(page, 'project-photos').locator('img').first();
    await img.waitFor();
    check(await img.evaluate((i) => i.complete && i.naturalWidth === 640), 'the picture loaded');
    contains(await text(page, 'project-photos'), '新建食堂投用', 'caption');
    contains(await text(page, 'project-photos-demo'), '示意插图', 'says it is an illustration');
    // no personal data: no memo, no actor in the public answer
    const detail = await apiCall(base, 'GET', '/api/v1/projects/' + PROJECT);
    check(detail.payments.every((p) => !('memo' in p) && !('actor' in p)), 'no memo or actor in payments');
    await noStrayWords(page, 'project page');
    await shot(page, 'project-page');

    const [download] = await Promise.all([page.waitForEvent('download'), byTestid(page, 'project-payments-csv').click()]);
    equal(download.suggestedFilename(), PROJECT + '-支付明细.csv', 'payments file name');
    const csv = fs.readFileSync(await download.path(), 'utf8');
    check(csv.startsWith('\uFEFF日期,收款单位,用途,付款阶段,合同编号,金额（元）\r\n'), 'payments headings: ' + csv.slice(0, 60));
    contains(csv, '合计,,,,,1248000.00', 'total without separators');
    checkProblems();
    await context.close();
  }],

  ['in English the new parts read as English', async (browser, base) => {
    const { context, page } = await openPortal(browser, base, '#/project/' + PROJECT);
    await visible(page, 'project-payments');
    await byTestid(page, 'lang-switch').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="project-payments"] h3')?.textContent === 'Payments');
    contains(await text(page, 'project-contracts'), 'Contractor / supplier', 'contracts heading');
    await noStrayWords(page, 'English project page');
    await shotOf(byTestid(page, 'project-payments'), 'project-payments-en');
    await byTestid(page, 'lang-switch').click(); // back to Chinese for the next contexts
    checkProblems();
    await context.close();
  }],
];

run('browser-portal', steps);
