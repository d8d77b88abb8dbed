// transfers.js - 资金拨付: requests awaiting approval with 批准 / 驳回, a form
// for a new request, and the history of transfers.
//
// Separation of duties is shown, not only enforced: on a request the signed-in
// officer made, the buttons are disabled and a note says another officer must
// decide. The server refuses it anyway (409 SAME_ACTOR); the note saves a
// pointless click and makes the rule visible.
//
// Approving or rejecting asks for a confirmation that shows what is decided
// (payer, payee, amount in 元 and 万元, purpose) and takes the approver's
// comment (审批意见), required for a rejection; the comment is stored with the
// decision and shown in the request's approval history (#/transfers/ID).

import { api, listOf } from '../api.js';
import { el, clear, table, loading, select, field, facts, pager, showError, markField } from '../ui.js';
import { t, lang, enumLabel, paren } from '../i18n.js';
import { formatYuan, formatAmount, formatWan, formatTime, normaliseAmountInput, today } from '../format.js';
import { currentUser, isReadOnly, may, mayDecide, getAccounts, accountIndex, invalidateAccounts } from './session.js';
import { rerender } from './nav.js';
import { dateField, checkDateField } from './datefield.js';
import { fileButton } from '../download.js';

const HISTORY_PAGE = 25;

// --- shared cells ---------------------------------------------------------------

function accountCell(code, index) {
  const a = index.get(code);
  return el('span', {}, el('a', { class: 'code', href: '#/accounts/' + encodeURIComponent(code), text: code }), a ? el('span', { class: 'sub', text: a.name }) : null);
}

function transferLink(id) {
  return el('a', { href: '#/transfers/' + encodeURIComponent(id), text: id });
}

function stateTag(state) {
  return state ? el('span', { class: 'tag tag-state-' + state, text: enumLabel('state', state) }) : '—';
}

function isExpired(tr) {
  return tr.state === 'expired' || Boolean(tr.expires && tr.expires < today());
}

// --- requests awaiting approval -----------------------------------------------------

/** 12,000.00 元（1.20 万元）: the amount as the confirmation states it. */
function amountBoth(amount) {
  return formatYuan(amount) + ' ' + t('common.unit.yuan') + paren(formatWan(amount) + ' ' + t('common.unit.wan'));
}

function accountLine(code, index) {
  const a = index.get(code);
  return el('span', {}, el('span', { class: 'code', text: code }), a ? el('span', { class: 'sub', text: a.name }) : null);
}

/**
 * The confirmation of a decision (action 'post' or 'void') over the page: what
 * is being decided, and the comment. Resolves to { comment } once confirmed, or
 * null if the officer cancels. A rejection needs a comment: the requester must
 * learn why.
 */
function confirmDecision(tr, action, index) {
  const approving = action === 'post';
  const comment = el('textarea', { name: 'comment', rows: 3, maxlength: 1000, testid: 'decision-comment', placeholder: t(approving ? 'apr.comment_optional' : 'apr.comment_required') });
  const hint = el('small', { class: 'hint', testid: 'decision-comment-hint', text: t(approving ? 'apr.comment_hint_post' : 'apr.comment_hint_void') });
  const confirm = el('button', { type: 'submit', class: 'btn ' + (approving ? 'approve' : 'danger strong'), testid: 'decision-confirm', text: t(approving ? 'apr.confirm_post' : 'apr.confirm_void') });
  const cancel = el('button', { type: 'button', class: 'btn', testid: 'decision-cancel', text: t('common.cancel') });
  const form = el(
    'form',
    { method: 'dialog', class: 'modal-body' },
    el('h3', { text: t(approving ? 'apr.title_post' : 'apr.title_void') }),
    el('p', { class: 'lead', text: t(approving ? 'apr.lead_post' : 'apr.lead_void') }),
    facts([
      [t('tx.id'), el('span', { class: 'code', text: tr.id })],
      [t('tx.actor'), tr.actor],
      [t('apr.requested_on'), tr.date],
      [t('tx.from'), accountLine(tr.from, index)],
      [t('tx.to'), accountLine(tr.to, index)],
      [t('apr.amount'), el('strong', { class: 'amount-big', testid: 'decision-amount', text: amountBoth(tr.amount) })],
      [t('tx.memo'), tr.memo || '—'],
      [t('tx.purpose'), tr.purpose ? enumLabel('purpose', tr.purpose) : null],
      [t('tx.project'), tr.project],
    ]),
    el('label', { class: 'field' }, el('span', { class: 'field-label', text: t(approving ? 'apr.comment' : 'apr.comment_void') + (approving ? '' : ' *') }), comment, hint),
    el('div', { class: 'form-actions' }, confirm, cancel)
  );
  const dialog = el('dialog', { class: 'modal', testid: 'decision-dialog', 'aria-label': t(approving ? 'apr.title_post' : 'apr.title_void') }, form);
  document.body.append(dialog);
  return new Promise((resolve) => {
    let result = null;
    form.addEventListener('submit', (ev) => {
      const text = comment.value.trim();
      if (!approving && !text) {
        ev.preventDefault();
        comment.classList.add('invalid');
        hint.classList.add('error');
        hint.textContent = t('apr.comment_missing');
        comment.focus();
        return;
      }
      result = { comment: text };
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    dialog.showModal();
    comment.focus();
  });
}

async function decide(tr, action, buttons, index) {
  const decision = await confirmDecision(tr, action, index);
  if (!decision) return;
  for (const b of buttons) b.disabled = true;
  try {
    const body = { date: today() };
    if (decision.comment) body.comment = decision.comment;
    await api('/transfers/' + encodeURIComponent(tr.id) + '/' + action, { method: 'POST', json: body });
    invalidateAccounts();
    rerender(t(action === 'post' ? 'tx.approved' : 'tx.rejected', { id: tr.id }));
  } catch (err) {
    for (const b of buttons) b.disabled = false;
    showError(err);
  }
}

/** The note under the buttons: why they are disabled, if they are. */
function decisionNote(tr, mine, expired, noRight) {
  if (mine) return el('span', { class: 'sod-note', testid: 'sod-note-' + tr.id, text: t('tx.sod') });
  if (noRight) return el('span', { class: 'sod-note', testid: 'no-right-' + tr.id, text: t('tx.no_right') });
  if (expired) return el('span', { class: 'sod-note', testid: 'expired-note-' + tr.id, text: t('tx.expired_note') });
  return null;
}

function decisionCell(tr, me, readOnly, index) {
  const mine = tr.actor === me.name;
  const expired = isExpired(tr);
  // can_resolve, when the server sends it, says whether this user's role and region may decide.
  const noRight = readOnly || tr.can_resolve === false;
  const approve = el('button', { type: 'button', class: 'btn small approve', testid: 'approve-' + tr.id, disabled: mine || expired || noRight, text: t('tx.approve') });
  const reject = el('button', { type: 'button', class: 'btn small danger', testid: 'reject-' + tr.id, disabled: mine || noRight, text: t('tx.reject') });
  approve.addEventListener('click', () => decide(tr, 'post', [approve, reject], index));
  reject.addEventListener('click', () => decide(tr, 'void', [approve, reject], index));
  const note = decisionNote(tr, mine, expired, noRight);
  return el('div', { class: 'actions-cell' }, approve, reject, note ? el('div', {}, note) : null);
}

function pendingTable(rows, index) {
  const me = currentUser();
  const readOnly = isReadOnly();
  return table(
    [
      { label: t('tx.id'), render: (r) => transferLink(r.id), class: 'code' },
      { label: t('tx.date'), render: (r) => r.date, class: 'date' },
      { label: t('tx.actor'), render: (r) => r.actor || '—', testid: (r) => 'actor-' + r.id, class: 'nowrap' },
      { label: t('tx.from'), render: (r) => accountCell(r.from, index) },
      { label: t('tx.to'), render: (r) => accountCell(r.to, index) },
      { label: t('tx.amount'), num: true, render: (r) => formatYuan(r.amount), testid: (r) => 'amount-' + r.id },
      { label: t('tx.memo'), render: (r) => r.memo || '', class: 'memo' },
      { label: t('tx.expires'), render: (r) => r.expires || '—', class: 'date' },
      // a read-only role decides nothing: no column of buttons it may not press
      readOnly ? null : { label: t('tx.actions'), render: (r) => decisionCell(r, me, readOnly, index) },
    ].filter(Boolean),
    rows,
    {
      testid: 'pending-table',
      rowTestid: (r) => 'pending-row-' + r.id,
      rowClass: (r) => (r.actor === me.name ? 'sod' : isExpired(r) ? 'expired' : null),
      emptyText: t('tx.none_pending'),
    }
  );
}

/** Open requests and expired ones (which can still be voided), newest first, each once. */
async function loadPending(region) {
  const [pending, expired] = await Promise.all([
    api('/transfers', { params: { state: 'pending', region, limit: 1000 } }),
    api('/transfers', { params: { state: 'expired', region, limit: 1000 } }),
  ]);
  const seen = new Set();
  return listOf(pending, 'transfers')
    .concat(listOf(expired, 'transfers'))
    .filter((r) => !seen.has(r.id) && seen.add(r.id))
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
}

// --- a new request --------------------------------------------------------------------

/** REQ-YYYYMMDD-xxxx: readable, sortable by day, and unlikely to collide between officers. */
export function newRequestId(now = new Date()) {
  const bytes = new Uint8Array(2);
  crypto.getRandomValues(bytes);
  const rand = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
  return 'REQ-' + today(now).replace(/-/g, '') + '-' + rand;
}

/** An account as an option; a paying account shows what it has available. */
function accountOption(a, paying) {
  const avail = paying && a.available !== undefined ? paren(t('tx.available') + ' ' + formatYuan(a.available)) : '';
  return el('option', { value: a.code }, a.code + ' ' + a.name + avail);
}

/**
 * A <select> of accounts grouped by kind (资金池, 资金来源, 项目, 收款单位):
 * money moves from a pool or source to a project (an allocation) and from a
 * project to a payee (a payment); which of these the user may ask for is the
 * server's to decide.
 */
/* Paying accounts the user may ask money of (the server's `mine`) come first, in
 * their own group, and the first of them is chosen: a county officer should not
 * have to find their canteen among every county's accounts. */
function accountSelect(attrs, accounts, kinds, paying, first) {
  const usable = accounts.filter((a) => kinds.includes(a.kind));
  const mine = paying ? usable.filter((a) => a.mine) : [];
  const others = usable.filter((a) => !mine.includes(a));
  const groups = kinds
    .map((k) => [k, others.filter((a) => a.kind === k)])
    .filter(([, rows]) => rows.length)
    .map(([k, rows]) => el('optgroup', { label: enumLabel('account_kind', k) }, rows.map((a) => accountOption(a, paying))));
  const own = mine.length ? el('optgroup', { label: t('tx.my_accounts') }, mine.map((a) => accountOption(a, paying))) : null;
  const select = el('select', attrs, first ? el('option', { value: '' }, first) : null, own, groups);
  if (mine.length && !first) select.value = mine[0].code;
  return select;
}

function amountField() {
  const input = el('input', { name: 'amount', inputmode: 'decimal', autocomplete: 'off', required: true, testid: 'request-amount', placeholder: '250000.00', dataset: { selfcheck: '1' } });
  const hint = el('small', { class: 'hint', testid: 'request-amount-hint', text: t('tx.amount_hint') });
  const update = () => {
    const v = normaliseAmountInput(input.value);
    input.classList.toggle('invalid', input.value.trim() !== '' && v === null);
    hint.classList.toggle('error', input.value.trim() !== '' && v === null);
    hint.textContent = input.value.trim() === '' ? t('tx.amount_hint') : v === null ? t('tx.amount_invalid') : t('tx.amount_preview', { v: formatYuan(v) + ' ' + t('common.unit.yuan') + ' · ' + formatAmount(v, lang()) });
  };
  input.addEventListener('input', update);
  // On leaving the field, show the exact form that will be sent: "250000" → "250000.00".
  input.addEventListener('blur', () => {
    const v = normaliseAmountInput(input.value);
    if (v !== null) input.value = v;
    update();
  });
  return el('label', { class: 'field' }, el('span', { class: 'field-label', text: t('tx.amount_input') }), input, hint);
}

function requestBody(form, index) {
  const f = form.elements;
  const amount = normaliseAmountInput(f.amount.value);
  if (amount === null || !/^\d+\.\d{2}$/.test(amount)) return { error: ['amount', t('tx.amount_invalid')] };
  // Dates as typed (2026/12/04, 2026年12月4日 …) become YYYY-MM-DD; an impossible one is named beside its field.
  for (const name of ['date', 'expires']) {
    if (checkDateField(f[name]) === null) return { error: [name, f[name].form.querySelector('[data-testid="' + f[name].dataset.testid + '-hint"]').textContent] };
  }
  f.amount.value = amount;
  const to = index.get(f.to.value);
  const from = index.get(f.from.value);
  const body = { id: f.id.value.trim(), kind: 'pending', date: f.date.value.trim(), from: f.from.value, to: f.to.value, amount };
  // The project the money is for: the receiving project's (an allocation) or the paying one's (a payment).
  const project = (to && to.project) || (from && from.project);
  if (project) body.project = project;
  if (f.memo.value.trim()) body.memo = f.memo.value.trim();
  if (f.expires.value.trim()) body.expires = f.expires.value.trim();
  return { body };
}

async function submitRequest(form, index) {
  const { body, error } = requestBody(form, index);
  if (error) {
    form.elements[error[0]].classList.add('invalid');
    form.elements[error[0]].focus();
    showError({ message: error[1], field: error[0] });
    return;
  }
  const button = form.querySelector('[data-testid="request-submit"]');
  button.disabled = true;
  let status = 0;
  try {
    await api('/transfers', { method: 'POST', json: body, onStatus: (s) => (status = s) });
    invalidateAccounts();
    rerender(t(status === 200 ? 'tx.exists' : 'tx.created', { id: body.id }));
  } catch (err) {
    button.disabled = false;
    markField(form, err);
    showError(err);
  }
}

/**
 * The accounts a request may ask money of, or (given from) pay into: the
 * server's answer (GET /accounts?may=request), computed by the rule that
 * refuses a request, so donghai.office is offered its own project accounts
 * and the pool it may ask, not every county's.
 */
async function requestAccounts(from) {
  const res = await api('/accounts', { params: { may: 'request', from } });
  return listOf(res, 'accounts');
}

/**
 * Refills the payee select with what a request from `from` may pay into. The
 * payee already chosen stays chosen if it is still offered, and only the
 * answer for the payer chosen last is used (answers may arrive out of order).
 */
async function fillTargets(toSelect, from) {
  const asked = (toSelect.dataset.asked = String(Number(toSelect.dataset.asked || 0) + 1));
  const targets = from ? await requestAccounts(from) : [];
  if (toSelect.dataset.asked !== asked) return;
  const kept = toSelect.value;
  const fresh = accountSelect({}, targets, ['project', 'payee'], false, t('tx.choose_to'));
  toSelect.replaceChildren(...fresh.childNodes);
  toSelect.value = targets.some((a) => a.code === kept) ? kept : '';
}

async function requestForm(accounts, index) {
  const open = accounts.filter((a) => !a.closed);
  const text = (name, value, testid, extra) => el('input', Object.assign({ name, value, testid, autocomplete: 'off' }, extra || {}));
  const form = el(
    'form',
    { class: 'card', testid: 'request-form', novalidate: true },
    el('h3', { text: t('tx.new_title') }),
    el('p', { class: 'muted small', text: t('tx.new_lead') }),
    el(
      'div',
      { class: 'form-grid' },
      field(t('tx.id'), text('id', newRequestId(), 'request-id', { required: true, pattern: '[A-Za-z0-9][A-Za-z0-9:._-]{0,63}' })),
      dateField({ name: 'date', value: today(), testid: 'request-date', required: true, label: t('tx.date') }),
      amountField(),
      dateField({ name: 'expires', testid: 'request-expires', label: t('tx.expires') }),
      el('div', { class: 'span2' }, field(t('tx.from'), accountSelect({ name: 'from', testid: 'request-from' }, open, ['pool', 'source', 'project'], true), t('forms.from_hint'))),
      el('div', { class: 'span2' }, field(t('tx.to'), accountSelect({ name: 'to', testid: 'request-to', required: true }, [], ['project', 'payee'], false, t('tx.choose_to')), t('forms.to_hint'))),
      el('div', { class: 'span-all' }, field(t('tx.memo'), el('textarea', { name: 'memo', testid: 'request-memo', rows: 2 })))
    ),
    el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn primary', testid: 'request-submit', text: t('tx.submit') }))
  );
  const from = form.elements.from;
  from.addEventListener('change', () => fillTargets(form.elements.to, from.value).catch(showError));
  await fillTargets(form.elements.to, from.value); // before the form is shown: no empty list to race
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!form.elements.to.value) {
      form.elements.to.classList.add('invalid');
      showError({ message: t('tx.choose_to'), field: 'to' });
      return;
    }
    submitRequest(form, index);
  });
  return form;
}

// --- history -----------------------------------------------------------------------------

function historyTable(rows, index) {
  return table(
    [
      { label: t('tx.id'), render: (r) => transferLink(r.id), class: 'code' },
      { label: t('tx.date'), render: (r) => r.date, class: 'date' },
      { label: t('tx.state'), render: (r) => stateTag(r.state) },
      { label: t('tx.actor'), render: (r) => r.actor || '—' },
      { label: t('tx.from'), render: (r) => accountCell(r.from, index) },
      { label: t('tx.to'), render: (r) => accountCell(r.to, index) },
      { label: t('tx.amount'), num: true, render: (r) => formatYuan(r.amount) },
      { label: t('tx.memo'), render: (r) => r.memo || '', class: 'memo' },
      { label: t('apr.comment'), render: (r) => r.comment || (r.decision && r.decision.comment) || '', class: 'memo', testid: (r) => 'history-comment-' + r.id },
    ],
    rows,
    { testid: 'history-table', rowTestid: (r) => 'history-row-' + r.id }
  );
}

function historySection(index, region) {
  const box = el('div');
  const state = { state: 'posted', offset: 0 };
  // An approved request is 'approved' (its posting transfer is kind 'post'), not 'posted'.
  const states = ['posted', 'approved', 'voided', 'expired', 'pending'].map((s) => ({ value: s, label: enumLabel('state', s) }));
  let asked = 0; // only the latest question's answer is shown: an earlier, slower one must not overwrite it
  const load = async () => {
    const mine = ++asked;
    clear(box).append(loading());
    try {
      const res = await api('/transfers', { params: { state: state.state, region, limit: HISTORY_PAGE, offset: state.offset } });
      if (mine !== asked) return;
      clear(box).append(
        historyTable(listOf(res, 'transfers'), index),
        pager(res.total, HISTORY_PAGE, state.offset, (off) => {
          state.offset = off;
          load();
        })
      );
    } catch (err) {
      if (mine !== asked) return;
      clear(box);
      showError(err);
    }
  };
  const chooser = select({ testid: 'history-state', 'aria-label': t('tx.state') }, states, state.state);
  chooser.addEventListener('change', () => {
    state.state = chooser.value;
    state.offset = 0;
    load();
  });
  load();
  return el('section', {}, el('div', { class: 'view-head' }, el('h3', { text: t('tx.history_title') }), el('div', { class: 'actions' }, chooser, fileButton('xlsx', () => ({ path: '/export/transfers' }), 'transfers-download-xlsx'))), box);
}

// --- one transfer (#/transfers/ID): an audit finding's evidence links here ----------------

async function renderOne(root, id) {
  root.append(el('a', { class: 'back', href: '#/transfers', text: t('tx.back') }));
  const tr = listOf(await api('/transfers', { params: { id, limit: 1 } }), 'transfers')[0];
  if (!tr) {
    root.append(el('h1', { text: t('apr.labelled', { k: t('tx.one_title'), v: id }) }), el('p', { class: 'muted', testid: 'transfer-missing', text: t('tx.not_found') }));
    return;
  }
  const index = await accountIndex();
  const statement = (code) => el('span', {}, accountCell(code, index), ' ', el('a', { class: 'small', href: '#/accounts/' + encodeURIComponent(code) + '/' + encodeURIComponent(tr.id), testid: 'transfer-statement-' + code, text: t('tx.statement') }));
  root.append(
    el('h1', { text: t('apr.labelled', { k: t('tx.one_title'), v: tr.id }) }),
    el('div', { class: 'card', testid: 'transfer-detail' }, facts([
      [t('tx.date'), tr.date],
      [t('tx.state'), stateTag(tr.state)],
      [t('tx.from'), statement(tr.from)],
      [t('tx.to'), statement(tr.to)],
      [t('tx.amount'), el('strong', { testid: 'transfer-amount', text: formatYuan(tr.amount) + ' ' + t('common.unit.yuan') })],
      [t('tx.project'), tr.project ? el('a', { href: '#/projects/' + encodeURIComponent(tr.project), text: tr.project }) : null],
      [t('tx.purpose'), tr.purpose],
      [t('tx.stage'), tr.stage],
      [t('tx.contract'), tr.contract],
      [t('tx.memo'), tr.memo],
      [t('apr.comment'), tr.comment],
      [t('apr.request'), tr.pending_id ? transferLink(tr.pending_id) : null],
      [t('tx.actor'), tr.actor],
    ]))
  );
  if (tr.kind === 'pending') root.append(approvalHistory(tr, index));
}

/** Who did what to a request, when: asked, then approved, rejected or withdrawn (with the comment), or still waiting. */
function approvalHistory(tr, index) {
  const step = (testid, what, who, date, time, extra) =>
    el('li', { testid }, el('div', { class: 'step-head' }, el('strong', { text: what }), ' ', el('span', { text: who || '—' }), el('span', { class: 'muted', text: ' · ' + date + (time ? ' · ' + t('apr.recorded') + ' ' + formatTime(time) : '') })), extra);
  const items = [step('history-requested', t('apr.step_requested'), tr.actor, tr.date, tr.time, tr.memo ? el('div', { class: 'step-note', text: t('apr.labelled', { k: t('tx.memo'), v: tr.memo }) }) : null)];
  const d = tr.decision;
  if (d) {
    const what = d.kind === 'post' ? t('apr.step_approved') : d.actor === tr.actor ? t('apr.step_withdrawn') : t('apr.step_rejected');
    const partial = d.kind === 'post' && d.amount !== tr.amount ? el('div', { class: 'step-note', text: t('apr.labelled', { k: t('apr.amount'), v: amountBoth(d.amount) }) }) : null;
    const note = el('div', { class: 'step-note comment', testid: 'history-decision-comment', text: t('apr.labelled', { k: t('apr.comment'), v: d.comment || t('apr.no_comment') }) });
    items.push(step('history-decided', what, d.actor, d.date, d.time, [partial, note]));
  } else {
    items.push(el('li', { testid: 'history-waiting', class: 'waiting' }, el('strong', { text: t(tr.state === 'expired' ? 'apr.step_expired' : 'apr.step_waiting') })));
  }
  const section = el('section', { class: 'card', testid: 'approval-history' }, el('h3', { text: t('apr.history_title') }), el('ol', { class: 'approval-steps' }, items));
  if (!d && mayDecide(tr)) section.append(el('div', { class: 'form-actions' }, decisionCell(tr, currentUser(), isReadOnly(), index)));
  return section;
}

// A county office sees its county's transfers first (either account in the
// county); 查看范围 widens the requests and the history to all it reads.
const scope = { owner: null, region: '' };

function scopeSelect() {
  const me = currentUser();
  if (me.role !== 'recipient' || !me.region) return null;
  if (scope.owner !== me.name) Object.assign(scope, { owner: me.name, region: me.region });
  const options = [{ value: me.region, label: t('forms.scope_mine', { name: me.region_name || me.region }) }, { value: '', label: t('forms.scope_all') }];
  const chooser = select({ testid: 'transfers-scope', 'aria-label': t('forms.scope') }, options, scope.region);
  chooser.addEventListener('change', () => {
    scope.region = chooser.value;
    rerender();
  });
  return el('div', { class: 'filters' }, chooser);
}

export async function render(root, args = []) {
  if (args[0]) return renderOne(root, args[0]);
  const list = el('div', {}, loading());
  const chooser = scopeSelect();
  const region = chooser ? scope.region : '';
  root.append(el('h1', { text: t('tx.pending_title') }), el('p', { class: 'lead', text: t('tx.pending_lead') }));
  if (chooser) root.append(chooser); // a county office's 查看范围; others read everything they may
  root.append(list);
  const [rows] = await Promise.all([loadPending(region), getAccounts()]);
  const index = await accountIndex();
  clear(list).append(pendingTable(rows, index));
  if (may('request_transfer')) root.append(await requestForm(await requestAccounts(), index));
  root.append(historySection(index, region));
}
