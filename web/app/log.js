// log.js - 账本: the checkpoint of one log, its entries with their decoded
// content, inclusion proofs checked in the browser (proof-form.js), including
// that the entry's own bytes hash to the leaf the proof starts from, and the
// head of every log at once.
//
// The database's whole log holds every event; each event also belongs to one
// log inside it (docs/audit-log.md, "A log per pairing inside the log"): a city-level pairing's,
// which that pairing's two sides sign, or the province's ('*'). The page shows
// one of them, chosen at the top and kept in the address: #/log/WX-LYG,
// #/log/* (the province), #/log/_all (the whole log; no pairing can be called
// that, as a code begins with a letter or digit). Plain #/log opens the log of
// the officer's own pairing when the session says which (an auditor of one
// pairing, an office of one region paired once), else the whole log.

import { api, listOf } from '../api.js';
import { el, clear, table, field, loading, showError, facts, select, guarded } from '../ui.js';
import { t, enumLabel, listJoin, colon } from '../i18n.js';
import { formatCount, formatTime } from '../format.js';
import { entryBytes, parseCheckpoint, splitNote } from '../merkle.js';
import { proofForm } from '../proof-form.js';
import { trustVerdict } from '../trust-view.js';
import { currentUser, getPairings } from './session.js';

const DEFAULT_COUNT = 20;
const MAX_COUNT = 1000; // the API's cap
const WHOLE = '_all'; // the whole log, in the address
const PROVINCE = '*';
const PARENT_DEPTH_MAX = 8; // pairings nest city > county; a bound all the same

/** An entry as indented JSON for reading, or as it came if it is not JSON. */
function decodeEntry(entry) {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(entryBytes(entry));
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch (e) {
    return entry; // shown raw: the reader still sees what the log holds
  }
}

/** The role the actor acted in, which the entry's own bytes record (none in a version 1 entry). */
function roleOf(e) {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(entryBytes(e.entry))).role || null;
  } catch (err) {
    return null;
  }
}

/** How the page names a log: the pairing's name, 省级日志, or 全部账本 (null). */
function logName(log, heads) {
  if (log === null) return t('log.sel.whole');
  if (log === PROVINCE) return t('log.sel.province');
  const h = heads.find((x) => x.log === log);
  return (h && h.name) || log;
}

/**
 * The log of the officer's own pairing: the city-level pairing of the user's
 * pairing, or of every pairing whose donor or recipient is the user's region
 * when they all lie in one. Null when the session does not say (admin,
 * assessor, a region paired in several) or the pairings cannot be read.
 */
async function ownLog(heads) {
  const me = currentUser();
  if (!me || (!me.pairing && !me.region)) return null;
  let pairings;
  try {
    pairings = await getPairings();
  } catch (err) {
    return null; // the whole log, as before
  }
  const byCode = new Map(pairings.map((p) => [p.code, p]));
  const cityOf = (code) => {
    let p = byCode.get(code);
    for (let i = 0; p && p.parent && i < PARENT_DEPTH_MAX; i++) p = byCode.get(p.parent);
    return p && !p.parent ? p.code : null;
  };
  const found = new Set();
  if (me.pairing) found.add(cityOf(me.pairing));
  else for (const p of pairings) if (p.donor === me.region || p.recipient === me.region) found.add(cityOf(p.code));
  const [only] = found;
  return found.size === 1 && heads.some((h) => h.log === only) ? only : null;
}

function hrefOf(log) {
  return '#/log/' + encodeURIComponent(log === null ? WHOLE : log);
}

/** 查看账本: the whole log, the province's, each city-level pairing's by name. */
function chooser(log, heads, byDefault) {
  const options = [{ value: WHOLE, label: t('log.sel.whole') }].concat(heads.map((h) => ({ value: h.log, label: logName(h.log, heads) })));
  const box = select({ name: 'log', testid: 'log-select' }, options, log === null ? WHOLE : log);
  box.addEventListener('change', () => (location.hash = hrefOf(box.value === WHOLE ? null : box.value)));
  const head = heads.find((h) => h.log === log);
  const what = log === null ? t('log.scope.whole') : log === PROVINCE ? t('log.scope.province') : t('log.scope.pairing', { name: logName(log, heads) });
  return el(
    'section',
    { class: 'log-chooser', testid: 'log-chooser' },
    el('div', { class: 'filters' }, field(t('log.sel.label'), box), byDefault ? el('span', { class: 'muted small', testid: 'log-default', text: t('log.sel.default') }) : null),
    el('p', { class: 'muted small', testid: 'log-scope' }, what, head ? el('span', { class: 'origin' }, t('log.scope.origin') + colon(), el('code', { testid: 'log-origin', text: head.origin })) : null)
  );
}

function entriesTable(rows, log, onProve) {
  return table(
    [
      { label: log ? t('log.index_in_log') : t('log.index'), num: true, render: (e) => String(e.index), title: log ? t('log.index_in_log.title') : null },
      log ? { label: t('log.seq'), num: true, render: (e) => el('span', { testid: 'log-seq-' + e.index, text: String(e.seq) }), title: t('log.seq.title') } : null,
      { label: t('log.time'), render: (e) => formatTime(e.time), class: 'date' },
      { label: t('log.type'), render: (e) => el('span', { title: e.type, testid: 'log-type-' + e.index, text: enumLabel('event', e.type) }) },
      { label: t('log.actor'), render: (e) => el('span', {}, e.actor || '—', roleOf(e) ? el('span', { class: 'sub', text: enumLabel('role', roleOf(e)) }) : null) },
      { label: t('log.leaf'), render: (e) => el('code', { class: 'hash', text: e.leaf_hash }) },
      { label: t('log.entry'), render: (e) => el('details', {}, el('summary', { text: t('common.details') }), el('pre', { class: 'entry-json', text: decodeEntry(e.entry) })) },
      onProve ? { label: t('log.prove'), render: (e) => el('button', { type: 'button', class: 'btn small', testid: 'log-prove-' + e.index, title: t('log.prove.title', { i: e.index }), text: t('log.prove.button'), on: { click: () => onProve(e.index) } }) } : null,
    ].filter(Boolean),
    rows,
    { testid: 'log-entries', rowTestid: (e) => 'log-entry-' + e.index, compact: true }
  );
}

/** The checkpoint card; its signatures are checked in the browser, then the proof form follows their verdict. */
function checkpointCard(cp, log, name, proofBox) {
  const trust = el('div', { class: 'trust', testid: 'trust' }, loading());
  const card = el(
    'section',
    { class: 'card', testid: 'checkpoint' },
    el('h3', { text: t('log.checkpoint') }),
    facts([
      [t('log.which'), el('span', { testid: 'checkpoint-log', text: name })],
      [t('portal.ledger.size'), el('span', { testid: 'checkpoint-size', text: formatCount(cp.size) })],
      [t('portal.ledger.root'), el('code', { class: 'hash', testid: 'checkpoint-root', text: cp.root })],
    ]),
    trust,
    el('h4', { text: t('portal.ledger.note') }),
    cp.checkpoint ? el('pre', { class: 'note', testid: 'checkpoint-note', text: cp.checkpoint }) : el('p', { class: 'muted', testid: 'checkpoint-unsigned', text: t('log.unsigned') })
  );
  guarded(async () => {
    const v = await trustVerdict(cp, log);
    clear(trust).append(...v.nodes.filter(Boolean));
    // The proof compares with the signed root only when its signatures verified here.
    const ctx = { checkpoint: v.trusted ? cp : Object.assign({}, cp, { checkpoint: null }), withEntry: true, log, logName: log === null ? null : name };
    clear(proofBox).append(proofForm(ctx));
  });
  return card;
}

function proofCard(log, name, proofBox) {
  return el(
    'section',
    { class: 'card', testid: 'proof-card' },
    el('h3', { text: t('log.proof_title') }),
    el('p', { class: 'muted small', text: log === null ? t('log.proof_lead') : t('log.proof_lead_log', { name }) }),
    proofBox
  );
}

/** Who signed a log's latest checkpoint, by the names on its signature lines. */
function signerNames(note) {
  const parts = splitNote(note);
  return parts ? parts.signatures.map((s) => s.name) : [];
}

/** Every log's head at once: the whole log first, then the province's and each pairing's. */
function headsSection(whole, heads, log) {
  const rows = [{ log: null, size: whole.size, root: whole.root, checkpoint: whole.checkpoint }].concat(heads);
  const key = (r) => (r.log === null ? WHOLE : r.log);
  const signedSize = (r) => {
    const c = parseCheckpoint(r.checkpoint);
    return c ? c.size : null;
  };
  return el(
    'section',
    { testid: 'log-heads-section' },
    el('h3', { text: t('log.heads') }),
    el('p', { class: 'muted small', text: t('log.heads.lead') }),
    table(
      [
        {
          label: t('log.heads.log'),
          render: (r) => el('span', {}, r.log === log ? el('strong', { text: logName(r.log, heads) }) : el('a', { href: hrefOf(r.log), text: logName(r.log, heads) }), r.log && r.log !== PROVINCE ? el('span', { class: 'sub', text: r.log }) : null),
          sortValue: (r) => logName(r.log, heads),
        },
        { label: t('log.heads.size'), num: true, render: (r) => el('span', { testid: 'head-size-' + key(r), text: formatCount(Number(r.size)) }), sortValue: (r) => Number(r.size) },
        { label: t('log.heads.root'), render: (r) => el('code', { class: 'hash', testid: 'head-root-' + key(r), text: r.root }) },
        {
          label: t('log.heads.signers'),
          render: (r) => {
            const names = signerNames(r.checkpoint);
            return names.length ? el('span', { testid: 'head-signers-' + key(r), text: listJoin(names) }) : el('span', { class: 'muted', testid: 'head-signers-' + key(r), text: t('log.heads.unsigned') });
          },
        },
        { label: t('log.heads.signed_size'), num: true, render: (r) => (signedSize(r) === null ? '—' : formatCount(signedSize(r))), sortValue: (r) => signedSize(r) },
      ],
      rows,
      { testid: 'log-heads', rowTestid: (r) => 'head-' + key(r), rowClass: (r) => (r.log === log ? 'current' : null), sortable: false }
    )
  );
}

function entriesSection(size, log, onProve) {
  const start = Math.max(0, size - DEFAULT_COUNT);
  const from = el('input', { type: 'number', min: 0, name: 'from', value: String(start), class: 'narrow', testid: 'log-from' });
  const count = el('input', { type: 'number', min: 1, max: MAX_COUNT, name: 'count', value: String(DEFAULT_COUNT), class: 'narrow', testid: 'log-count' });
  const box = el('div');
  const load = async () => {
    clear(box).append(loading());
    try {
      const params = { from: from.value, count: count.value };
      if (log) params.log = log;
      const res = await api('/log/entries', { params });
      clear(box).append(entriesTable(listOf(res, 'entries'), log, onProve));
    } catch (err) {
      clear(box);
      showError(err);
    }
  };
  const latest = el('button', { type: 'button', class: 'btn', text: t('log.latest') });
  latest.addEventListener('click', () => {
    from.value = String(Math.max(0, size - Number(count.value || DEFAULT_COUNT)));
    load();
  });
  const form = el('form', { class: 'inline-form filters', testid: 'log-form' }, field(t('log.from'), from), field(t('log.count'), count), el('button', { type: 'submit', class: 'btn primary', text: t('log.show') }), latest);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    load();
  });
  load();
  return el('section', {}, el('h3', { text: t('log.entries') }), form, box);
}

/**
 * 校验 on an entry's row: its index into the proof form, which is sent. The
 * form's size stays the signed checkpoint's when that covers the entry; a newer
 * entry is proved in the tree as it is now.
 */
function proveEntry(proofBox, index, size) {
  const form = proofBox.querySelector('form');
  if (!form) return; // the signatures are still being checked
  form.elements.index.value = String(index);
  if (!(index < Number(form.elements.size.value))) form.elements.size.value = String(size);
  form.requestSubmit();
  proofBox.closest('section').scrollIntoView({ block: 'nearest' });
}

export async function render(root, args) {
  root.append(el('h1', { text: t('log.title') }));
  const wait = loading(); // until the log is known and its head read (the page would be blank)
  root.append(wait);
  const [headsRes, whole] = await Promise.all([api('/log/heads'), api('/log/checkpoint')]);
  const heads = listOf(headsRes, 'logs');
  const asked = args && args[0] ? args[0] : null;
  const byDefault = asked === null ? await ownLog(heads) : null;
  const log = asked === WHOLE ? null : asked || byDefault;
  const name = logName(log, heads);
  // A name that is no log (a county pairing's, a mistyped address) is refused by the
  // server, whose message says so; the chooser stays, to pick one that is.
  wait.replaceWith(chooser(log, heads, byDefault !== null));
  const cp = log === null ? whole : await api('/log/checkpoint', { params: { log } });
  const proofBox = el('div', { testid: 'proof-box' }, loading());
  root.append(
    el('div', { class: 'split' }, checkpointCard(cp, log, name, proofBox), proofCard(log, name, proofBox)),
    headsSection(whole, heads, log),
    entriesSection(Number(cp.size) || 0, log, (index) => proveEntry(proofBox, index, Number(cp.size)))
  );
}
