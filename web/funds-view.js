// funds-view.js - the five fund figures of GET /api/v1/summary (已安排, 资金池结余,
// 已拨付项目, 项目已支出, 待审批) as cards, for the portal and the app's dashboard.

import { el } from './ui.js';
import { t, lang } from './i18n.js';
import { formatAmount } from './format.js';

// Requests past their expiry date can only be voided: they are shown apart from
// the live ones (pending_live), never added to 待审批.
const FUND_KEYS = ['arranged', 'pooled', 'allocated', 'paid', 'pending_live', 'expired'];

function label(key) {
  return key === 'pending_live' || key === 'expired' ? t('fig.' + key) : t('money.' + key);
}

function hint(key, counts) {
  const all = counts.pending_transfers;
  const expired = counts.expired_pending || 0;
  if (key === 'pending_live') return typeof all === 'number' ? t('fig.pending_live.hint', { n: all - expired }) : '';
  if (key === 'expired') return t('fig.expired.hint', { n: expired });
  return t('money.' + key + '.hint');
}

/** One card per fund figure the server sent, in the order money moves. */
export function fundCards(summary) {
  const funds = (summary && summary.funds) || {};
  const counts = (summary && summary.counts) || {};
  return FUND_KEYS.filter((k) => funds[k] !== undefined).map((k) =>
    el(
      'div',
      { class: 'stat stat-' + (k === 'pending_live' ? 'pending' : k), testid: 'fund-' + (k === 'pending_live' ? 'pending' : k) },
      el('div', { class: 'stat-label', text: label(k) }),
      el('div', { class: 'stat-value', text: formatAmount(funds[k], lang()) }),
      el('div', { class: 'stat-hint', text: hint(k, counts) })
    )
  );
}
