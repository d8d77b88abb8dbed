// log.js - 账本: the checkpoint, recent log entries with their decoded content,
// and inclusion proofs checked in the browser (proof-form.js), including that
// the entry's own bytes hash to the leaf the proof starts from.

import { api, listOf } from '../api.js';
import { el, clear, table, field, loading, showError, facts } from '../ui.js';
import { t, enumLabel } from '../i18n.js';
import { formatCount, formatTime } from '../format.js';
import { entryBytes } from '../merkle.js';
import { proofForm } from '../proof-form.js';

const DEFAULT_COUNT = 20;
const MAX_COUNT = 1000; // the API's cap

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

function entriesTable(rows) {
  return table(
    [
      { label: t('log.index'), num: true, render: (e) => String(e.index) },
      { label: t('log.time'), render: (e) => formatTime(e.time), class: 'date' },
      { label: t('log.type'), render: (e) => el('span', { title: e.type, testid: 'log-type-' + e.index, text: enumLabel('event', e.type) }) },
      { label: t('log.actor'), render: (e) => el('span', {}, e.actor || '—', roleOf(e) ? el('span', { class: 'sub', text: enumLabel('role', roleOf(e)) }) : null) },
      { label: t('log.leaf'), render: (e) => el('code', { class: 'hash', text: e.leaf_hash }) },
      { label: t('log.entry'), render: (e) => el('details', {}, el('summary', { text: t('common.details') }), el('pre', { class: 'entry-json', text: decodeEntry(e.entry) })) },
    ],
    rows,
    { testid: 'log-entries', rowTestid: (e) => 'log-entry-' + e.index, compact: true }
  );
}

function checkpointCard(cp) {
  return el(
    'section',
    { class: 'card', testid: 'checkpoint' },
    el('h3', { text: t('log.checkpoint') }),
    facts([
      [t('portal.ledger.size'), el('span', { testid: 'checkpoint-size', text: formatCount(cp.size) })],
      [t('portal.ledger.root'), el('code', { class: 'hash', testid: 'checkpoint-root', text: cp.root })],
    ]),
    el('h4', { text: t('portal.ledger.note') }),
    cp.checkpoint ? el('pre', { class: 'note', testid: 'checkpoint-note', text: cp.checkpoint }) : el('p', { class: 'muted', text: t('portal.ledger.no_note') })
  );
}

function entriesSection(size) {
  const start = Math.max(0, size - DEFAULT_COUNT);
  const from = el('input', { type: 'number', min: 0, name: 'from', value: String(start), class: 'narrow', testid: 'log-from' });
  const count = el('input', { type: 'number', min: 1, max: MAX_COUNT, name: 'count', value: String(DEFAULT_COUNT), class: 'narrow', testid: 'log-count' });
  const box = el('div');
  const load = async () => {
    clear(box).append(loading());
    try {
      const res = await api('/log/entries', { params: { from: from.value, count: count.value } });
      clear(box).append(entriesTable(listOf(res, 'entries')));
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

export async function render(root) {
  root.append(el('h1', { text: t('log.title') }));
  const cp = await api('/log/checkpoint');
  root.append(
    el('div', { class: 'split' }, checkpointCard(cp), el('section', { class: 'card' }, el('h3', { text: t('log.proof_title') }), el('p', { class: 'muted small', text: t('log.proof_lead') }), proofForm({ checkpoint: cp, withEntry: true }))),
    entriesSection(Number(cp.size) || 0)
  );
}
