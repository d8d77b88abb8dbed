// funds-view.js - the five fund figures of GET /api/v1/summary (已安排, 资金池结余,
// 已拨付项目, 项目已支出, 待审批) as cards, for the portal and the app's dashboard.

import { el } from './ui.js';
import { t, lang } from './i18n.js';
import { formatAmount } from './format.js';

const FUND_KEYS = ['arranged', 'pooled', 'allocated', 'paid', 'pending'];

function hint(key, counts) {
  if (key === 'pending' && typeof counts.pending_transfers === 'number') {
    return t('money.pending.hint', { n: counts.pending_transfers, e: counts.expired_pending || 0 });
  }
  return key === 'pending' ? '' : t('money.' + key + '.hint');
}

/** One card per fund figure the server sent, in the order money moves. */
export function fundCards(summary) {
  const funds = (summary && summary.funds) || {};
  const counts = (summary && summary.counts) || {};
  return FUND_KEYS.filter((k) => funds[k] !== undefined).map((k) =>
    el(
      'div',
      { class: 'stat stat-' + k, testid: 'fund-' + k },
      el('div', { class: 'stat-label', text: t('money.' + k) }),
      el('div', { class: 'stat-value', text: formatAmount(funds[k], lang()) }),
      el('div', { class: 'stat-hint', text: hint(k, counts) })
    )
  );
}
