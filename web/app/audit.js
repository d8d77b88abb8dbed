// audit.js - 审计发现: the joint audit's findings (#/audit) with filters by rule,
// severity, status, county and project, a "run the audit" button for auditors
// and admins, and one finding (#/audit/F-0001) with its Chinese message, its
// evidence followed to the transfers and account statements, its history and
// the rectification form (整改说明).
//
// The form offers only the actions the signed-in role may take on a finding in
// its present status (the library's rules, docs/audit.md); the server decides
// anyway, so a region the app misjudges gets a clear 403, never a wrong write.
// An attachment is uploaded first (POST /api/v1/media, the picture as the body,
// as an import sends its file) and the response then names the stored picture.

import { api, listOf } from '../api.js';
import { el, clear, table, loading, select, field, facts, showError, markField, filePicker } from '../ui.js';
import { t, lang, enumLabel, enumCodes, colon, paren } from '../i18n.js';
import { formatYuan, formatAmount, sumAmounts, today } from '../format.js';
import { currentUser, accountIndex } from './session.js';
import { rerender } from './nav.js';
import { dateField, checkDateField } from './datefield.js';
import { reportButtons } from '../download.js';

// the filters survive a visit to a finding and back
const filters = { rule: '', severity: '', status: '', region: '', project: '' };
let lastAsOf = null; // the date of the last run from this page, offered again

// which role takes which action, from which statuses (src/audit/findings.c)
const ACTIONS = [
  { name: 'acknowledge', role: 'recipient', from: ['open'] },
  { name: 'explain', role: 'recipient', from: ['open', 'acknowledged', 'explained'] },
  { name: 'resolve', role: 'auditor', from: ['open', 'acknowledged', 'explained'] },
  { name: 'reopen', role: 'auditor', from: ['acknowledged', 'explained', 'resolved'] },
];

/** Does a region code cover another (a city 320700 covers its county 320722)? */
function covers(scope, region) {
  if (!scope || !region) return false;
  let prefix = scope;
  while (prefix.length > 2 && prefix.endsWith('00')) prefix = prefix.slice(0, -2);
  return region.startsWith(prefix);
}

/** The actions the signed-in user may take on finding f now. */
export function allowedActions(f, me) {
  if (!me || f.status === 'cleared') return [];
  return ACTIONS.filter((a) => {
    if (!a.from.includes(f.status)) return false;
    if (me.role === 'admin') return true;
    if (a.role === 'recipient') return me.role === 'recipient' && covers(me.region, f.region);
    return me.role === 'auditor' && me.pairing === f.pairing;
  });
}

function mayRun(me) {
  return me && (me.role === 'admin' || me.role === 'auditor');
}

function severityTag(s) {
  return el('span', { class: 'tag tag-severity-' + s, text: enumLabel('severity', s) });
}

function statusTag(s, testid) {
  return el('span', { class: 'tag tag-finding-' + s, testid, text: enumLabel('finding_status', s) });
}

function ruleName(f) {
  return lang() === 'en' ? enumLabel('rule', f.rule) : f.rule_zh || enumLabel('rule', f.rule);
}

// --- the list -----------------------------------------------------------------------

function findingTable(rows) {
  return table(
    [
      { label: t('aud.id'), render: (f) => el('a', { href: '#/audit/' + encodeURIComponent(f.id), testid: 'finding-link-' + f.id, text: f.id }), class: 'code nowrap' },
      { label: t('aud.rule'), render: (f) => ruleName(f), class: 'nowrap' },
      { label: t('aud.severity'), render: (f) => severityTag(f.severity) },
      { label: t('aud.county'), render: (f) => f.region_name || '—', class: 'nowrap' },
      { label: t('aud.subject'), render: (f) => f.subject, class: 'code' },
      { label: t('aud.amount'), num: true, render: (f) => formatYuan(f.amount) },
      { label: t('aud.status'), render: (f) => statusTag(f.status, 'finding-status-' + f.id) },
      { label: t('aud.opened'), render: (f) => f.opened, class: 'date' },
      { label: t('aud.message'), render: (f) => f.message, class: 'memo' },
    ],
    rows,
    { testid: 'finding-table', rowTestid: (f) => 'finding-row-' + f.id, emptyText: t('aud.none') }
  );
}

/** Counties and projects to filter by: those that have findings at all. */
function choices(all, key, label) {
  const seen = new Map();
  for (const f of all) if (f[key] && !seen.has(f[key])) seen.set(f[key], label(f));
  return [...seen].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([value, text]) => ({ value, label: text }));
}

function runForm(me) {
  if (!mayRun(me)) return null;
  const asOfField = dateField({ name: 'as_of', value: lastAsOf || today(), testid: 'audit-as-of', required: true, label: t('aud.run_as_of') });
  const asOf = asOfField.querySelector('input[name="as_of"]');
  const button = el('button', { type: 'submit', class: 'btn primary', testid: 'audit-run', text: t('aud.run') });
  const form = el('form', { class: 'inline-form run-form', testid: 'audit-run-form' }, asOfField, button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (checkDateField(asOf) === null) return;
    button.disabled = true;
    button.textContent = t('aud.running');
    try {
      const o = await api('/audit/run', { method: 'POST', json: { as_of: asOf.value.trim() } });
      lastAsOf = o.as_of;
      rerender(t('aud.run_done', { v: o.measures_version, found: o.found, opened: o.opened, updated: o.updated, cleared: o.cleared, unchanged: o.unchanged }));
    } catch (err) {
      button.disabled = false;
      button.textContent = t('aud.run');
      markField(form, err);
      showError(err);
    }
  });
  return form;
}

async function renderList(root) {
  const me = currentUser();
  root.append(el('div', { class: 'view-head' }, el('h1', { text: t('aud.title') }), runForm(me)), el('p', { class: 'lead', text: t('aud.lead') }));
  const box = el('div', {}, loading());
  const filterBar = el('div', { class: 'filters', testid: 'finding-filters' });
  root.append(filterBar, box);
  // every finding once, for the county and project choices
  const everything = listOf(await api('/audit/findings', { params: { status: 'all' } }), 'findings');
  const rules = enumCodes('rule').map((r) => ({ value: r, label: enumLabel('rule', r) }));
  const statuses = [{ value: 'all', label: t('aud.status_all') }].concat(['acknowledged', 'explained', 'resolved', 'cleared'].map((s) => ({ value: s, label: enumLabel('finding_status', s) })));
  const controls = {
    rule: select({ testid: 'filter-rule', 'aria-label': t('aud.rule') }, rules, filters.rule, t('aud.rule') + colon() + t('common.all')),
    severity: select({ testid: 'filter-severity', 'aria-label': t('aud.severity') }, ['error', 'warning'].map((s) => ({ value: s, label: enumLabel('severity', s) })), filters.severity, t('aud.severity') + colon() + t('common.all')),
    status: select({ testid: 'filter-status', 'aria-label': t('aud.status') }, statuses, filters.status, t('aud.status_open')),
    region: select({ testid: 'filter-region', 'aria-label': t('aud.county') }, choices(everything, 'region', (f) => f.region_name || f.region), filters.region, t('aud.county') + colon() + t('common.all')),
    project: select({ testid: 'filter-project', 'aria-label': t('aud.project') }, choices(everything, 'project', (f) => f.project), filters.project, t('aud.project') + colon() + t('common.all')),
  };
  const load = async () => {
    clear(box).append(loading());
    try {
      const rows = listOf(await api('/audit/findings', { params: filters }), 'findings');
      const total = el('p', { class: 'muted', testid: 'finding-total', text: t('aud.total', { n: rows.length, amount: formatAmount(sumAmounts(rows.map((f) => f.amount)), lang()) }) });
      clear(box).append(total, findingTable(rows));
    } catch (err) {
      clear(box);
      showError(err);
    }
  };
  for (const [key, control] of Object.entries(controls)) {
    control.addEventListener('change', () => {
      filters[key] = control.value;
      load();
    });
    filterBar.append(control);
  }
  // 审计发现问题清单 as a file, with the filters chosen
  filterBar.append(reportButtons(() => ({ path: '/audit/findings', params: Object.assign({}, filters) }), 'findings-download'));
  await load();
}

// --- one finding ------------------------------------------------------------------------

/** What each evidence code is: an account, a transfer, a project, or another code. */
async function evidenceRows(f) {
  const codes = (f.evidence || '').split(/\s+/).filter(Boolean);
  const accounts = await accountIndex();
  return Promise.all(
    codes.map(async (code) => {
      if (accounts.has(code)) return { code, kind: 'account', account: accounts.get(code) };
      const tr = listOf(await api('/transfers', { params: { id: code, limit: 1 } }), 'transfers')[0];
      if (tr) return { code, kind: 'transfer', transfer: tr };
      if (code === f.project) return { code, kind: 'project' };
      const found = listOf(await api('/projects', { params: { q: code, limit: 5 } }), 'projects').find((p) => p.code === code);
      return { code, kind: found ? 'project' : 'other', project: found };
    })
  );
}

function statementLink(account, transferId) {
  const href = '#/accounts/' + encodeURIComponent(account) + (transferId ? '/' + encodeURIComponent(transferId) : '');
  return el('a', { class: 'code', href, testid: 'evidence-statement-' + account, text: account });
}

function evidenceDetail(row) {
  if (row.kind === 'transfer') {
    const tr = row.transfer;
    return el('span', {}, tr.date + ' ', statementLink(tr.from, tr.id), ' → ', statementLink(tr.to, tr.id), ' ', el('strong', { text: formatYuan(tr.amount) + ' ' + t('common.unit.yuan') }), tr.memo ? el('span', { class: 'sub', text: tr.memo }) : null);
  }
  if (row.kind === 'account') return el('span', {}, row.account.name, ' · ', el('a', { href: '#/accounts/' + encodeURIComponent(row.code), text: t('aud.ev_statement') }));
  if (row.kind === 'project') return el('a', { href: '#/projects/' + encodeURIComponent(row.code), text: row.project ? row.project.name : row.code });
  return '—';
}

function evidenceSection(rows) {
  return el(
    'section',
    { testid: 'finding-evidence' },
    el('h3', { text: t('aud.evidence') }),
    el('p', { class: 'muted small', text: t('aud.evidence_lead') }),
    table(
      [
        { label: t('aud.ev_code'), render: (r) => (r.kind === 'transfer' ? el('a', { class: 'code', href: '#/transfers/' + encodeURIComponent(r.code), testid: 'evidence-transfer-' + r.code, text: r.code }) : el('span', { class: 'code', text: r.code })) },
        { label: t('aud.ev_kind'), render: (r) => t('aud.ev_' + r.kind), class: 'nowrap' },
        { label: t('aud.ev_detail'), render: evidenceDetail },
      ],
      rows,
      { testid: 'evidence-table', rowTestid: (r) => 'evidence-row-' + r.code, compact: true }
    )
  );
}

function historySection(f) {
  return el(
    'section',
    { testid: 'finding-history' },
    el('h3', { text: t('aud.history') }),
    table(
      [
        { label: t('common.date'), render: (h) => h.date, class: 'date' },
        { label: t('aud.h_action'), render: (h) => enumLabel('finding_action', h.action), class: 'nowrap' },
        { label: t('aud.status'), render: (h) => statusTag(h.status) },
        { label: t('aud.h_actor'), render: (h) => el('span', {}, h.actor || '—', h.role ? el('span', { class: 'sub', text: enumLabel('role', h.role) }) : null), class: 'nowrap' },
        { label: t('aud.h_note'), render: (h) => h.note || '', class: 'memo' },
        { label: t('aud.h_attachment'), render: (h) => (h.attachment ? el('a', { href: '/media/' + encodeURIComponent(h.attachment), target: '_blank', rel: 'noopener', testid: 'attachment-' + h.seq, text: t('aud.view_attachment') }) : '') },
      ],
      f.history || [],
      { testid: 'history-table', rowTestid: (h) => 'history-row-' + h.seq, compact: true }
    )
  );
}

async function submitResponse(form, f) {
  const action = form.elements.action.value;
  const note = form.elements.note.value.trim();
  if (!note) {
    form.elements.note.classList.add('invalid');
    showError({ message: t('aud.note_required'), field: 'note' });
    return;
  }
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    const body = { action, note };
    const file = form.elements.attachment.files[0];
    if (file) {
      button.textContent = t('aud.uploading');
      const stored = await api('/media', { method: 'POST', body: file, contentType: file.type || 'application/octet-stream' });
      body.attachment = stored.name;
    }
    await api('/audit/findings/' + encodeURIComponent(f.id) + '/responses', { method: 'POST', json: body });
    rerender(t('aud.responded', { action: enumLabel('finding_action', action), id: f.id }));
  } catch (err) {
    button.disabled = false;
    button.textContent = t('aud.submit');
    markField(form, err);
    showError(err);
  }
}

function responseForm(f, actions) {
  const form = el(
    'form',
    { class: 'card', testid: 'response-form', novalidate: true },
    el('h3', { text: t(actions.some((a) => a.name === 'explain') ? 'aud.form_title' : 'aud.form_title_review') }),
    el('p', { class: 'muted small', text: t('aud.form_lead') }),
    el(
      'div',
      { class: 'form-grid' },
      field(t('aud.action'), select({ name: 'action', testid: 'response-action' }, actions.map((a) => ({ value: a.name, label: enumLabel('finding_action', a.name) })), actions[actions.length > 1 && actions[0].name === 'acknowledge' ? 1 : 0].name)),
      el('div', { class: 'span-all' }, field(t('aud.note'), el('textarea', { name: 'note', rows: 4, testid: 'response-note', placeholder: t('aud.note_placeholder') }))),
      el('div', { class: 'span2' }, filePicker({ label: t('aud.attachment'), name: 'attachment', accept: 'image/jpeg,image/png,image/webp,image/gif', testid: 'response-attachment', choose: t('forms.photo_choose'), none: t('forms.photo_none') }).field)
    ),
    el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn primary', testid: 'response-submit', text: t('aud.submit') }))
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitResponse(form, f);
  });
  return form;
}

async function renderFinding(root, id) {
  root.append(el('a', { class: 'back', href: '#/audit', testid: 'finding-back', text: t('aud.back') }));
  const f = await api('/audit/findings/' + encodeURIComponent(id));
  root.append(
    el('h1', { testid: 'finding-title' }, f.id + ' · ' + ruleName(f), ' ', severityTag(f.severity), ' ', statusTag(f.status, 'finding-status')),
    el('div', { class: 'card finding-message', testid: 'finding-message' }, el('p', { text: f.message })),
    el('div', { class: 'card' }, facts([
      [t('aud.rule'), ruleName(f) + paren(f.rule)],
      [t('aud.county'), f.region_name],
      [t('aud.project'), f.project ? el('a', { href: '#/projects/' + encodeURIComponent(f.project), text: f.project }) : null],
      [t('aud.subject'), f.subject],
      [t('aud.amount'), el('span', { testid: 'finding-amount', text: formatYuan(f.amount) })],
      [t('aud.opened'), f.opened],
      [t('aud.updated'), f.updated],
      [t('aud.measures_version'), f.measures ? t('aud.measures_n', { v: f.measures }) : t('aud.measures_default')],
    ]))
  );
  const evidence = el('div', {}, loading());
  root.append(evidence, historySection(f));
  const actions = allowedActions(f, currentUser());
  if (actions.length) root.append(responseForm(f, actions));
  else if (currentUser().role === 'recipient' || currentUser().role === 'auditor') root.append(el('p', { class: 'muted', testid: 'no-actions', text: t('aud.no_actions') }));
  try {
    clear(evidence).append(evidenceSection(await evidenceRows(f)));
  } catch (err) {
    clear(evidence);
    showError(err);
  }
}

export async function render(root, args) {
  if (args[0]) return renderFinding(root, args[0]);
  return renderList(root);
}
