// measures.js - 资金管理办法 (#/measures): the version in force, every proposed
// version with who approved it for each side and its difference from the
// version in force, a form to propose a version (the INI text) and the approve
// button for the side the signed-in officer speaks for.
//
// A version takes force once an officer of the donor side and one of the
// recipient side have approved it (docs/audit.md); the server decides who is
// on which side, so the button is offered to every donor and recipient officer
// whose side has not yet approved, and a refusal is shown as the server words it.

import { api } from '../api.js';
import { el, table, field, showError } from '../ui.js';
import { t, colon } from '../i18n.js';
import { currentUser } from './session.js';
import { rerender } from './nav.js';

const SIDE = { donor: 'donor_by', recipient: 'recipient_by' };

function versionState(v) {
  if (v.in_force) return 'in_force';
  return v.donor_by && v.recipient_by ? 'superseded' : 'pending';
}

function diffBlock(v) {
  if (v.in_force) return el('span', { class: 'muted', text: '—' });
  if (!v.diff || !v.diff.length) return el('span', { class: 'muted', text: t('mea.no_diff') });
  return el('pre', { class: 'diff', testid: 'measures-diff-' + v.version }, v.diff.map((line) => el('span', { class: line.startsWith('+') ? 'diff-add' : 'diff-del', text: line + '\n' })));
}

async function approve(version, button) {
  button.disabled = true;
  try {
    const res = await api('/measures/' + version + '/approve', { method: 'POST', json: {} });
    rerender(t(res.in_force ? 'mea.approved_in_force' : 'mea.approved', { v: version }));
  } catch (err) {
    button.disabled = false;
    showError(err);
  }
}

function approveCell(v, me) {
  const column = SIDE[me.role];
  if (!column || v.in_force || versionState(v) === 'superseded' || v[column]) return '';
  const button = el('button', { type: 'button', class: 'btn small approve', testid: 'measures-approve-' + v.version, text: t('mea.approve') });
  button.addEventListener('click', () => approve(v.version, button));
  return button;
}

function approval(name) {
  return name ? el('span', { text: name }) : el('span', { class: 'muted', text: t('mea.waiting') });
}

function versionTable(versions, me) {
  return table(
    [
      { label: t('mea.version'), render: (v) => t('aud.measures_n', { v: v.version }), class: 'nowrap' },
      { label: t('mea.state'), render: (v) => el('span', { class: 'tag tag-measures-' + versionState(v), text: t('mea.state_' + versionState(v)) }) },
      { label: t('mea.proposed_by'), render: (v) => v.proposed_by || '—' },
      { label: t('mea.donor_by'), render: (v) => approval(v.donor_by), testid: (v) => 'measures-donor-' + v.version },
      { label: t('mea.recipient_by'), render: (v) => approval(v.recipient_by), testid: (v) => 'measures-recipient-' + v.version },
      { label: t('mea.diff'), render: diffBlock },
      { label: t('tx.actions'), render: (v) => approveCell(v, me) },
    ],
    versions,
    { testid: 'measures-table', rowTestid: (v) => 'measures-row-' + v.version, emptyText: t('mea.none') }
  );
}

function proposeForm(m) {
  const text = el('textarea', { name: 'text', rows: 14, class: 'mono', testid: 'measures-text', spellcheck: 'false' });
  text.value = m.text || '';
  const form = el(
    'form',
    { class: 'card', testid: 'measures-form', novalidate: true },
    el('h3', { text: t('mea.propose_title') }),
    el('p', { class: 'muted small', text: t('mea.propose_lead') }),
    field('INI', text),
    el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn primary', testid: 'measures-submit', text: t('mea.propose') }))
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      const res = await api('/measures', { method: 'POST', json: { text: text.value, pairing: m.pairing } });
      rerender(t('mea.proposed', { v: res.version }));
    } catch (err) {
      button.disabled = false;
      // a bad file names its line and key: the whole text is the field to fix
      text.classList.add('invalid');
      showError(err);
    }
  });
  return form;
}

export async function render(root) {
  const me = currentUser();
  root.append(el('h1', { text: t('mea.title') }), el('p', { class: 'lead', text: t('mea.lead') }));
  const m = await api('/measures');
  const head = m.in_force ? t('mea.in_force_n', { v: m.in_force, pairing: m.pairing }) : t('mea.defaults', { pairing: m.pairing });
  root.append(
    el(
      'div',
      { class: 'card', testid: 'measures-in-force' },
      el('h3', {}, t('mea.in_force') + colon(), el('span', { testid: 'measures-in-force-version', text: head })),
      el('details', {}, el('summary', { text: t('mea.show_text') }), el('pre', { class: 'mono', testid: 'measures-in-force-text', text: m.text || '' }))
    ),
    el('h3', { text: t('mea.versions') }),
    versionTable(m.versions || [], me)
  );
  if (me.role !== 'assessor') root.append(proposeForm(m));
}
