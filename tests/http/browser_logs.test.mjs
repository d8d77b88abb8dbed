// browser_logs.test.mjs - 账本 with the logs inside the log (docs/ui.md, "账本: one log per
// pairing"): the auditor of 无锡—连云港 opens the page on that pairing's log, sees its head as
// GET /api/v1/log/heads and /log/checkpoint?log=WX-LYG give it, its entries with their
// whole-log seq, and proves an entry's inclusion in that log's tree in the browser (a tampered
// proof fails); both sides then sign a checkpoint of WX-LYG with the command line and the page
// checks their Ed25519 signatures and the consistency of the log since; the choice of log lives
// in the address and survives a reload; the table of every log's head; a phone and English.
// Screenshots go to $PA_ARTEFACTS/browser-logs/.
//
//   PAIRAID=build-test/pairaid PA_SOURCE_DIR=. PA_ARTEFACTS=build-test/artefacts \
//     NODE_PATH=node_modules node tests/http/browser_logs.test.mjs

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  Failure, check, equal, contains, byTestid, text, visible, shot, shotOf, checkProblems, noStrayWords,
  newPage, signIn, apiCall, tokenOf, run, artefact, SOURCE,
} from './browser_kit.mjs';

const PAIRAID = process.env.PAIRAID || path.join(SOURCE, 'build', 'pairaid');
const AUDITOR = 'audit.wxlyg'; // auditor of WX-LYG
const LOG = 'WX-LYG';
const LOG_NAME = '无锡市—连云港市结对帮扶';
const PROJECT = 'LYG-MS-TAOLIN-CANTEEN'; // a project of WX-LYG (WX-LYG-YX-DH, under it)
const PHONE = { width: 390, height: 844 };

const counted = (n) => Number(n).toLocaleString('en-US'); // formatCount's "1,295"

/** The server's view of the logs: heads, the whole log's and LOG's checkpoint. */
async function serverLogs(base) {
  const heads = (await apiCall(base, 'GET', '/api/v1/log/heads')).logs;
  const whole = await apiCall(base, 'GET', '/api/v1/log/checkpoint');
  const cp = await apiCall(base, 'GET', '/api/v1/log/checkpoint?log=' + LOG);
  return { heads, whole, cp, head: heads.find((h) => h.log === LOG) };
}

async function idle(page) {
  await page.waitForFunction(() => !document.querySelector('[data-testid="view"] .loading'));
}

/** The 账本 page at hash, once its checkpoint, proof form and entries have loaded. */
async function openLog(page, base, hash) {
  await page.goto(base + '/app/' + hash);
  await visible(page, 'checkpoint-size');
  await visible(page, 'log-entries');
  await visible(page, 'proof-form');
  await idle(page);
}

/** The card's head equals the server's, and the heads table shows every log as /log/heads does. */
async function headsAgree(page, s, log) {
  const cp = log === LOG ? s.cp : s.whole;
  equal(await text(page, 'checkpoint-size'), counted(cp.size), 'size on the card');
  equal(await text(page, 'checkpoint-root'), cp.root, 'root on the card');
  if (log === LOG) {
    equal(cp.size, s.head.size, '/log/checkpoint?log= and /log/heads agree on the size');
    equal(cp.root, s.head.root, '... and on the root');
    equal(await text(page, 'log-origin'), 'pairaid/log/' + LOG, 'the origin line');
  }
  for (const h of s.heads) {
    equal(await text(page, 'head-size-' + h.log), counted(h.size), `heads table: size of ${h.log}`);
    equal(await text(page, 'head-root-' + h.log), h.root, `heads table: root of ${h.log}`);
    if (h.log !== '*') contains(await text(page, 'head-' + h.log), h.name, `heads table names ${h.log}`);
  }
  equal(await text(page, 'head-size-_all'), counted(s.whole.size), 'heads table: the whole log');
  equal(s.heads.reduce((n, h) => n + h.size, 0), s.whole.size, 'the logs add up to the whole log');
}

/** Every entry row shows its index in LOG and its whole-log seq, as /log/entries?log= gives them. */
async function entriesAgree(page, base, token, size) {
  const from = Math.max(0, size - 20);
  const api = (await apiCall(base, 'GET', `/api/v1/log/entries?log=${LOG}&from=${from}&count=20`, undefined, token)).entries;
  const rows = page.locator('[data-testid="log-entries"] tbody tr');
  equal(await rows.count(), api.length, 'entry rows');
  const heads = await page.locator('[data-testid="log-entries"] thead th').allInnerTexts();
  contains(heads.join('|'), '本账本序号', 'index column');
  contains(heads.join('|'), '全局序号', 'seq column');
  for (const e of api) {
    check(e.seq > e.index, `entry ${e.index} has a whole-log seq (${e.seq})`);
    equal(await text(page, 'log-seq-' + e.index), String(e.seq), `seq of entry ${e.index}`);
  }
  return api;
}

/** Proves entry `index` of the chosen log in the page; returns the verdicts' texts and class. */
async function prove(page, index) {
  await byTestid(page, 'proof-result').evaluate((n) => n.replaceChildren());
  await byTestid(page, 'proof-index').fill(String(index));
  await byTestid(page, 'proof-form').locator('button[type=submit]').click();
  await visible(page, 'proof-verdict');
  return {
    verdict: await text(page, 'proof-verdict'),
    cls: await byTestid(page, 'proof-verdict').getAttribute('class'),
    leaf: (await byTestid(page, 'proof-leaf-verdict').count()) ? await text(page, 'proof-leaf-verdict') : null,
    where: (await byTestid(page, 'proof-where').count()) ? await text(page, 'proof-where') : null,
  };
}

const steps = [
  ['auditor of 无锡—连云港: the page opens on WX-LYG, unsigned, heads as the API says', async (browser, base) => {
    const { context, page } = await newPage(browser, base, AUDITOR);
    await signIn(page, base, AUDITOR);
    const s = await serverLogs(base);
    await openLog(page, base, '#/log');
    // the header names the auditor's pairing, not its code
    await page.waitForFunction((name) => document.getElementById('user-role').textContent.includes(name), LOG_NAME);
    check(!(await page.locator('#user-role').innerText()).includes(LOG), 'no bare pairing code in the header');
    equal(await byTestid(page, 'log-select').inputValue(), LOG, 'the auditor\'s pairing is chosen');
    contains(await text(page, 'log-default'), '已按您的工作范围选定', 'says why');
    equal(await text(page, 'checkpoint-log'), LOG_NAME, 'the card names the log');
    contains(await text(page, 'log-scope'), LOG_NAME + '的账本', 'what the log holds');
    await headsAgree(page, s, LOG);
    // nobody has signed WX-LYG yet: said plainly, the proof compared with the server's root only
    contains(await text(page, 'checkpoint-unsigned'), '暂无签名', 'unsigned');
    contains(await text(page, 'trust-none'), '尚未签署任何检查点', 'what unsigned means');
    equal(await text(page, 'head-signers-' + LOG), '暂无签名', 'heads table: WX-LYG unsigned');
    const token = await tokenOf(base, AUDITOR);
    const entries = await entriesAgree(page, base, token, s.cp.size);
    const entry = entries[entries.length - 3];
    const p = await prove(page, entry.index);
    contains(p.verdict, `校验通过：第 ${entry.index} 条记录包含在大小为 ${counted(s.cp.size)} 的账本中`, 'inclusion in WX-LYG\'s tree');
    contains(p.verdict, '服务器返回的根哈希', 'compared with the server\'s root (nothing signed)');
    contains(p.cls, 'warn', 'amber, not green');
    equal(p.leaf, '条目内容的哈希与 leaf_hash 一致。', 'the entry\'s bytes hash to the leaf');
    equal(p.where, `所校验的账本：${LOG_NAME}；该条目的全局序号为 ${entry.seq}`, 'which log, and the seq');
    // 校验 on a row proves that entry
    const last = entries[entries.length - 1];
    await byTestid(page, 'proof-result').evaluate((n) => n.replaceChildren());
    await byTestid(page, 'log-prove-' + last.index).click();
    await visible(page, 'proof-verdict');
    equal(await byTestid(page, 'proof-index').inputValue(), String(last.index), 'the row\'s index in the form');
    contains(await text(page, 'proof-verdict'), `校验通过：第 ${last.index} 条记录`, 'the row\'s entry proved');
    await noStrayWords(page, 'auditor, WX-LYG');
    await shot(page, 'auditor-wxlyg-unsigned');
    await shotOf(byTestid(page, 'log-heads-section'), 'heads-unsigned');

    // the choice lives in the address: the province log, and back after a reload
    await byTestid(page, 'log-select').selectOption('*');
    await page.waitForFunction(() => location.hash === '#/log/*');
    await visible(page, 'log-entries');
    await idle(page);
    equal(await text(page, 'checkpoint-size'), counted(s.heads.find((h) => h.log === '*').size), 'province log size');
    equal(await text(page, 'checkpoint-log'), '省级日志', 'province log by name');
    contains(await text(page, 'trust-none'), '在省级主管部门签名之前', 'the province office signs the province log');
    await page.reload();
    await openLog(page, base, '#/log/*');
    equal(await byTestid(page, 'log-select').inputValue(), '*', 'the province log after a reload');
    check(!(await byTestid(page, 'log-default').count()), 'no "chosen for your scope" when the address chose');
    // the whole log too, for an auditor whose default is the pairing's
    await byTestid(page, 'log-select').selectOption('_all');
    await page.waitForFunction(() => location.hash === '#/log/_all');
    await page.reload();
    await openLog(page, base, '#/log/_all');
    equal(await byTestid(page, 'log-select').inputValue(), '_all', 'the whole log after a reload');
    equal(await text(page, 'checkpoint-size'), counted(s.whole.size), 'whole log size');
    check(!(await byTestid(page, 'log-seq-0').count()), 'the whole log has no separate seq column');
    checkProblems();
    await context.close();
  }],

  ['both sides sign WX-LYG; admin checks the signatures and proves against the signed root', async (browser, base, server) => {
    const keys = path.join(server.dir, 'keys');
    fs.mkdirSync(keys, { mode: 0o700 });
    const cli = (...args) => {
      const p = spawnSync(PAIRAID, args, { encoding: 'utf8' });
      if (p.status !== 0) throw new Failure(`pairaid ${args.join(' ')}: exit ${p.status}: ${p.stderr}`);
      return p.stdout;
    };
    cli('key', 'generate', '--name', '无锡市财政局', '-o', path.join(keys, 'donor.key'));
    cli('key', 'generate', '--name', '连云港市财政局', '-o', path.join(keys, 'recipient.key'));
    cli('--db', server.db, 'log', 'checkpoint', '--log', LOG, '--key', path.join(keys, 'donor.key'));
    cli('--db', server.db, 'log', 'cosign', '--log', LOG, '--key', path.join(keys, 'recipient.key'));
    const signedSize = (await serverLogs(base)).cp.size;
    // one more event of WX-LYG after the signing: the page must prove that the log extends the signed one
    const admin = await tokenOf(base, 'admin');
    await apiCall(base, 'POST', `/api/v1/projects/${PROJECT}/milestones`, { date: '2024-09-03', kind: 'visit', title: '审计组回访新食堂', description: '联合审计组现场查看（测试数据）。' }, admin);
    const s = await serverLogs(base);
    equal(s.cp.size, signedSize + 1, 'the milestone is in WX-LYG\'s log');

    const { context, page } = await newPage(browser, base, 'admin');
    await signIn(page, base, 'admin');
    await openLog(page, base, '#/log');
    equal(await byTestid(page, 'log-select').inputValue(), '_all', 'admin opens on the whole log');
    check(!(await byTestid(page, 'log-default').count()), 'no scope for admin');
    await byTestid(page, 'log-select').selectOption(LOG);
    await page.waitForFunction((log) => location.hash === '#/log/' + log, LOG);
    await visible(page, 'trust-summary');
    await visible(page, 'proof-form');
    await idle(page);
    await headsAgree(page, s, LOG);
    equal(await text(page, 'checkpoint-note'), s.cp.checkpoint.trim(), 'the signed note as served');
    contains(s.cp.checkpoint, 'pairaid/log/' + LOG + '\n' + signedSize + '\n', 'the note is of WX-LYG');
    equal(await byTestid(page, 'signature-ok').count(), 2, 'both signatures verify in the browser');
    const sigs = await text(page, 'signatures');
    contains(sigs, '无锡市财政局', 'donor');
    contains(sigs, '连云港市财政局', 'recipient');
    contains(sigs, `签署时账本共 ${counted(signedSize)} 条记录`, 'what they signed: WX-LYG\'s size');
    contains(await text(page, 'trust-consistency'), `当前账本（${counted(s.cp.size)} 条）是已签名账本（${counted(signedSize)} 条）的延续`, 'consistency of WX-LYG checked in the browser');
    equal(await text(page, 'head-signers-' + LOG), '无锡市财政局、连云港市财政局', 'heads table: who signed WX-LYG');
    for (const h of s.heads.filter((x) => x.log !== LOG)) equal(await text(page, 'head-signers-' + h.log), '暂无签名', `heads table: ${h.log} unsigned`);
    const entries = await entriesAgree(page, base, admin, s.cp.size);

    // the proof form asks about the signed size and compares with the signed root
    equal(await byTestid(page, 'proof-size').inputValue(), String(signedSize), 'proof size = the signed checkpoint\'s');
    const entry = entries.find((e) => e.index < signedSize && e.type === 'transfer.post') || entries[0];
    const p = await prove(page, entry.index);
    contains(p.verdict, `校验通过：第 ${entry.index} 条记录包含在大小为 ${counted(signedSize)} 的账本中，根哈希与已签名检查点一致`, 'inclusion against the signed root');
    contains(p.cls, 'ok', 'green');
    equal(p.where, `所校验的账本：${LOG_NAME}；该条目的全局序号为 ${entry.seq}`, 'which log, and the seq');
    await noStrayWords(page, 'admin, WX-LYG signed');
    await shot(page, 'admin-wxlyg-signed');
    await shotOf(byTestid(page, 'checkpoint'), 'checkpoint-signed');
    await shotOf(byTestid(page, 'proof-card'), 'proof-ok');
    await shotOf(byTestid(page, 'log-heads-section'), 'heads-signed');

    // the entry written after the signing: proved in the tree as it is now, against the server's root
    const newest = entries[entries.length - 1];
    equal(newest.index, signedSize, 'the milestone is the entry after the signed ones');
    await byTestid(page, 'proof-result').evaluate((n) => n.replaceChildren());
    await byTestid(page, 'log-prove-' + newest.index).click();
    await visible(page, 'proof-verdict');
    equal(await byTestid(page, 'proof-size').inputValue(), String(s.cp.size), 'the size grows to cover the new entry');
    contains(await text(page, 'proof-verdict'), '服务器返回的根哈希', 'not covered by the signed checkpoint: says so');
    await byTestid(page, 'proof-size').fill(String(signedSize));

    // a proof altered on its way fails in the page
    await page.route('**/api/v1/log/proof/inclusion?*', async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      const h = body.proof[0];
      body.proof[0] = (h[0] === 'A' ? 'B' : 'A') + h.slice(1);
      await route.fulfill({ response: res, json: body });
    });
    const bad = await prove(page, entry.index);
    contains(bad.verdict, '校验失败', 'a tampered proof does not verify');
    contains(bad.cls, 'bad', 'red');
    await shotOf(byTestid(page, 'proof-card'), 'proof-tampered');
    await page.unroute('**/api/v1/log/proof/inclusion?*');

    // the choice survives a reload
    await page.reload();
    await openLog(page, base, '#/log/' + LOG);
    equal(await byTestid(page, 'log-select').inputValue(), LOG, 'WX-LYG after a reload');
    await visible(page, 'trust-summary');

    // the province log recorded WX-LYG's signed head (log.head), by its name
    await byTestid(page, 'log-select').selectOption('*');
    await page.waitForFunction(() => location.hash === '#/log/*');
    await visible(page, 'log-entries');
    await idle(page);
    const head = page.locator('[data-testid="log-entries"] [title="log.head"]');
    equal(await head.count(), 1, 'one log.head in the province log\'s latest entries');
    equal((await head.innerText()).trim(), '登记结对账本检查点', 'log.head by its Chinese name');
    await shot(page, 'admin-province');
    checkProblems();
    await context.close();
  }],

  ['a phone (390×844): the log page fits', async (browser, base) => {
    const { context, page } = await newPage(browser, base, AUDITOR + '-phone', PHONE, { isMobile: true, hasTouch: true });
    await signIn(page, base, AUDITOR);
    await openLog(page, base, '#/log');
    await visible(page, 'trust-summary');
    equal(await byTestid(page, 'log-select').inputValue(), LOG, 'the auditor\'s pairing on the phone');
    await page.screenshot({ path: artefact('phone-auditor-wxlyg-screen.png') }); // the first screen only
    // an entry's content opened inside its card must fit too
    await page.locator('[data-testid="log-entries"] tbody tr').first().locator('summary').click();
    await page.waitForTimeout(150); // one frame for the scroll hints
    const bad = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const clips = (node) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(node).overflowX);
      const out = [];
      if (document.documentElement.scrollWidth > width + 1) out.push(`the page is ${document.documentElement.scrollWidth}px wide`);
      for (const node of document.body.querySelectorAll('*')) {
        const r = node.getBoundingClientRect();
        if (r.width === 0 || r.height === 0 || (r.left >= -1 && r.right <= width + 1)) continue;
        let p = node.parentElement;
        while (p && p !== document.body && !clips(p)) p = p.parentElement;
        const ok = p && p !== document.body && p.getBoundingClientRect().right <= width + 1;
        if (!ok) out.push(`${node.tagName.toLowerCase()}.${node.className} "${(node.textContent || '').trim().slice(0, 30)}"`);
      }
      return out.slice(0, 8);
    });
    check(bad.length === 0, 'sticks out of the 390 px screen:\n  ' + bad.join('\n  '));
    await noStrayWords(page, 'phone');
    await shot(page, 'phone-auditor-wxlyg');
    await shotOf(byTestid(page, 'proof-card'), 'phone-proof');
    await shotOf(byTestid(page, 'log-heads-section'), 'phone-heads');
    const entriesTop = await byTestid(page, 'log-entries').evaluate((n) => n.getBoundingClientRect().top + window.scrollY);
    await page.screenshot({ path: artefact('phone-entries.png'), fullPage: true, clip: { x: 0, y: entriesTop - 160, width: PHONE.width, height: 844 } });
    checkProblems();
    await context.close();
  }],

  ['English: the chooser, the columns and the verdicts in English', async (browser, base) => {
    const { context, page } = await newPage(browser, base, AUDITOR + '-en');
    await signIn(page, base, AUDITOR);
    await byTestid(page, 'lang-switch').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await openLog(page, base, '#/log/' + LOG);
    const options = await byTestid(page, 'log-select').locator('option').allInnerTexts();
    equal(options[0], 'Whole log', 'first option');
    equal(options[1], 'Province log', 'second option');
    contains(options.join('|'), LOG_NAME, 'pairings by name');
    const heads = (await page.locator('[data-testid="log-entries"] thead th').allInnerTexts()).join('|');
    contains(heads, 'Index in this log', 'index column');
    contains(heads, 'Whole-log seq', 'seq column');
    const headsTable = (await page.locator('[data-testid="log-heads"] thead th').allInnerTexts()).join('|');
    contains(headsTable, 'Latest checkpoint signed by', 'heads table in English');
    const body = await page.locator('[data-testid="view"]').innerText();
    check(!/[：（）]/.test(body.replace(/[\u4e00-\u9fff\u2014]+/g, '')), 'no full-width marks around English labels');
    await noStrayWords(page, 'English');
    await shot(page, 'auditor-wxlyg-en');
    checkProblems();
    await context.close();
  }],
];

run('browser-logs', steps);
