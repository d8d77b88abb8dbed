// browser_reads.test.mjs - issue 14, item 4: signed-in answers kept per scope.  Two
// county officers open 账户 (the balances) one after the other on one server: the second
// is served while the first one's answer is in the cache, and each sees exactly its own
// county's accounts; a payment recorded in between shows at the next visit.
//
//   PAIRAID=build-test/pairaid PA_SOURCE_DIR=. PA_ARTEFACTS=build-test/artefacts \
//     NODE_PATH=node_modules node tests/http/browser_reads.test.mjs
//
// Every step asserts what the page shows and takes a screenshot into
// $PA_ARTEFACTS/browser-reads/.

import { spawnSync } from 'node:child_process';

import {
  check, equal, byTestid, visible, artefact, checkProblems, newPage, signIn, apiCall, tokenOf, run,
  PASSWORDS,
} from './browser_kit.mjs';

const DONGHAI = 'donghai.office'; // 东海县 320722
const GANYU = 'ganyu.office'; // 赣榆区 320707
const ONLY_GANYU = 'SRC-HUIYU-INVEST'; // read by 赣榆区 (its pairing's source), not by 东海县
const CANTEEN = 'PRJ-LYG-MS-TAOLIN-CANTEEN'; // 东海县's published canteen, read by both
const POOL = 'POOL-WX-LYG'; // the city pairing's pool, read by both counties

const pages = {};

/** The balances (账户) with every account the reader may read, not only their own county's. */
async function openAllAccounts(page) {
  await byTestid(page, 'nav-accounts').click();
  await visible(page, 'account-table');
  const scope = byTestid(page, 'account-scope');
  if (await scope.count()) await scope.selectOption('');
  await byTestid(page, 'account-search').fill('');
  await visible(page, 'account-row-' + CANTEEN);
}

/** Away to 工作台 and back to 账户: the view asks the server again. */
async function revisit(page) {
  await byTestid(page, 'nav-dashboard').click();
  await visible(page, 'dash-funds');
  await openAllAccounts(page);
}

/** The table narrowed by the search box, as the officer sees it (the window, not the whole list). */
async function shotFiltered(page, query, name) {
  await byTestid(page, 'account-search').fill(query);
  await page.waitForTimeout(300);
  await page.screenshot({ path: artefact(name + '.png') });
  await byTestid(page, 'account-search').fill('');
}

async function rowCount(page, code) {
  return byTestid(page, 'account-row-' + code).count();
}

async function balanceOf(page, code) {
  return (await byTestid(page, 'account-row-' + code).innerText()).replace(/\s+/g, ' ');
}

run('browser-reads', [
  ['the officer of 赣榆区 is added beside the demo users', async (browser, base, server) => {
    PASSWORDS[GANYU] = 'pairaid-recipient-2';
    const p = spawnSync(process.env.PAIRAID || 'build/pairaid',
      ['--db', server.db, 'user', 'add', GANYU, '--role', 'recipient', '--region', '320707'],
      { input: PASSWORDS[GANYU] + '\n', encoding: 'utf8' });
    equal(p.status, 0, 'pairaid user add: ' + p.stderr);
  }],
  ['东海县 opens 账户 first: its own accounts, not 赣榆区\'s', async (browser, base) => {
    const { page } = await newPage(browser, base, DONGHAI);
    pages.donghai = page;
    await signIn(page, base, DONGHAI);
    await openAllAccounts(page);
    equal(await rowCount(page, ONLY_GANYU), 0, '东海县 sees no account of 赣榆区\'s pairing');
    await shotFiltered(page, 'SRC-', '01-donghai-sources');
  }],
  ['赣榆区 opens 账户 next (东海县\'s answer is cached): its own rows', async (browser, base) => {
    const { page } = await newPage(browser, base, GANYU);
    pages.ganyu = page;
    await signIn(page, base, GANYU);
    await openAllAccounts(page);
    equal(await rowCount(page, ONLY_GANYU), 1, '赣榆区 sees its pairing\'s source account');
    await shotFiltered(page, 'SRC-', '02-ganyu-sources');
  }],
  ['东海县 again after 赣榆区: still none of 赣榆区\'s rows', async () => {
    const page = pages.donghai;
    await revisit(page);
    equal(await rowCount(page, ONLY_GANYU), 0, '东海县 after 赣榆区 warmed the cache');
    await shotFiltered(page, 'SRC-', '03-donghai-sources-again');
  }],
  ['money paid into the pool in between shows at the next visit', async (browser, base) => {
    const page = pages.donghai;
    const before = await balanceOf(page, POOL);
    const admin = await tokenOf(base, 'admin');
    await apiCall(base, 'POST', '/api/v1/transfers', {
      id: 'BR-READS-1', date: '2024-09-10', from: 'SRC-WX-CITY', to: POOL, amount: '1234.56',
      kind: 'posted', memo: '缓存测试：市级资金划入结对资金池',
    }, admin);
    await revisit(page);
    const after = await balanceOf(page, POOL);
    check(after !== before && after.includes('1,234.56'), `the pool's row shows the payment: ${before} -> ${after}`);
    await shotFiltered(page, 'POOL', '04-donghai-pool-after-payment');
    checkProblems();
  }],
]);
