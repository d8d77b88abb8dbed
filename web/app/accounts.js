// accounts.js - 账户: every fund account with its balance, and one account's
// statement (#/accounts/CODE; #/accounts/CODE/TRANSFER marks that transfer's
// line). Amounts here are exact yuan: a finance officer reconciles to the fen,
// so nothing is rounded to 万元.

import { api } from '../api.js';
import { el, clear, table, select, facts } from '../ui.js';
import { t, enumLabel, colon } from '../i18n.js';
import { formatYuan, toFen } from '../format.js';
import { getAccounts, currentUser } from './session.js';
import { reportButtons } from '../download.js';

const KINDS = ['source', 'pool', 'project', 'payee'];

function money(amount, testid) {
  const fen = toFen(amount);
  return el('span', { class: fen !== null && fen < 0n ? 'neg' : null, testid, text: formatYuan(amount) });
}

function accountTable(rows) {
  return table(
    [
      { label: t('acc.code'), render: (a) => el('a', { href: '#/accounts/' + encodeURIComponent(a.code), text: a.code }), class: 'code' },
      { label: t('acc.name'), render: (a) => a.name },
      { label: t('acc.kind'), render: (a) => enumLabel('account_kind', a.kind) },
      { label: t('acc.region'), render: (a) => a.region_name || a.region || '—', class: 'nowrap' },
      { label: t('acc.balance'), num: true, render: (a) => money(a.balance, 'account-balance-' + a.code) },
      { label: t('acc.pending_out'), num: true, render: (a) => (a.debits_pending !== undefined ? money(a.debits_pending) : '—') },
      { label: t('acc.available'), num: true, render: (a) => (a.available !== undefined ? money(a.available) : '—') },
    ],
    rows,
    { testid: 'account-table', rowTestid: (a) => 'account-row-' + a.code }
  );
}

function matches(a, q, kind, region) {
  if (kind && a.kind !== kind) return false;
  if (region && a.region !== region) return false;
  if (!q) return true;
  return a.code.toLowerCase().includes(q.toLowerCase()) || (a.name || '').includes(q);
}

async function renderList(root) {
  root.append(el('h1', { text: t('acc.title') }), el('p', { class: 'lead', text: t('acc.lead') }));
  const all = await getAccounts(true); // balances change with every transfer: always fresh here
  const q = el('input', { type: 'search', testid: 'account-search', placeholder: t('acc.filter_placeholder'), 'aria-label': t('a11y.search_accounts') });
  const kind = select({ testid: 'account-kind', 'aria-label': t('acc.kind') }, KINDS.map((k) => ({ value: k, label: enumLabel('account_kind', k) })), '', t('acc.kind') + colon() + t('common.all'));
  const box = el('div');
  // A county office sees its county's accounts first; 查看范围 widens to all it reads.
  const me = currentUser();
  const own = me.role === 'recipient' && me.region ? me : null;
  const scope = own ? select({ testid: 'account-scope', 'aria-label': t('forms.scope') }, [{ value: own.region, label: t('forms.scope_mine', { name: own.region_name || own.region }) }, { value: '', label: t('forms.scope_all') }], own.region) : null;
  // Filtering is local: the whole list is already here, and typing should not wait on the server.
  const draw = () => clear(box).append(accountTable(all.filter((a) => matches(a, q.value.trim(), kind.value, scope ? scope.value : ''))));
  q.addEventListener('input', draw);
  kind.addEventListener('change', draw);
  if (scope) scope.addEventListener('change', draw);
  // 资金账户余额表 as a file: every account the officer reads (the filters here are the page's own)
  root.append(el('div', { class: 'filters' }, scope, q, kind, reportButtons(() => ({ path: '/balances' }), 'balances-download')), box);
  draw();
}

function statementTable(lines, highlight) {
  return table(
    [
      { label: t('common.date'), render: (l) => l.date, class: 'date' },
      { label: t('acc.tx_id'), render: (l) => l.id, class: 'code' },
      { label: t('acc.kind_col'), render: (l) => enumLabel('transfer_kind', l.kind), class: 'nowrap' },
      { label: t('acc.counterparty'), render: (l) => (l.counterparty ? el('a', { class: 'code', href: '#/accounts/' + encodeURIComponent(l.counterparty), text: l.counterparty }) : '—') },
      { label: t('tx.project'), render: (l) => l.project || '', class: 'code' },
      { label: t('tx.memo'), render: (l) => l.memo || '', class: 'memo' },
      { label: t('acc.credit'), num: true, render: (l) => (toFen(l.credit) ? money(l.credit) : '') },
      { label: t('acc.debit'), num: true, render: (l) => (toFen(l.debit) ? money(l.debit) : '') },
      { label: t('acc.pending'), num: true, render: (l) => (toFen(l.pending) ? money(l.pending) : '') },
      { label: t('acc.running'), num: true, render: (l) => money(l.balance) },
    ],
    lines,
    { testid: 'statement-table', rowTestid: (l) => 'statement-row-' + l.id, rowClass: (l) => (l.id === highlight ? 'highlight' : null), compact: true }
  );
}

/* `highlight`: a transfer to mark and scroll to (an audit finding's evidence links here). */
async function renderStatement(root, code, highlight) {
  root.append(el('a', { class: 'back', href: '#/accounts', text: t('acc.back') }));
  const res = await api('/accounts/' + encodeURIComponent(code) + '/statement');
  const a = res.account || { code };
  root.append(
    el('h1', { text: t('acc.statement') + colon() + (a.name || code) }),
    el('div', { class: 'report-bar' }, reportButtons(() => ({ path: '/accounts/' + encodeURIComponent(code) + '/statement' }), 'statement-download')),
    el('div', { class: 'card' }, facts([
      [t('acc.code'), a.code],
      [t('acc.kind'), enumLabel('account_kind', a.kind)],
      [t('acc.region'), a.region_name || a.region],
      [t('tx.project'), a.project ? el('a', { href: '#/projects/' + encodeURIComponent(a.project), text: a.project }) : null],
      [t('acc.balance'), a.balance !== undefined ? money(a.balance, 'statement-balance') : null],
      [t('acc.pending_out'), a.debits_pending !== undefined ? money(a.debits_pending) : null],
      [t('acc.available'), a.available !== undefined ? money(a.available) : null],
    ])),
    statementTable(res.lines || [], highlight)
  );
  const row = highlight && root.querySelector('tr.highlight');
  if (row) row.scrollIntoView({ block: 'center' });
}

export async function render(root, args) {
  if (args[0]) return renderStatement(root, args[0], args[1]);
  return renderList(root);
}
