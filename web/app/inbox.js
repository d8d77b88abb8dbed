// inbox.js - 待办 (#/inbox): what waits for the signed-in officer, without
// email: requests they may approve or reject, audit findings their side must
// answer, measures versions awaiting their side's approval, each linking to
// where it is done.
//
// Which items are the officer's is decided by the server (GET /api/v1/inbox)
// with the same rules that allow the actions; this page only shows them, so it
// can never invite a click the server would refuse.

import { api } from '../api.js';
import { el, table } from '../ui.js';
import { t, enumLabel } from '../i18n.js';
import { formatYuan, formatWan } from '../format.js';
import { accountIndex, getPairings } from './session.js';

function link(hash, text, testid) {
  return el('a', { href: hash, text, testid });
}

function account(code, index) {
  const a = index.get(code);
  return el('span', {}, el('span', { class: 'code', text: code }), a ? el('span', { class: 'sub', text: a.name }) : null);
}

/** A part of the inbox; an empty one is a single quiet line, so what needs action stands out. */
function section(testid, title, count, body, emptyText) {
  const pill = el('span', { class: 'count-pill' + (count ? '' : ' zero'), testid: testid + '-count', text: String(count) });
  return el('section', { class: 'inbox-section' + (count ? '' : ' empty'), testid }, el('h3', {}, title, ' ', pill), count ? body : el('p', { class: 'muted', text: emptyText }));
}

function transfersTable(items, index) {
  return table(
    [
      { label: t('tx.id'), render: (r) => link('#/transfers/' + encodeURIComponent(r.id), r.id, 'inbox-link-' + r.id), class: 'code' },
      { label: t('tx.date'), render: (r) => r.date, class: 'date' },
      { label: t('tx.actor'), render: (r) => r.actor, class: 'nowrap' },
      { label: t('tx.from'), render: (r) => account(r.from, index) },
      { label: t('tx.to'), render: (r) => account(r.to, index) },
      { label: t('tx.amount'), num: true, render: (r) => formatYuan(r.amount) },
      { label: t('inbox.wan'), num: true, render: (r) => formatWan(r.amount) },
      { label: t('tx.memo'), render: (r) => r.memo || '', class: 'memo' },
      { label: t('inbox.todo'), render: (r) => link('#/transfers/' + encodeURIComponent(r.id), t('inbox.go_decide')), class: 'nowrap' },
    ],
    items,
    { testid: 'inbox-transfers-table', rowTestid: (r) => 'inbox-transfer-' + r.id, emptyText: t('inbox.none_transfers') }
  );
}

function findingsTable(items) {
  return table(
    [
      { label: t('aud.id'), render: (r) => link('#/audit/' + encodeURIComponent(r.id), r.id, 'inbox-link-' + r.id), class: 'code' },
      { label: t('aud.rule'), render: (r) => enumLabel('rule', r.rule) },
      { label: t('aud.county'), render: (r) => r.region_name || '—', class: 'nowrap' },
      { label: t('aud.amount'), num: true, render: (r) => formatYuan(r.amount) },
      { label: t('inbox.finding_status'), render: (r) => enumLabel('finding_status', r.status), class: 'nowrap' },
      { label: t('inbox.todo'), render: (r) => link('#/audit/' + encodeURIComponent(r.id), r.actions.map((a) => enumLabel('finding_action', a)).join(' / ')), class: 'nowrap' },
      { label: t('inbox.message'), render: (r) => r.message, class: 'memo' },
    ],
    items,
    { testid: 'inbox-findings-table', rowTestid: (r) => 'inbox-finding-' + r.id, emptyText: t('inbox.none_findings') }
  );
}

function measuresTable(items, pairingNames) {
  return table(
    [
      { label: t('inbox.measures_version'), render: (r) => link('#/measures', t('inbox.version_n', { v: r.version }), 'inbox-link-measures-' + r.version) },
      { label: t('inbox.pairing'), render: (r) => el('span', {}, pairingNames.get(r.pairing) || r.pairing, el('span', { class: 'sub code', text: r.pairing })) },
      { label: t('inbox.proposed_by'), render: (r) => r.proposed_by },
      { label: t('inbox.side'), render: (r) => t('inbox.side_' + r.side) },
      { label: t('inbox.other_side'), render: (r) => (r.other_side_by ? t('inbox.other_approved', { who: r.other_side_by }) : t('inbox.other_waiting')) },
      { label: t('inbox.todo'), render: () => link('#/measures', t('inbox.go_approve')), class: 'nowrap' },
    ],
    items,
    { testid: 'inbox-measures-table', rowTestid: (r) => 'inbox-measures-' + r.pairing + '-' + r.version, emptyText: t('inbox.none_measures') }
  );
}

export async function render(root) {
  const [box, index, pairings] = await Promise.all([api('/inbox'), accountIndex(), getPairings()]);
  const pairingNames = new Map(pairings.map((p) => [p.code, p.name]));
  const of = (kind) => box.items.filter((i) => i.kind === kind);
  root.append(
    el('h2', { text: t('inbox.title') }),
    el('p', { class: 'lead', testid: 'inbox-summary', text: box.total ? t('inbox.lead', { n: box.total }) : t('inbox.empty') })
  );
  root.append(
    section('inbox-transfers', t('inbox.transfers'), box.counts.transfers, transfersTable(of('transfer'), index), t('inbox.none_transfers')),
    section('inbox-findings', t('inbox.findings'), box.counts.findings, findingsTable(of('finding')), t('inbox.none_findings')),
    section('inbox-measures', t('inbox.measures'), box.counts.measures, measuresTable(of('measures'), pairingNames), t('inbox.none_measures'))
  );
}
