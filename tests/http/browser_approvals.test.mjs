// browser_approvals.test.mjs - issue 12, item 3 (first half): approvals with a
// confirmation and a comment, the approval history, the inbox (待办) of the
// donor, the recipient county and the auditor, dates typed as officers write
// them, and a session that expires in the middle of a form.
//
//   PAIRAID=build-test/pairaid PA_SOURCE_DIR=. PA_ARTEFACTS=build-test/artefacts \
//     NODE_PATH=node_modules node tests/http/browser_approvals.test.mjs
//
// Every step asserts what the page shows and takes a screenshot into
// $PA_ARTEFACTS/browser_approvals/.

import {
  check, equal, contains, byTestid, text, visible, shot, shotOf, artefact, expectFailure, checkProblems,
  newPage, signIn, apiCall, tokenOf, run, PASSWORDS,
} from './browser_kit.mjs';

const RECIPIENT = 'donghai.office'; // 东海县 320722
const DONOR = 'wuxi.finance'; // 无锡市 320200
const AUDITOR = 'audit.wxlyg';
// 东海县李埝乡初级中学学生宿舍改造项目 pays its builder (1,160,900.00 in the demo).
const PROJECT_ACCOUNT = 'PRJ-LYG-MS-052';
const PAYEE = 'PAY-SYN-BUILD-DH';
const MEMO = '宿舍改造工程第二期进度款';
const COMMENT = '同意拨付。已核对施工合同和监理签字的进度确认单。';
const REASON = '材料不全：缺少监理签字的验收单，请补充后重新申请。';

const state = {};

async function requestForm(page) {
  await byTestid(page, 'nav-transfers').click();
  await visible(page, 'request-form');
  return byTestid(page, 'request-form');
}

/** Types a date as an officer would: what the hint says while it is typed, then what the field holds once left. */
async function typeDate(page, testid, typed, beforeLeaving) {
  await byTestid(page, testid).fill(typed);
  const typing = await text(page, testid + '-hint');
  if (beforeLeaving) await beforeLeaving();
  await byTestid(page, testid).blur();
  return { typing, value: await byTestid(page, testid).inputValue(), hint: await text(page, testid + '-hint') };
}

/** What the officer sees (the viewport, not the whole page): a dialog sits over the middle of the window. */
async function viewShot(page, name) {
  await page.screenshot({ path: artefact(name + '.png') });
}

// --- the steps --------------------------------------------------------------------------------

async function setUp(browser, base) {
  // Findings for the county to answer and a measures version for both sides to approve.
  const auditor = await tokenOf(base, AUDITOR);
  const run = await apiCall(base, 'POST', '/api/v1/audit/run', { as_of: '2024-12-31' }, auditor);
  check(run.found > 0, 'the demo audit finds something: ' + JSON.stringify(run));
  state.measures = (await apiCall(base, 'POST', '/api/v1/measures', { text: '[idle_funds]\nenabled = true\n' }, auditor)).version;
  const county = await apiCall(base, 'GET', '/api/v1/inbox', undefined, await tokenOf(base, RECIPIENT));
  state.findings = county.items.filter((i) => i.kind === 'finding').map((i) => i.id);
  check(state.findings.length > 0, 'the county has findings to answer');
}

async function datesAsWritten(browser, base) {
  const { context, page } = await newPage(browser, base, RECIPIENT);
  state.recipient = { context, page };
  await signIn(page, base, RECIPIENT);
  const form = await requestForm(page);
  for (const [typed, want, name] of [
    ['2026/12/04', '2026-12-04', 'date-slashes'],
    ['2026.1.5', '2026-01-05', 'date-dots-single-digits'],
    ['2026年12月4日', '2026-12-04', 'date-chinese'],
  ]) {
    const got = await typeDate(page, 'request-date', typed, () => shotOf(form, name));
    equal(got.typing, `将按 ${want} 提交`, `the hint while "${typed}" is typed`);
    equal(got.value, want, `"${typed}" once the field is left`);
    equal(got.hint, `将按 ${want} 提交`, `the hint beside "${typed}"`);
  }
  // A calendar is at hand: the button opens the browser's own date picker.
  await visible(page, 'request-date-pick');
  equal(await byTestid(page, 'request-date-native').getAttribute('type'), 'date', 'the picker is a native date input');
  // An impossible date is refused beside the field, and nothing is sent.
  const bad = await typeDate(page, 'request-expires', '2026-02-30');
  equal(bad.value, '2026-02-30', 'the impossible date stays as typed, to be corrected');
  contains(bad.hint, '日期不存在：2026-02-30', 'the hint beside an impossible date');
  check(await byTestid(page, 'request-expires').evaluate((e) => e.classList.contains('invalid')), 'the field is marked');
  await byTestid(page, 'request-to').selectOption(PAYEE);
  await byTestid(page, 'request-amount').fill('100');
  let posted = false;
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/v1/transfers')) posted = true;
  });
  await byTestid(page, 'request-submit').click();
  contains(await text(page, 'alert'), '日期不存在', 'the alert repeats why');
  check(!posted, 'no request is sent with an impossible date');
  await shotOf(form, 'date-impossible');
  await byTestid(page, 'request-expires').fill('');
  checkProblems();
}

async function sessionExpiresMidForm(browser, base) {
  const { context, page } = state.recipient;
  await page.reload(); // a fresh form, without the last step's alert
  await visible(page, 'request-form');
  const id = await byTestid(page, 'request-id').inputValue();
  state.id = id;
  await byTestid(page, 'request-from').selectOption(PROJECT_ACCOUNT);
  await byTestid(page, 'request-to').selectOption(PAYEE);
  await byTestid(page, 'request-amount').fill('1.2万');
  await byTestid(page, 'request-date').fill('2026年12月4日');
  await byTestid(page, 'request-memo').fill(MEMO);
  await byTestid(page, 'request-form').evaluate((f) => f.scrollIntoView({ block: 'center' }));

  // The session ends on the server (as a timeout would) while the form is half done.
  const cookies = await context.cookies(base);
  const session = cookies.map((c) => c.name + '=' + c.value).join('; ');
  const csrf = await page.evaluate(() => sessionStorage.getItem('pairaid.csrf'));
  const out = await fetch(base + '/api/v1/logout', { method: 'POST', headers: { Cookie: session, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, body: '{}' });
  check(out.ok, 'the session was ended server-side: HTTP ' + out.status);

  expectFailure('POST', '/api/v1/transfers', 401, 'the request is submitted into the expired session');
  await byTestid(page, 'request-submit').click();
  await visible(page, 'reauth-dialog');
  contains(await text(page, 'reauth-dialog'), '登录已失效，请重新登录', 'the dialog says why');
  equal(await byTestid(page, 'reauth-username').inputValue(), RECIPIENT, 'the user name is filled in');
  // What was typed is still there, under the dialog.
  equal(await byTestid(page, 'request-memo').inputValue(), MEMO, 'the memo kept');
  equal(await byTestid(page, 'request-id').inputValue(), id, 'the request id kept');
  equal(await byTestid(page, 'request-to').inputValue(), PAYEE, 'the payee kept');
  await viewShot(page, 'session-expired-dialog');

  // A wrong password is said inside the dialog, which stays.
  expectFailure('POST', '/api/v1/login', 401, 'a wrong password in the dialog');
  await byTestid(page, 'reauth-password').fill('not-the-password');
  await byTestid(page, 'reauth-submit').click();
  await visible(page, 'reauth-error');
  await byTestid(page, 'reauth-password').fill(PASSWORDS[RECIPIENT]);
  await byTestid(page, 'reauth-submit').click();
  await byTestid(page, 'reauth-dialog').waitFor({ state: 'detached' });
  // The submission went through without retyping.
  await visible(page, 'pending-row-' + id);
  contains(await text(page, 'notice'), `拨付申请 ${id} 已提交，等待审批。`, 'notice after the resubmission');
  equal(await text(page, 'amount-' + id), '12,000.00', 'the amount typed before the session ended');
  contains(await text(page, 'pending-row-' + id), MEMO, 'the memo typed before the session ended');
  contains(await text(page, 'pending-row-' + id), '2026-12-04', 'the date typed as 2026年12月4日');
  await byTestid(page, 'pending-row-' + id).evaluate((r) => r.scrollIntoView({ block: 'center' }));
  await viewShot(page, 'session-resubmitted');
  checkProblems();
}

async function donorInbox(browser, base) {
  // A second request, to be rejected.
  const recipient = await tokenOf(base, RECIPIENT);
  state.id2 = state.id + '-B';
  await apiCall(base, 'POST', '/api/v1/transfers', { id: state.id2, kind: 'pending', date: '2026-12-04', from: PROJECT_ACCOUNT, to: PAYEE, amount: '3000.00', memo: '临时用工补助' }, recipient);
  const { context, page } = await newPage(browser, base, DONOR);
  state.donor = { context, page };
  await signIn(page, base, DONOR);
  await visible(page, 'nav-inbox-count');
  const count = Number(await text(page, 'nav-inbox-count'));
  check(count >= 3, 'the donor has at least two requests and a measures version waiting: ' + count);
  await byTestid(page, 'nav-inbox').click();
  await visible(page, 'inbox-transfer-' + state.id);
  const row = await text(page, 'inbox-transfer-' + state.id);
  for (const part of [RECIPIENT, PROJECT_ACCOUNT, PAYEE, '12,000.00', '1.20', MEMO]) contains(row, part, 'the request in the donor\'s inbox');
  await visible(page, 'inbox-transfer-' + state.id2);
  await visible(page, `inbox-measures-WX-LYG-${state.measures}`);
  equal(await text(page, 'inbox-findings-count'), '0', 'a donor answers no findings');
  equal(await text(page, 'nav-inbox-count'), String(count), 'the badge counts what the page lists');
  contains(await text(page, 'inbox-summary'), `共 ${count} 项需要您处理`, 'the summary');
  await shot(page, 'inbox-donor');
  checkProblems();
}

async function confirmApproval(browser, base) {
  const { page } = state.donor;
  const id = state.id;
  await byTestid(page, 'inbox-link-' + id).click();
  await visible(page, 'approval-history');
  await visible(page, 'history-waiting');
  await byTestid(page, 'approve-' + id).click();
  await visible(page, 'decision-dialog');
  const dialog = await text(page, 'decision-dialog');
  for (const part of ['确认批准拨付申请', id, RECIPIENT, PROJECT_ACCOUNT, PAYEE, MEMO]) contains(dialog, part, 'the confirmation');
  equal(await text(page, 'decision-amount'), '12,000.00 元（1.20 万元）', 'the amount in 元 and 万元');
  await byTestid(page, 'decision-comment').fill(COMMENT);
  await viewShot(page, 'confirm-approval');
  // Cancelling changes nothing.
  await byTestid(page, 'decision-cancel').click();
  await byTestid(page, 'decision-dialog').waitFor({ state: 'detached' });
  await visible(page, 'history-waiting');
  await byTestid(page, 'approve-' + id).click();
  await byTestid(page, 'decision-comment').fill(COMMENT);
  await byTestid(page, 'decision-confirm').click();
  await visible(page, 'history-decided');
  contains(await text(page, 'notice'), `已批准 ${id}，资金已入账。`, 'notice after approval');
  checkProblems();
}

async function historyWithComment(browser, base) {
  const { page } = state.recipient;
  await page.goto(base + '/app/#/transfers/' + encodeURIComponent(state.id));
  await visible(page, 'history-decided');
  const history = await text(page, 'approval-history');
  for (const part of ['审批记录', '提交申请', RECIPIENT, '2026-12-04', MEMO, '批准', DONOR]) contains(history, part, 'the approval history');
  equal(await text(page, 'history-decision-comment'), '审批意见：' + COMMENT, 'the approver\'s comment');
  await shot(page, 'history-with-comment');
  // The ledger line carries it: the post in the transfer history.
  await page.goto(base + '/app/#/transfers');
  await byTestid(page, 'history-state').selectOption('approved');
  await visible(page, 'history-row-' + state.id);
  equal(await text(page, 'history-comment-' + state.id), COMMENT, 'the comment in the transfer history');
  checkProblems();
}

async function rejectionNeedsReason(browser, base) {
  const { page } = state.donor;
  const id = state.id2;
  await page.goto(base + '/app/#/transfers');
  await visible(page, 'pending-row-' + id);
  await byTestid(page, 'reject-' + id).click();
  await visible(page, 'decision-dialog');
  contains(await text(page, 'decision-dialog'), '确认驳回拨付申请', 'the rejection\'s confirmation');
  equal(await text(page, 'decision-amount'), '3,000.00 元（0.30 万元）', 'the amount in 元 and 万元');
  await byTestid(page, 'decision-confirm').click();
  equal(await text(page, 'decision-comment-hint'), '请填写驳回理由。', 'a rejection without a reason is not sent');
  await visible(page, 'decision-dialog');
  await viewShot(page, 'confirm-rejection-needs-reason');
  await byTestid(page, 'decision-comment').fill(REASON);
  await byTestid(page, 'decision-confirm').click();
  await byTestid(page, 'pending-row-' + id).waitFor({ state: 'detached' });
  contains(await text(page, 'notice'), `已驳回 ${id}`, 'notice after the rejection');
  await page.goto(base + '/app/#/transfers/' + encodeURIComponent(id));
  await visible(page, 'history-decided');
  contains(await text(page, 'history-decided'), '驳回', 'the rejection in the history');
  equal(await text(page, 'history-decision-comment'), '审批意见：' + REASON, 'the reason');
  await shot(page, 'history-rejected');
  checkProblems();
}

async function recipientInbox(browser, base) {
  const { page } = state.recipient;
  await page.goto(base + '/app/#/inbox');
  await visible(page, 'inbox-findings-table');
  await visible(page, 'inbox-finding-' + state.findings[0]);
  equal(await text(page, 'inbox-findings-count'), String(state.findings.length), 'the county\'s findings to answer');
  contains(await text(page, 'inbox-finding-' + state.findings[0]), '整改说明', 'what the finding waits for');
  equal(await text(page, 'inbox-transfers-count'), '0', 'a requester decides nothing');
  await visible(page, `inbox-measures-WX-LYG-${state.measures}`);
  contains(await text(page, `inbox-measures-WX-LYG-${state.measures}`), '受援方', 'the side the county approves for');
  await shot(page, 'inbox-recipient');
  // The link leads to the finding, where the answer is given.
  await byTestid(page, 'inbox-link-' + state.findings[0]).click();
  await visible(page, 'finding-title');
  checkProblems();
}

async function auditorInbox(browser, base) {
  const fid = state.findings[0];
  await apiCall(base, 'POST', `/api/v1/audit/findings/${fid}/responses`, { action: 'explain', note: '已补充验收材料并完成整改。' }, await tokenOf(base, RECIPIENT));
  const { context, page } = await newPage(browser, base, AUDITOR);
  await signIn(page, base, AUDITOR);
  await byTestid(page, 'nav-inbox').click();
  await visible(page, 'inbox-finding-' + fid);
  contains(await text(page, 'inbox-finding-' + fid), '整改销号', 'the auditors judge the explanation');
  equal(await text(page, 'inbox-findings-count'), '1', 'only the explained finding waits for the auditors');
  equal(await text(page, 'inbox-transfers-count'), '0', 'auditors decide no requests');
  equal(await text(page, 'inbox-measures-count'), '0', 'auditors approve no measures');
  equal(await text(page, 'nav-inbox-count'), '1', 'the badge');
  await shot(page, 'inbox-auditor');
  // The same inbox in English, and a request's history there (no full-width colon).
  await byTestid(page, 'lang-switch').click();
  await page.locator('h2', { hasText: 'Waiting for me' }).waitFor();
  contains(await text(page, 'inbox-findings'), 'Audit findings awaiting me', 'the English inbox');
  await shot(page, 'inbox-auditor-en');
  await page.goto(base + '/app/#/transfers/' + encodeURIComponent(state.id));
  await visible(page, 'history-decision-comment');
  equal(await text(page, 'history-decision-comment'), 'Comment: ' + COMMENT, 'the comment line in English');
  await shot(page, 'history-en');
  await context.close();
  checkProblems();
}

run('browser_approvals', [
  ['set up: an audit run and proposed measures', setUp],
  ['dates in three written forms, an impossible one refused', datesAsWritten],
  ['session expires mid-form: dialog, sign in, resubmit', sessionExpiresMidForm],
  ['the donor\'s inbox and its badge', donorInbox],
  ['approval asks for a confirmation with a comment', confirmApproval],
  ['the request shows its approval history', historyWithComment],
  ['a rejection needs a reason', rejectionNeedsReason],
  ['the county\'s inbox: findings and measures', recipientInbox],
  ['the auditor\'s inbox: explanations to judge', auditorInbox],
]);
