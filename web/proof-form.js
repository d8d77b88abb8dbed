// proof-form.js - "is entry N in the books the signers signed?" as a form,
// shared by the portal's 可信账本 section and the app's 账本 page. It fetches
// the proof from the server but checks it here, against the root of the signed
// checkpoint when the sizes match, so the answer does not rest on the server.
// With ctx.log it asks about one log inside the log (a city-level pairing's or
// the province's '*'): the index is the entry's place in that log, and the
// proof and the roots are that log's tree's.

import { api, listOf } from './api.js';
import { el, clear, field, showError } from './ui.js';
import { t, lang, colon } from './i18n.js';
import { formatCount } from './format.js';
import { canVerify, verifyInclusion, entryMatchesLeaf, parseCheckpoint } from './merkle.js';

/** Which root to compare with: the signed checkpoint's if it covers this size, else the server's. */
function expectedRoot(size, signed, current, proof) {
  if (signed && signed.size === size) return { root: signed.root, what: t('proof.ok.signed'), signed: true };
  if (current && current.size === size && current.root) return { root: current.root, what: t('proof.ok.server'), signed: false };
  return { root: proof.root, what: t('proof.ok.server'), signed: false };
}

/** The query of a call about `log` (null: the whole log). */
function withLog(params, log) {
  return log ? Object.assign({ log }, params) : params;
}

async function checkEntry(index, log) {
  const data = await api('/log/entries', { params: withLog({ from: index, count: 1 }, log) });
  const entry = listOf(data, 'entries')[0];
  return entry ? entry : null;
}

/**
 * The entry itself, read to check that its own bytes hash to the proof's leaf:
 * {entry, ok}, or null when we may not read entries.
 */
async function leafVerdict(index, proof, withEntry, log) {
  if (!withEntry) return null;
  const entry = await checkEntry(index, log);
  if (!entry) return null;
  return { entry, ok: entry.leaf_hash === proof.leaf_hash && (await entryMatchesLeaf(entry.entry, proof.leaf_hash)) };
}

async function runCheck(index, size, ctx, out) {
  const proof = await api('/log/proof/inclusion', { params: withLog({ index, size }, ctx.log) });
  const exp = expectedRoot(Number(proof.size), ctx.signed, ctx.current, proof);
  const result = await verifyInclusion(proof, exp.root);
  const leaf = await leafVerdict(index, proof, ctx.withEntry, ctx.log);
  const leafOk = leaf ? leaf.ok : null;
  // In one log inside the log, where the entry stands in the whole log as well.
  const where = ctx.logName ? t('proof.in_log', { name: ctx.logName }) + (leaf && leaf.entry.seq ? t('proof.seq', { seq: leaf.entry.seq }) : '') : null;
  // Everything is computed before anything is shown, so the verdicts appear together.
  // Node.append writes a null as the text "null": leave the missing verdict out instead.
  const nodes = [
    // Agreeing with the server's own root proves little: amber, not green.
    el('p', { class: 'verdict ' + (!result.ok ? 'bad' : exp.signed ? 'ok' : 'warn'), testid: 'proof-verdict', text: t(result.ok ? 'proof.ok' : 'proof.bad', { i: proof.index, n: formatCount(Number(proof.size)), what: exp.what }) }),
    leafOk === null ? null : el('p', { class: leafOk ? 'verdict ok' : 'verdict bad', testid: 'proof-leaf-verdict', text: t(leafOk ? 'proof.leaf_ok' : 'proof.leaf_bad') }),
    where ? el('p', { class: 'muted small', testid: 'proof-where', text: where }) : null,
    el('div', { class: 'hash-line' }, el('span', { class: 'muted', text: t('proof.computed') + colon() }), el('code', { text: result.computed || '—' })),
    el('details', {}, el('summary', { text: t('proof.raw') }), el('pre', { class: 'proof-json', text: JSON.stringify(proof, null, 2) })),
  ];
  clear(out).append(...nodes.filter(Boolean));
}

/**
 * The form. ctx: {checkpoint: GET /log/checkpoint response, withEntry: also
 * fetch the entry (signed-in readers only) and check its leaf hash, log: the
 * log inside the log the checkpoint is of, or none for the whole log, and
 * logName: how the page names that log}.
 */
export function proofForm(ctx) {
  const signed = parseCheckpoint(ctx.checkpoint && ctx.checkpoint.checkpoint);
  const current = ctx.checkpoint ? { size: Number(ctx.checkpoint.size), root: ctx.checkpoint.root } : null;
  const defaultSize = signed ? signed.size : current ? current.size : '';
  const index = el('input', { type: 'number', min: 0, step: 1, required: true, name: 'index', value: '0', testid: 'proof-index', class: 'narrow' });
  const size = el('input', { type: 'number', min: 1, step: 1, name: 'size', value: String(defaultSize), testid: 'proof-size', class: 'narrow' });
  const out = el('div', { class: 'proof-out', testid: 'proof-result', 'aria-live': 'polite' });
  const form = el(
    'form',
    { class: 'inline-form', testid: 'proof-form' },
    field(ctx.log ? t('log.index_in_log') : t('proof.index'), index), // in one log: the column the entries table heads so
    field(t('proof.size'), size),
    el('button', { type: 'submit', class: 'btn primary', text: t('proof.submit') })
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!canVerify()) {
      clear(out).append(el('p', { class: 'verdict bad', text: t('common.crypto_unavailable') }));
      return;
    }
    try {
      await runCheck(index.value, size.value, { signed, current, withEntry: ctx.withEntry, log: ctx.log || null, logName: ctx.logName || null }, out);
    } catch (err) {
      clear(out);
      showError(err);
    }
  });
  return el('div', { class: 'proof-box' }, form, out);
}
