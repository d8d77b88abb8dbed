// browser_forms.test.mjs - issue 12, item 3 (second half): forms that offer only
// what the user may use, lists that open on the user's own county with region
// names, and the new screens (a project's fund account, a milestone photo, the
// change history from the log). Screenshots go to $PA_ARTEFACTS/browser-forms/.
//
//   PAIRAID=build-test/pairaid PA_SOURCE_DIR=. PA_ARTEFACTS=build-test/artefacts \
//     NODE_PATH=node_modules node tests/http/browser_forms.test.mjs

import zlib from 'node:zlib';
import {
  check, equal, contains, byTestid, text, visible, shot, shotOf, checkProblems, newPage, signIn, apiCall, tokenOf, run,
} from './browser_kit.mjs';

const RECIPIENT = 'donghai.office'; // 东海县 320722
const AUDITOR = 'audit.wxlyg';
const DONGHAI = '320722';
const NEW_PROJECT = 'T-FORMS-001';
const state = {};

/** A drawn picture for the key moment (no photo files in the tree): sky, sun, a canteen with a roof. */
function drawnPng(width = 360, height = 220) {
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = [0];
    for (let x = 0; x < width; x++) {
      let c = [120 + (y * 80) / height, 180 + (y * 40) / height, 235]; // sky
      if ((x - 290) ** 2 + (y - 50) ** 2 < 26 ** 2) c = [250, 200, 60]; // sun
      if (y > 170) c = [96, 160, 80]; // grass
      if (x > 70 && x < 250 && y > 100 && y <= 170) c = [225, 215, 195]; // walls
      if (y > 70 && y <= 100 && Math.abs(x - 160) < (y - 70) * 3.3 + 10) c = [180, 60, 50]; // roof
      if (x > 145 && x < 175 && y > 130 && y <= 170) c = [110, 80, 60]; // door
      if ((x > 90 && x < 125 || x > 195 && x < 230) && y > 115 && y < 140) c = [140, 190, 230]; // windows
      row.push(...c.map(Math.round));
    }
    rows.push(Buffer.from(row));
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const head = Buffer.alloc(13);
  head.writeUInt32BE(width, 0);
  head.writeUInt32BE(height, 4);
  head.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), chunk('IHDR', head), chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

async function optionValues(page, testid) {
  return byTestid(page, testid).locator('option').evaluateAll((opts) => opts.map((o) => o.value).filter(Boolean));
}

async function regionCells(page) {
  // the region is the fifth column of the projects table
  return byTestid(page, 'projects-table').locator('tbody tr td:nth-child(5)').allInnerTexts();
}

// --- steps ------------------------------------------------------------------------------

async function requestFormOffersOwnAccounts(browser, base) {
  const { page } = await newPage(browser, base, RECIPIENT);
  state.page = page;
  state.token = await tokenOf(base, RECIPIENT);
  await signIn(page, base, RECIPIENT);
  await byTestid(page, 'nav-transfers').click();
  await visible(page, 'request-form');
  const payers = await optionValues(page, 'request-from');
  const allowed = (await apiCall(base, 'GET', '/api/v1/accounts?may=request', undefined, state.token)).accounts;
  const readable = (await apiCall(base, 'GET', '/api/v1/accounts', undefined, state.token)).accounts;
  check(readable.length > 300, `donghai.office reads ${readable.length} accounts`);
  equal(payers.slice().sort().join(' '), allowed.map((a) => a.code).sort().join(' '), 'payer accounts offered = the server\'s may=request list');
  const byCode = new Map(readable.map((a) => [a.code, a]));
  for (const code of payers) check(byCode.get(code).region === DONGHAI || byCode.get(code).kind === 'pool', `payer ${code} is 东海县's or the pool it may ask`);
  check(!payers.some((c) => byCode.get(c).kind === 'source'), 'no donor source is offered');
  check(payers.length < 25, `${payers.length} payer accounts offered (was 99)`);
  // asking the pool: only 东海县's project accounts may receive
  await byTestid(page, 'request-from').selectOption('POOL-WX-LYG');
  await page.waitForFunction(() => document.querySelector('[data-testid="request-to"]').options.length > 1 && ![...document.querySelector('[data-testid="request-to"]').options].some((o) => o.value.startsWith('PAY-')));
  const targets = await optionValues(page, 'request-to');
  check(targets.length > 10, `${targets.length} receiving accounts for the pool`);
  for (const code of targets) check(byCode.get(code).kind === 'project' && byCode.get(code).region === DONGHAI, `pool pays into ${code}, a 东海县 project account`);
  await byTestid(page, 'request-from').selectOption('PRJ-LYG-MS-052');
  await page.waitForFunction(() => [...document.querySelector('[data-testid="request-to"]').options].some((o) => o.value.startsWith('PAY-')));
  await shotOf(byTestid(page, 'request-form'), 'request-form-donghai');
  // every payer offered, the select drawn open (a closed select shows one line)
  contains(await byTestid(page, 'request-from').innerText(), 'PRJ-LYG-MS-052', 'own project account offered');
  await byTestid(page, 'request-from').evaluate((s) => (s.size = s.options.length + s.querySelectorAll('optgroup').length));
  await shotOf(byTestid(page, 'request-from'), 'request-from-options');
  await byTestid(page, 'request-from').evaluate((s) => (s.size = 0));
  checkProblems();
}

async function newProjectOffersOwnPairing(browser, base) {
  const page = state.page;
  await byTestid(page, 'nav-projects').click();
  await visible(page, 'project-new');
  await byTestid(page, 'project-new').click();
  await visible(page, 'project-form');
  await page.waitForFunction(() => document.querySelector('[data-testid="project-region"]').options.length > 0);
  equal((await optionValues(page, 'project-pairing')).join(' '), 'WX-LYG WX-LYG-YX-DH', 'pairings offered (was all 19)');
  equal(await byTestid(page, 'project-pairing').inputValue(), 'WX-LYG-YX-DH', 'the county\'s own pairing is chosen');
  equal((await optionValues(page, 'project-region')).join(' '), DONGHAI, 'regions offered');
  equal((await byTestid(page, 'project-region').locator('option').innerText()).trim(), '东海县', 'the region by its name');
  const pairingLabels = await byTestid(page, 'project-pairing').locator('option').allInnerTexts();
  check(pairingLabels.includes('宜兴市—东海县结对帮扶'), 'pairing by its name: ' + pairingLabels.join(', '));
  await shot(page, 'new-project-donghai');
  checkProblems();
}

async function listDefaultsToCounty(browser, base) {
  const page = state.page;
  await byTestid(page, 'nav-projects').click();
  await visible(page, 'projects-table');
  equal(await byTestid(page, 'projects-scope').inputValue(), 'mine', 'the list opens on the own county');
  contains(await byTestid(page, 'projects-scope').locator('option:checked').innerText(), '东海县', 'scope label');
  const mine = await regionCells(page);
  check(mine.length > 10 && mine.every((r) => r.trim() === '东海县'), 'every listed project is in 东海县: ' + [...new Set(mine)].join(','));
  contains(await page.locator('.pager').innerText(), '共 17 条', 'the county\'s 17 projects');
  await shot(page, 'projects-list-donghai');
  await byTestid(page, 'projects-scope').selectOption('all');
  await page.waitForFunction(() => {
    const pager = document.querySelector('.pager');
    return pager && /共 \d+ 条/.test(pager.innerText) && !pager.innerText.includes('共 17 条');
  });
  const all = await regionCells(page);
  check(new Set(all).size > 1, 'widened: several counties ' + [...new Set(all)].join(','));
  check(all.every((r) => !/\d{6}/.test(r)), 'region names, not codes');
  await shot(page, 'projects-list-all');
  // accounts open on the county too, with region names
  await byTestid(page, 'nav-accounts').click();
  await visible(page, 'account-table');
  equal(await byTestid(page, 'account-scope').inputValue(), DONGHAI, 'accounts open on the own county');
  const regions = await byTestid(page, 'account-table').locator('tbody tr td:nth-child(4)').allInnerTexts();
  check(regions.length > 10 && regions.every((r) => r.trim() === '东海县'), 'accounts of 东海县, by name');
  await shot(page, 'accounts-donghai');
  // transfers too: requests and history open on the county
  await byTestid(page, 'nav-transfers').click();
  await visible(page, 'history-table');
  equal(await byTestid(page, 'transfers-scope').inputValue(), DONGHAI, 'transfers open on the own county');
  const histRows = await byTestid(page, 'history-table').locator('tbody tr').allInnerTexts();
  check(histRows.length > 0 && histRows.every((r) => r.includes('东海县')), 'every transfer in the history touches a 东海县 account');
  await shot(page, 'transfers-donghai');
  checkProblems();
}

async function auditorSeesNoActions(browser, base) {
  const { page } = await newPage(browser, base, AUDITOR);
  await signIn(page, base, AUDITOR);
  await byTestid(page, 'nav-projects').click();
  await visible(page, 'projects-table');
  equal(await byTestid(page, 'project-new').count(), 0, 'no 新建项目 for an auditor');
  equal(await byTestid(page, 'projects-scope').count(), 0, 'no county scope for an auditor');
  await shot(page, 'projects-auditor');
  await page.goto(base + '/app/#/projects/new');
  await visible(page, 'project-new-refused');
  equal(await byTestid(page, 'project-form').count(), 0, 'no project form to fill in');
  contains(await text(page, 'project-new-refused'), '不能新建项目', 'why there is no form');
  await page.goto(base + '/app/#/projects/LYG-MS-047');
  await visible(page, 'project-history');
  for (const form of ['project-edit', 'milestone-form', 'account-form']) equal(await byTestid(page, form).count(), 0, `no ${form} for an auditor`);
  await byTestid(page, 'nav-transfers').click();
  await visible(page, 'pending-table');
  equal(await byTestid(page, 'request-form').count(), 0, 'no request form for an auditor');
  equal(await page.locator('[data-testid^="approve-"]').count(), 0, 'no approve buttons for an auditor');
  check(!(await byTestid(page, 'pending-table').innerText()).includes('审批'), 'no decision column for an auditor');
  await shotOf(byTestid(page, 'pending-table'), 'transfers-auditor');
  await page.context().close();
  checkProblems();
}

async function accountForNewProject(browser, base) {
  const page = state.page;
  await page.goto(base + '/app/#/projects/new');
  await visible(page, 'project-form');
  await page.waitForFunction(() => document.querySelector('[data-testid="project-region"]').options.length > 0);
  await byTestid(page, 'project-code').fill(NEW_PROJECT);
  await byTestid(page, 'project-name').fill('东海县石榴街道社区食堂建设项目（测试）');
  await byTestid(page, 'project-budget').fill('500000');
  await byTestid(page, 'project-start-date').fill('2026-03-01');
  await byTestid(page, 'project-submit').click();
  await visible(page, 'account-form');
  equal(await byTestid(page, 'account-code').inputValue(), 'PRJ-' + NEW_PROJECT, 'account code proposed');
  const facts = await byTestid(page, 'account-form').innerText();
  for (const part of ['项目', '东海县', '宜兴市—东海县结对帮扶']) contains(facts, part, 'account form facts');
  await shotOf(byTestid(page, 'account-form'), 'account-form');
  await byTestid(page, 'account-submit').click();
  await page.waitForFunction(() => {
    const notice = document.querySelector('[data-testid="notice"]');
    return notice && !notice.hidden && notice.innerText.includes('已开设');
  });
  contains(await text(page, 'notice'), `资金账户 PRJ-${NEW_PROJECT} 已开设。`, 'notice');
  await visible(page, 'project-page');
  contains(await page.locator('.project-page').innerText(), 'PRJ-' + NEW_PROJECT, 'the account is listed on the project page');
  equal(await byTestid(page, 'account-form').count(), 0, 'the form is gone once the project has its account');
  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky notice stays where the officer scrolled to
  await shot(page, 'account-created');
  checkProblems();
}

async function photoUpload(browser, base) {
  const page = state.page;
  await visible(page, 'milestone-form');
  await byTestid(page, 'milestone-date').fill('2026-03-20');
  await byTestid(page, 'milestone-title').fill('食堂主体结构封顶');
  equal(await text(page, 'milestone-photo-name'), '未选择照片', 'the picker speaks Chinese, not the browser\'s "No file chosen"');
  await byTestid(page, 'milestone-photo').setInputFiles({ name: '封顶.png', mimeType: 'image/png', buffer: drawnPng() });
  equal(await text(page, 'milestone-photo-name'), '封顶.png', 'the chosen file is named');
  await shotOf(byTestid(page, 'milestone-form'), 'milestone-form');
  await byTestid(page, 'milestone-submit').click();
  await page.waitForFunction(() => {
    const img = document.querySelector('.project-page img.moment-photo');
    return img && img.complete && img.naturalWidth > 0;
  });
  await page.waitForFunction(() => document.querySelector('[data-testid="notice"]').innerText.includes('食堂主体结构封顶'));
  const src = await page.locator('.project-page img.moment-photo').getAttribute('src');
  check(/^\/media\/[0-9a-f]{64}\.png$/.test(src), 'photo served from /media: ' + src);
  await page.locator('[data-testid="notice"] .banner-close').click(); // the sticky notice would cover the heading
  await shotOf(page.locator('.project-page section.card').filter({ hasText: '定格时刻' }).first(), 'milestone-photo');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'project-with-photo');
  checkProblems();
}

async function historyAfterPatch(browser, base) {
  const page = state.page;
  await visible(page, 'project-edit');
  await byTestid(page, 'edit-budget').fill('650000.00');
  await byTestid(page, 'edit-status').selectOption('approved');
  await byTestid(page, 'edit-submit').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="notice"]') && document.querySelector('[data-testid="notice"]').innerText.includes('已保存'));
  await visible(page, 'history-table');
  const rows = await byTestid(page, 'history-table').locator('tbody tr').allInnerTexts();
  equal(rows.length, 5, 'filed, account, moment, update, advance: ' + rows.length);
  const [advance, update, moment, account, created] = rows;
  for (const part of ['推进项目状态', '状态：', '申报', '立项', RECIPIENT, '受援方项目经办']) contains(advance, part, 'status row');
  for (const part of ['修改项目信息', '预算数：', '500,000.00 元', '650,000.00 元']) contains(update, part, 'budget row');
  for (const part of ['添加定格时刻', '食堂主体结构封顶', '照片：已上传']) contains(moment, part, 'moment row');
  for (const part of ['开设资金账户', 'PRJ-' + NEW_PROJECT]) contains(account, part, 'account row');
  for (const part of ['登记项目', '东海县石榴街道社区食堂建设项目（测试）']) contains(created, part, 'created row');
  check(!/project\.|account\.|milestone\./.test(rows.join(' ')), 'no raw event types shown');
  check(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(advance), 'time shown: ' + advance);
  await page.locator('[data-testid="notice"] .banner-close').click(); // the sticky notice would cover the heading
  await shotOf(byTestid(page, 'project-history'), 'history-after-patch');
  // the English view names the events and fields in English, with no full-width colons
  await page.locator('#lang-switch').click();
  await page.waitForFunction(() => {
    const head = document.querySelector('[data-testid="project-history"] h3');
    return head && head.innerText === 'Change history' && document.querySelector('[data-testid="history-table"]');
  });
  const english = await byTestid(page, 'history-table').innerText();
  for (const part of ['Status moved forward', 'Budget: ', 'Project filed', 'Fund account opened']) contains(english, part, 'English history');
  check(!english.includes('：'), 'no full-width colon in the English history');
  await shotOf(byTestid(page, 'project-history'), 'history-english');
  await page.locator('#lang-switch').click();
  checkProblems();
}

run('browser-forms', [
  ['donghai.office: request form offers only its accounts', requestFormOffersOwnAccounts],
  ['donghai.office: new project offers its pairing and county', newProjectOffersOwnPairing],
  ['lists open on 东海县 with region names; widen to all', listDefaultsToCounty],
  ['auditor: no 新建项目, no forms, no request form', auditorSeesNoActions],
  ['a fund account for a new project, from its page', accountForNewProject],
  ['a milestone photo uploaded and shown', photoUpload],
  ['the change history after a PATCH', historyAfterPatch],
]);
