// budget.js - 预算执行: the budget-execution table (预算数 / 已拨付 / 待审批 /
// 已支出 / 执行率) grouped as the officer chooses, with a total row computed
// exactly from the same rows.

import { api, listOf } from '../api.js';
import { el, clear, table, select, rateBar, loading, showError, moneyUnit } from '../ui.js';
import { t } from '../i18n.js';
import { formatCount, sumAmounts, rateOf, rateNumber, toFen } from '../format.js';
import { reportButtons } from '../download.js';

const GROUPS = ['project', 'county', 'pairing', 'kind', 'domain', 'donor'];

function nameCell(group, row) {
  if (group === 'project') return el('a', { href: '#/projects/' + encodeURIComponent(row.key), text: row.name || row.key });
  return row.name || row.key;
}

function budgetTable(group, rows) {
  const total = (k) => sumAmounts(rows.map((r) => r[k] || '0.00'));
  const keys = ['budget', 'allocated', 'committed', 'paid', 'investment'];
  // One unit for the whole table (金额单位 in its caption), as finance reports do.
  const unit = moneyUnit(keys.map(total));
  const live = (r) => sumAmounts([r.committed, '-' + (r.expired || '0.00')]);
  const rowsLive = rows.map((r) => ({ ...r, live: live(r) }));
  const footer = [
    t('common.total'),
    '',
    formatCount(rows.reduce((n, r) => n + (r.projects || 0), 0)),
    unit.format(total('budget')),
    unit.format(total('allocated')),
    unit.format(sumAmounts(rowsLive.map((r) => r.live))),
    unit.format(total('expired')),
    unit.format(total('paid')),
    rateBar(rateOf(total('paid'), total('budget'))),
    unit.format(total('investment')),
  ];
  // one project per row needs no 项目数 column: the room goes to the amounts
  const perProject = group === 'project';
  if (perProject) footer.splice(2, 1);
  return table(
    [
      { label: t('budget.key'), render: (r) => r.key, class: 'code' },
      { label: t('budget.name'), render: (r) => nameCell(group, r), class: 'wide' },
      perProject ? null : { label: t('common.projects_count'), num: true, render: (r) => formatCount(r.projects) },
      { label: t('exec.budget'), num: true, render: (r) => unit.format(r.budget) },
      { label: t('exec.allocated'), num: true, render: (r) => unit.format(r.allocated) },
      { label: t('fig.committed_live'), num: true, render: (r) => unit.format(r.live) },
      { label: t('fig.expired.col'), num: true, render: (r) => unit.format(r.expired || '0.00') },
      { label: t('exec.paid'), num: true, render: (r) => unit.format(r.paid) },
      { label: t('exec.rate'), title: t('exec.rate.hint'), render: (r) => rateBar(r.rate), sortValue: (r) => rateNumber(r.rate) },
      { label: t('fig.investment.col'), num: true, render: (r) => (toFen(r.investment) ? unit.format(r.investment) : '—') },
    ].filter(Boolean),
    rowsLive,
    { testid: 'budget-table', rowTestid: (r) => 'budget-row-' + r.key, footer, unit, compact: true }
  );
}

export async function render(root, args) {
  const group = GROUPS.includes(args[0]) ? args[0] : 'county';
  const chooser = select({ testid: 'budget-group', 'aria-label': t('budget.group') }, GROUPS.map((g) => ({ value: g, label: t('budget.group.' + g) })), group);
  // The grouping lives in the hash, so a table can be bookmarked or sent to a colleague.
  chooser.addEventListener('change', () => (location.hash = '#/budget/' + chooser.value));
  const box = el('div', {}, loading());
  root.append(
    el('div', { class: 'view-head' }, el('h1', { text: t('budget.title') }), el('div', { class: 'actions' }, el('span', { class: 'muted', text: t('budget.group') }), chooser, reportButtons(() => ({ path: '/budget', params: { group } }), 'budget-download'))),
    el('p', { class: 'lead', text: t('fig.budget.lead') }),
    box
  );
  try {
    const rows = listOf(await api('/budget', { params: { group } }), 'rows');
    clear(box).append(budgetTable(group, rows));
  } catch (err) {
    clear(box);
    showError(err);
  }
}
