// dashboard.js - 工作台: who is signed in, what waits for them, and the funds
// in their scope. The programme-wide figures come from the public summary; the
// scope row is the budget-execution row of the user's region (donor or
// recipient) or pairing (auditor), when the server has one.

import { api, listOf } from '../api.js';
import { el, clear, loading, rateBar, showError } from '../ui.js';
import { t, lang, enumLabel } from '../i18n.js';
import { formatAmount, rateOf, sumAmounts, today } from '../format.js';
import { currentUser, mayDecide } from './session.js';
import { fundCards } from '../funds-view.js';

function stat(label, value, hint, opts = {}) {
  return el(
    'div',
    { class: 'stat ' + (opts.class || ''), testid: opts.testid },
    el('div', { class: 'stat-label', text: label }),
    el('div', { class: 'stat-value', text: value }),
    hint ? el('div', { class: 'stat-hint' }, hint) : null
  );
}

function whoAmI(me) {
  const region = me.region_name || me.region || t('dash.all_regions');
  return el(
    'section',
    { class: 'who', testid: 'whoami' },
    stat(t('dash.name'), me.name, null, { testid: 'whoami-name' }),
    stat(t('dash.role'), enumLabel('role', me.role), null, { testid: 'whoami-role' }),
    stat(t('dash.region'), region, null, { testid: 'whoami-region' }),
    stat(t('dash.pairing'), me.pairing || '—')
  );
}

/** Splits open requests into those I may decide, my own, and expired ones. */
function classify(rows, me) {
  const day = today();
  const expired = rows.filter((r) => r.state === 'expired' || (r.expires && r.expires < day));
  const open = rows.filter((r) => !expired.includes(r));
  return {
    awaiting: open.filter(mayDecide),
    mine: open.filter((r) => r.actor === me.name),
    expired,
  };
}

function pendingCards(groups) {
  const link = el('a', { href: '#/transfers', text: t('dash.go_transfers') });
  const sum = (rows) => formatAmount(sumAmounts(rows.map((r) => r.amount)), lang());
  return el(
    'div',
    { class: 'stat-grid' },
    stat(t('dash.awaiting_me'), groups.awaiting.length + ' ' + t('common.tx_unit'), [sum(groups.awaiting), ' · ', link], { class: 'stat-pending', testid: 'dash-awaiting' }),
    stat(t('dash.mine_waiting'), groups.mine.length + ' ' + t('common.tx_unit'), sum(groups.mine), { testid: 'dash-mine' }),
    stat(t('dash.expired'), groups.expired.length + ' ' + t('common.tx_unit'), sum(groups.expired), { class: 'stat-arranged', testid: 'dash-expired' })
  );
}

async function pendingSection() {
  const [pending, expired] = await Promise.all([
    api('/transfers', { params: { state: 'pending', limit: 1000 } }),
    api('/transfers', { params: { state: 'expired', limit: 1000 } }),
  ]);
  const seen = new Set();
  const rows = listOf(pending, 'transfers').concat(listOf(expired, 'transfers')).filter((r) => !seen.has(r.id) && seen.add(r.id));
  return pendingCards(classify(rows, currentUser()));
}

function fundsSection(summary) {
  return el('div', { class: 'stat-grid', testid: 'dash-funds' }, fundCards(summary));
}

/**
 * Budget execution of the user's own scope: the server picks the projects (a
 * recipient's region, a donor's money, an auditor's pairing) and the sums are
 * exact fen. Null for admins and assessors, whose scope is the whole programme
 * shown below.
 */
async function scopeRow(me) {
  if (!['recipient', 'donor', 'auditor'].includes(me.role)) return null;
  const rows = listOf(await api('/budget', { params: { group: 'project', scope: 'mine', limit: 1000 } }), 'rows');
  const sum = (key) => sumAmounts(rows.map((r) => r[key]));
  const budget = sum('budget');
  const paid = sum('paid');
  return {
    name: me.role === 'auditor' ? me.pairing : me.region_name || me.region,
    projects: rows.reduce((n, r) => n + r.projects, 0),
    budget,
    allocated: sum('allocated'),
    paid,
    rate: rateOf(paid, budget),
  };
}

function scopeCard(row) {
  const cell = (k, v) => el('div', { class: 'exec-cell' }, el('div', { class: 'exec-label', text: t(k) }), el('div', { class: 'exec-value', text: v }));
  return el(
    'section',
    { class: 'card', testid: 'dash-scope' },
    el('h3', { text: t('dash.my_scope', { name: row.name || row.key }) }),
    el(
      'div',
      { class: 'exec-grid' },
      cell('common.projects_count', String(row.projects)),
      cell('exec.budget', formatAmount(row.budget, lang())),
      cell('exec.allocated', formatAmount(row.allocated, lang())),
      cell('exec.paid', formatAmount(row.paid, lang())),
      el('div', { class: 'exec-cell' }, el('div', { class: 'exec-label', text: t('exec.rate') }), rateBar(row.rate))
    )
  );
}

/** Each part loads on its own; a failure shows in the alert and leaves the others. */
async function part(box, load) {
  clear(box).append(loading());
  try {
    const node = await load();
    clear(box);
    if (node) box.append(node);
  } catch (err) {
    clear(box);
    showError(err);
  }
}

export async function render(root) {
  const me = currentUser();
  const pending = el('div');
  const scope = el('div');
  const funds = el('div');
  root.append(
    el('h1', { text: t('nav.dashboard') }),
    whoAmI(me),
    el('h3', { class: 'section-title', text: t('nav.transfers') }),
    pending,
    scope,
    el('h3', { class: 'section-title', text: t('dash.programme_funds') }),
    funds
  );
  await Promise.all([
    part(pending, pendingSection),
    part(scope, async () => {
      const row = await scopeRow(me);
      return row ? scopeCard(row) : null;
    }),
    part(funds, async () => fundsSection(await api('/summary'))),
  ]);
}
