// trust-view.js - what the signatures on a checkpoint say, checked in the
// browser: each Ed25519 signature of the latest signed note against the keys
// the server publishes for its signers, then an RFC 9162 consistency proof
// that the books as they are now extend the signed ones. Shared by the
// portal's 可信账本 section and the app's 账本 page, which shows it for the
// whole log or for one log inside it (a pairing's or the province's).

import { api } from './api.js';
import { el } from './ui.js';
import { t, colon } from './i18n.js';
import { formatCount } from './format.js';
import { canVerify, verifyNote, verifyConsistency } from './merkle.js';

/** A Unix time as Beijing wall-clock time, YYYY-MM-DD HH:MM (the signers' own time zone). */
export function beijingTime(unix) {
  if (typeof unix !== 'number') return '—';
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(unix * 1000));
  const get = (type) => (parts.find((p) => p.type === type) || {}).value;
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

function signatureItem(sig, signer) {
  const ok = sig.status === 'ok';
  return el(
    'li',
    { class: 'signature ' + (ok ? 'ok' : 'bad'), testid: 'signature-' + sig.status },
    el('div', { class: 'sig-head' }, el('span', { class: 'sig-name', text: sig.name }), el('span', { class: 'sig-status', text: (ok ? '✔ ' : '✘ ') + t('trust.sig.' + sig.status) })),
    signer ? el('div', { class: 'small' }, t('trust.signed_what', { n: formatCount(signer.size), time: beijingTime(signer.time) })) : null,
    el('div', { class: 'sig-key' }, t('trust.key') + colon() + (sig.key || (signer && signer.verifier) || sig.name + '+' + sig.hash))
  );
}

/** Whether the books as they are now extend the signed ones (RFC 9162 consistency, checked here). */
async function consistencyVerdict(signed, cp, log) {
  const now = Number(cp.size);
  if (signed.size === now) {
    const same = signed.root === cp.root;
    return el('p', { class: 'verdict ' + (same ? 'ok' : 'bad'), testid: 'trust-consistency', text: same ? t('trust.same', { n: formatCount(now) }) : t('trust.inconsistent') });
  }
  const params = { from: signed.size, to: now };
  if (log) params.log = log;
  const proof = await api('/log/proof/consistency', { params });
  const ok = signed.size < now && (await verifyConsistency(proof, signed.root, cp.root));
  return el('p', { class: 'verdict ' + (ok ? 'ok' : 'bad'), testid: 'trust-consistency', text: ok ? t('trust.consistent', { from: formatCount(signed.size), to: formatCount(now) }) : t('trust.inconsistent') });
}

/**
 * The verdict on a GET /log/checkpoint answer, computed in the browser; `log`
 * is the log inside the log it is of (null: the whole log), for the
 * consistency proof. Resolves to {nodes, trusted}: trusted when every
 * signature verified, so that a proof form may compare with the signed root.
 */
export async function trustVerdict(cp, log = null) {
  const verdict = (cls, key, vars, testid) => el('p', { class: 'verdict ' + cls, testid, text: t(key, vars) });
  // the province log is signed by the province office, not by a pairing's two sides
  if (!cp.checkpoint) return { nodes: [verdict('warn', log === '*' ? 'trust.none.province' : 'trust.none', {}, 'trust-none')], trusted: false };
  if (!canVerify()) return { nodes: [verdict('bad', 'common.crypto_unavailable', {}, 'trust-summary')], trusted: false };
  const signers = cp.signers || [];
  const res = await verifyNote(cp.checkpoint, signers.map((s) => s.verifier));
  if (!res || !res.checkpoint || !res.signatures.length) return { nodes: [verdict('bad', 'trust.unreadable', {}, 'trust-summary')], trusted: false };
  const allOk = res.signatures.every((s) => s.status === 'ok');
  const items = res.signatures.map((s) => signatureItem(s, signers.find((x) => x.name === s.name)));
  const nodes = [
    verdict(allOk ? 'ok' : 'bad', allOk ? 'trust.summary.ok' : 'trust.summary.bad', { n: res.signatures.length }, 'trust-summary'),
    el('h4', { text: t('trust.signatures') }),
    el('p', { class: 'muted small', text: t('trust.signatures.lead') }),
    el('ul', { class: 'signatures', testid: 'signatures' }, items),
    allOk ? await consistencyVerdict(res.checkpoint, cp, log) : null,
    el('p', { class: 'muted small', text: t('trust.keys_note') }),
  ];
  return { nodes, trusted: allOk };
}
