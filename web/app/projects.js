// projects.js - 项目: the project list (#/projects), a creation form
// (#/projects/new) and a project's page with edit and key-moment forms
// (#/projects/CODE).
//
// The status select offers only the current status and later ones: the server
// refuses a step back, and a form that cannot express it needs no explaining.
// Likewise every other choice is the server's answer to "what may I use": the
// pairings and regions of ?may=create_project, the project's `may` for its
// forms, /me's `may` for the 新建项目 button. A county office's list opens on
// its own county; the scope select widens it to all it may read.

import { api, listOf } from '../api.js';
import { el, clear, table, select, field, pager, loading, showError, markField, facts, moneyUnit, filePicker } from '../ui.js';
import { t, lang, enumLabel, enumCodes, colon } from '../i18n.js';
import { formatAmount, formatYuan, normaliseAmountInput, today } from '../format.js';
import { projectPage, tag } from '../project-view.js';
import { currentUser, may, invalidateAccounts } from './session.js';
import { go } from './nav.js';
import { dateField, checkDateField } from './datefield.js';
import { fileButton } from '../download.js';

const PAGE_SIZE = 25;
const STATUS_ORDER = ['proposed', 'approved', 'in_progress', 'completed', 'accepted'];
const listState = { q: '', kind: '', status: '', domain: '', scope: 'mine', owner: null, offset: 0 };

const enumOptions = (group) => enumCodes(group).map((c) => ({ value: c, label: enumLabel(group, c) }));

/** A client-side refusal, shown in the same alert as the server's. */
function invalid(form, name, message) {
  const input = form.elements[name];
  if (input) {
    input.classList.add('invalid');
    input.focus();
  }
  showError({ message, field: name });
  return null;
}

// --- list --------------------------------------------------------------------------

function projectTable(rows) {
  const unit = moneyUnit(rows.flatMap((p) => [p.budget, p.investment]));
  return table(
    [
      { label: t('project.code'), render: (p) => p.code, class: 'code' },
      { label: t('project.name'), render: (p) => el('a', { href: '#/projects/' + encodeURIComponent(p.code), text: p.name }), class: 'wide' },
      { label: t('project.kind'), render: (p) => tag('kind', p.kind) },
      { label: t('project.status'), render: (p) => tag('status', p.status) },
      { label: t('project.region'), render: (p) => p.region_name || p.region, class: 'nowrap' },
      { label: t('fig.budget'), num: true, render: (p) => unit.format(p.budget) },
      { label: t('fig.investment.col'), num: true, render: (p) => (p.investment ? unit.format(p.investment) : '—') },
      { label: t('project.public'), render: (p) => (p.public ? t('common.yes') : t('common.no')) },
    ],
    rows,
    { testid: 'projects-table', rowTestid: (p) => 'project-row-' + p.code, unit }
  );
}

/** A recipient office's own region: where its projects are. Other roles' regions are not where projects lie. */
function ownRegion() {
  const me = currentUser();
  return me && me.role === 'recipient' && me.region ? me : null;
}

/** 查看范围: the user's own region (the default) or everything they may read. */
function scopeSelect() {
  const me = ownRegion();
  if (!me) return null;
  const options = [
    { value: 'mine', label: t('forms.scope_mine', { name: me.region_name || me.region }) },
    { value: 'all', label: t('forms.scope_all') },
  ];
  return select({ name: 'scope', testid: 'projects-scope', 'aria-label': t('forms.scope') }, options, listState.scope);
}

function filters(onApply) {
  const q = el('input', { type: 'search', name: 'q', value: listState.q, testid: 'projects-search', placeholder: t('portal.projects.search_placeholder'), 'aria-label': t('a11y.search_projects') });
  const sel = (g) => select({ name: g, testid: 'projects-filter-' + g, 'aria-label': t('project.' + g) }, enumOptions(g), listState[g], t('project.' + g) + colon() + t('common.all'));
  const form = el('form', { class: 'filters', role: 'search' }, scopeSelect(), q, sel('kind'), sel('status'), sel('domain'), el('button', { type: 'submit', class: 'btn primary', text: t('common.search') }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    listState.q = q.value.trim();
    if (form.elements.scope) listState.scope = form.elements.scope.value;
    for (const g of ['kind', 'status', 'domain']) listState[g] = form.elements[g].value;
    listState.offset = 0;
    onApply();
  });
  form.addEventListener('change', (ev) => ev.target.tagName === 'SELECT' && form.requestSubmit());
  return form;
}

async function renderList(root) {
  const me = currentUser();
  if (listState.owner !== me.name) Object.assign(listState, { q: '', kind: '', status: '', domain: '', scope: 'mine', owner: me.name, offset: 0 });
  const box = el('div');
  const load = async () => {
    clear(box).append(loading());
    const region = ownRegion() && listState.scope === 'mine' ? ownRegion().region : '';
    try {
      const res = await api('/projects', { params: { q: listState.q, kind: listState.kind, status: listState.status, domain: listState.domain, region, limit: PAGE_SIZE, offset: listState.offset } });
      clear(box).append(
        projectTable(listOf(res, 'projects')),
        pager(res.total, PAGE_SIZE, listState.offset, (off) => {
          listState.offset = off;
          load();
        })
      );
    } catch (err) {
      clear(box);
      showError(err);
    }
  };
  // the project library as a file (every project the officer reads: /api/v1/export/projects)
  const actions = el('div', { class: 'actions' }, fileButton('xlsx', () => ({ path: '/export/projects' }), 'projects-download-xlsx'), !may('create_project') ? null : el('a', { class: 'btn primary', href: '#/projects/new', testid: 'project-new', text: '+ ' + t('projects.new') }));
  root.append(el('div', { class: 'view-head' }, el('h1', { text: t('nav.projects') }), actions), filters(load), box);
  await load();
}

// --- create ---------------------------------------------------------------------------

/** Where this user may file a project of the pairing: the server's answer, named by region name. */
async function regionOptions(pairing) {
  if (!pairing) return [];
  const res = await api('/regions', { params: { may: 'create_project', pairing } });
  return listOf(res, 'regions').map((r) => ({ value: r.code, label: r.name }));
}

function createBody(form) {
  const f = form.elements;
  const budget = normaliseAmountInput(f.budget.value);
  if (!f.code.value.trim()) return invalid(form, 'code', t('project.code'));
  if (budget === null) return invalid(form, 'budget', t('tx.amount_invalid'));
  for (const d of ['start_date', 'end_date']) if (checkDateField(f[d]) === null) return invalid(form, d, t('date.unreadable'));
  const body = { code: f.code.value.trim(), name: f.name.value.trim(), pairing: f.pairing.value, region: f.region.value, domain: f.domain.value, kind: f.kind.value, status: f.status.value, budget, start_date: f.start_date.value.trim(), public: f.public.checked };
  if (f.end_date.value.trim()) body.end_date = f.end_date.value.trim();
  if (f.beneficiaries.value.trim()) body.beneficiaries = Number(f.beneficiaries.value);
  if (f.source.value) body.source = f.source.value;
  return body;
}

/** Instead of a form bound to be refused: why there is none. */
function noForm(root, message, testid) {
  root.append(el('a', { class: 'back', href: '#/projects', text: t('project.back') }), el('h1', { text: t('projects.new') }), el('p', { class: 'card muted', testid, text: message }));
}

async function renderCreate(root) {
  if (!may('create_project')) return noForm(root, t('forms.no_create_project'), 'project-new-refused');
  const pairings = listOf(await api('/pairings', { params: { may: 'create_project' } }), 'pairings');
  if (!pairings.length) return noForm(root, t('forms.no_pairing'), 'project-new-refused');
  const me = currentUser();
  // A county officer almost always files projects of their own county's pairing, in their county.
  const mine = pairings.find((p) => p.recipient === me.region) || pairings[0];
  const regionSel = select({ name: 'region', testid: 'project-region' }, [], '');
  const pairingSel = select({ name: 'pairing', testid: 'project-pairing' }, pairings.map((p) => ({ value: p.code, label: p.name })), mine.code);
  const fillRegions = async () => {
    const opts = await regionOptions(pairingSel.value);
    regionSel.replaceChildren(...opts.map((o) => el('option', { value: o.value, selected: o.value === me.region }, o.label)));
  };
  pairingSel.addEventListener('change', () => fillRegions().catch(showError));
  const input = (name, extra) => el('input', Object.assign({ name, autocomplete: 'off', testid: 'project-' + name.replace('_', '-') }, extra || {}));
  const form = el(
    'form',
    { class: 'card', testid: 'project-form', novalidate: true },
    el(
      'div',
      { class: 'form-grid' },
      field(t('project.code'), input('code', { required: true, placeholder: 'LYG-MS-089' })),
      el('div', { class: 'span2' }, field(t('project.name'), input('name', { required: true }))),
      field(t('project.kind'), select({ name: 'kind', testid: 'project-kind' }, enumOptions('kind'), 'livelihood')),
      el('div', { class: 'span2' }, field(t('project.pairing'), pairingSel)),
      field(t('project.region'), regionSel),
      field(t('project.domain'), select({ name: 'domain', testid: 'project-domain' }, enumOptions('domain'), 'education')),
      field(t('project.status'), select({ name: 'status', testid: 'project-status' }, enumOptions('status'), 'proposed')),
      field(t('project.budget'), input('budget', { required: true, inputmode: 'decimal' }), t('projects.budget_hint')),
      dateField({ name: 'start_date', value: today(), testid: 'project-start-date', required: true, label: t('project.start_date') }),
      dateField({ name: 'end_date', testid: 'project-end-date', label: t('project.end_date') }),
      field(t('project.beneficiaries'), input('beneficiaries', { type: 'number', min: 0, step: 1 })),
      field(t('project.source'), select({ name: 'source', testid: 'project-source' }, [{ value: '', label: '—' }, { value: 'article', label: t('enum.source.article') }, { value: 'synthetic', label: t('enum.source.synthetic') }], '')),
      el('label', { class: 'field check' }, el('input', { type: 'checkbox', name: 'public', testid: 'project-public' }), el('span', { text: t('project.public') }))
    ),
    el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn primary', testid: 'project-submit', text: t('projects.create') }), el('a', { class: 'btn', href: '#/projects', text: t('common.cancel') }))
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = createBody(form);
    if (!body) return;
    try {
      const p = await api('/projects', { method: 'POST', json: body });
      go('#/projects/' + encodeURIComponent((p && p.code) || body.code), t('projects.created', { code: body.code }));
    } catch (err) {
      markField(form, err);
      showError(err);
    }
  });
  root.append(el('a', { class: 'back', href: '#/projects', text: t('project.back') }), el('h1', { text: t('projects.new') }), form);
  await fillRegions();
}

// --- a project's page: edit and key moments ----------------------------------------------

function editBody(form, p) {
  const f = form.elements;
  const body = {};
  const budget = normaliseAmountInput(f.budget.value);
  if (budget === null) return invalid(form, 'budget', t('tx.amount_invalid'));
  if (checkDateField(f.end_date) === null) return invalid(form, 'end_date', t('date.unreadable'));
  // Only what changed is sent, so a PATCH never rewrites a field the officer did not touch.
  if (f.name.value.trim() !== p.name) body.name = f.name.value.trim();
  if (f.status.value !== p.status) body.status = f.status.value;
  if (budget !== p.budget) body.budget = budget;
  if ((f.end_date.value.trim() || null) !== (p.end_date || null)) body.end_date = f.end_date.value.trim() || null;
  const ben = f.beneficiaries.value.trim() === '' ? null : Number(f.beneficiaries.value);
  if (ben !== (p.beneficiaries === undefined ? null : p.beneficiaries)) body.beneficiaries = ben;
  if (f.public.checked !== Boolean(p.public)) body.public = f.public.checked;
  return body;
}

function editForm(p) {
  const later = STATUS_ORDER.slice(Math.max(0, STATUS_ORDER.indexOf(p.status)));
  const form = el(
    'form',
    { class: 'card', testid: 'project-edit', novalidate: true },
    el('h3', { text: t('projects.edit') }),
    el(
      'div',
      { class: 'form-grid' },
      el('div', { class: 'span2' }, field(t('project.name'), el('input', { name: 'name', value: p.name, testid: 'edit-name' }))),
      field(t('project.status'), select({ name: 'status', testid: 'edit-status' }, later.map((s) => ({ value: s, label: enumLabel('status', s) })), p.status), t('projects.status_forward')),
      field(t('project.budget'), el('input', { name: 'budget', value: p.budget, inputmode: 'decimal', testid: 'edit-budget' }), formatYuan(p.budget) + ' ' + t('common.unit.yuan')),
      dateField({ name: 'end_date', value: p.end_date || '', testid: 'edit-end-date', label: t('project.end_date') }),
      field(t('project.beneficiaries'), el('input', { name: 'beneficiaries', type: 'number', min: 0, value: p.beneficiaries === null || p.beneficiaries === undefined ? '' : String(p.beneficiaries), testid: 'edit-beneficiaries' })),
      el('label', { class: 'field check' }, el('input', { type: 'checkbox', name: 'public', checked: Boolean(p.public), testid: 'edit-public' }), el('span', { text: t('project.public') }))
    ),
    el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn primary', testid: 'edit-submit', text: t('common.save') }))
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = editBody(form, p);
    if (!body) return;
    try {
      if (Object.keys(body).length) await api('/projects/' + encodeURIComponent(p.code), { method: 'PATCH', json: body });
      go('#/projects/' + encodeURIComponent(p.code), t('projects.saved', { code: p.code }));
    } catch (err) {
      markField(form, err);
      showError(err);
    }
  });
  return form;
}

/** A chosen picture stored by POST /api/v1/media; its name goes into the milestone. */
async function uploadPhoto(file, status) {
  status.textContent = t('forms.photo_uploading');
  const stored = await api('/media', { method: 'POST', body: file, contentType: file.type || 'application/octet-stream' });
  status.textContent = '';
  return stored.name;
}

/** 现场照片, with the chosen file's name; status is where the upload reports. */
function photoPicker(status) {
  const picker = filePicker({ label: t('forms.photo'), name: 'photo', accept: 'image/jpeg,image/png,image/webp,image/gif', testid: 'milestone-photo', choose: t('forms.photo_choose'), none: t('forms.photo_none') });
  picker.field.append(status);
  return picker.field;
}

function milestoneForm(p) {
  const photoStatus = el('small', { class: 'hint', testid: 'milestone-photo-status', text: t('forms.photo_hint') });
  const form = el(
    'form',
    { class: 'card', testid: 'milestone-form', novalidate: true },
    el('h3', { text: t('projects.milestone_new') }),
    el(
      'div',
      { class: 'form-grid' },
      dateField({ name: 'date', value: today(), testid: 'milestone-date', required: true, label: t('common.date') }),
      field(t('projects.milestone.kind'), select({ name: 'kind', testid: 'milestone-kind' }, enumOptions('milestone_kind'), 'other')),
      el('div', { class: 'span2' }, field(t('projects.milestone.title'), el('input', { name: 'title', required: true, testid: 'milestone-title' }))),
      el('div', { class: 'span-all' }, field(t('projects.milestone.description'), el('textarea', { name: 'description', rows: 2, testid: 'milestone-description' }))),
      el('div', { class: 'span-all' }, photoPicker(photoStatus))
    ),
    el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn primary', testid: 'milestone-submit', text: t('common.submit') }))
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = form.elements;
    if (checkDateField(f.date) === null) return invalid(form, 'date', t('date.unreadable'));
    if (!f.title.value.trim()) return invalid(form, 'title', t('projects.milestone.title'));
    const body = { date: f.date.value.trim(), kind: f.kind.value, title: f.title.value.trim() };
    if (f.description.value.trim()) body.description = f.description.value.trim();
    try {
      if (f.photo.files.length) body.photo = await uploadPhoto(f.photo.files[0], photoStatus);
      await api('/projects/' + encodeURIComponent(p.code) + '/milestones', { method: 'POST', json: body });
      go('#/projects/' + encodeURIComponent(p.code), t('projects.milestone_added', { title: body.title }));
    } catch (err) {
      markField(form, err);
      showError(err);
    }
    return null;
  });
  return form;
}

// --- a fund account for the project ---------------------------------------------------------

/**
 * 开设项目资金账户, for a project that has none yet (a project keeps one budget
 * account; a second is a CSV import's job): its kind, region and pairing are
 * the project's, the officer names it. PRJ-<project> is the house convention.
 */
function accountForm(p) {
  const input = (name, value, testid) => el('input', { name, value, testid, autocomplete: 'off', required: true });
  const form = el(
    'form',
    { class: 'card', testid: 'account-form', novalidate: true },
    el('h3', { text: t('forms.account_new') }),
    el('p', { class: 'muted small', text: t('forms.account_lead') }),
    el(
      'div',
      { class: 'form-grid' },
      field(t('forms.account_code'), input('code', ('PRJ-' + p.code).slice(0, 64), 'account-code')),
      el('div', { class: 'span2' }, field(t('forms.account_name'), input('name', p.name + '项目资金', 'account-name'))),
      el('div', { class: 'span-all' }, facts([
        [t('forms.account_kind'), enumLabel('account_kind', 'project')],
        [t('project.region'), p.region_name || p.region],
        [t('project.pairing'), p.pairing_name || p.pairing],
      ]))
    ),
    el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn primary', testid: 'account-submit', text: t('forms.account_submit') }))
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = form.elements;
    const body = { code: f.code.value.trim(), name: f.name.value.trim(), kind: 'project', region: p.region, pairing: p.pairing, project: p.code };
    if (!body.code) return invalid(form, 'code', t('forms.account_code'));
    if (!body.name) return invalid(form, 'name', t('forms.account_name'));
    try {
      await api('/accounts', { method: 'POST', json: body });
      invalidateAccounts();
      go('#/projects/' + encodeURIComponent(p.code), t('forms.account_created', { code: body.code }));
    } catch (err) {
      markField(form, err);
      showError(err);
    }
    return null;
  });
  return form;
}

// --- the change history, from the log ---------------------------------------------------------

/** The fields a creation shows: what identifies the new thing, not every column. */
const CREATED_FIELDS = { 'project.create': ['name', 'budget', 'status'], 'milestone.create': ['title', 'date', 'photo'], 'account.create': ['code', 'name'] };
const FIELD_ENUMS = { status: 'status', domain: 'domain' };

function fieldLabel(field) {
  return t('forms.field.' + field);
}

function valueText(field, value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (field === 'budget') return formatYuan(value) + ' ' + t('common.unit.yuan');
  if (field === 'photo') return t('forms.field.with_photo');
  if (FIELD_ENUMS[field]) return enumLabel(FIELD_ENUMS[field], value);
  return String(value);
}

function changesCell(row) {
  const only = CREATED_FIELDS[row.type];
  const changes = only ? only.map((f) => row.changes.find((c) => c.field === f)).filter(Boolean) : row.changes;
  return el(
    'ul',
    { class: 'history-changes' },
    changes.map((c) =>
      el(
        'li',
        {},
        el('span', { class: 'history-field', text: fieldLabel(c.field) + colon() }),
        only ? valueText(c.field, c.new) : el('span', {}, el('del', { text: valueText(c.field, c.old) }), ' → ', el('strong', { text: valueText(c.field, c.new) }))
      )
    )
  );
}

async function historySection(p) {
  const box = el('div', {}, loading());
  const section = el('section', { class: 'card', testid: 'project-history' }, el('h3', { text: t('forms.history') }), el('p', { class: 'muted small', text: t('forms.history_lead') }), box);
  const res = await api('/projects/' + encodeURIComponent(p.code) + '/history');
  const rows = listOf(res, 'history').slice().reverse(); // newest first
  clear(box).append(
    table(
      [
        { label: t('forms.history.time'), render: (r) => r.time, class: 'nowrap' },
        { label: t('forms.history.actor'), render: (r) => el('span', {}, r.actor, el('span', { class: 'sub', text: enumLabel('role', r.role) })), class: 'nowrap' },
        { label: t('forms.history.event'), render: (r) => t('enum.event.' + r.type), class: 'nowrap' },
        { label: t('forms.history.changes'), render: changesCell },
        { label: t('forms.history.seq'), num: true, render: (r) => el('a', { href: '#/log', text: '#' + r.seq }) },
      ],
      rows,
      { testid: 'history-table', rowTestid: (r) => 'history-' + r.seq, emptyText: t('forms.history.none'), compact: true }
    )
  );
  return section;
}

async function renderProject(root, code) {
  const p = await api('/projects/' + encodeURIComponent(code));
  const allowed = p.may || {};
  // The forms come last: the page reads as the project's file, and changing it is the rarer task.
  // Each is shown only when the server says this user may use it.
  const pair = [allowed.edit ? editForm(p) : null, allowed.add_milestone ? milestoneForm(p) : null].filter(Boolean);
  const extra = el('div', {}, await historySection(p), pair.length ? el('div', { class: 'split' }, pair) : null, allowed.open_account && !(p.accounts || []).length ? accountForm(p) : null);
  const portalLink = p.public ? el('a', { class: 'small', href: '/#/project/' + encodeURIComponent(p.code), text: t('projects.view_public') + ' ↗' }) : null;
  root.append(
    projectPage(p, {
      backHref: '#/projects',
      accountHref: (c) => '#/accounts/' + encodeURIComponent(c),
      headExtra: portalLink,
      after: extra,
    })
  );
}

export async function render(root, args) {
  if (!args[0]) return renderList(root);
  if (args[0] === 'new') return renderCreate(root);
  return renderProject(root, args[0]);
}
