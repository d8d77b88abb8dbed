// projects.js - 项目: the project list (#/projects), a creation form
// (#/projects/new) and a project's page with edit and key-moment forms
// (#/projects/CODE).
//
// The status select offers only the current status and later ones: the server
// refuses a step back, and a form that cannot express it needs no explaining.

import { api, listOf } from '../api.js';
import { el, clear, table, select, field, pager, loading, showError, markField } from '../ui.js';
import { t, lang, enumLabel, enumCodes, colon } from '../i18n.js';
import { formatAmount, formatYuan, normaliseAmountInput, today } from '../format.js';
import { projectPage, tag } from '../project-view.js';
import { currentUser, isReadOnly, getPairings } from './session.js';
import { go } from './nav.js';

const PAGE_SIZE = 25;
const STATUS_ORDER = ['proposed', 'approved', 'in_progress', 'completed', 'accepted'];
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const listState = { q: '', kind: '', status: '', domain: '', offset: 0 };

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
  return table(
    [
      { label: t('project.code'), render: (p) => p.code, class: 'code' },
      { label: t('project.name'), render: (p) => el('a', { href: '#/projects/' + encodeURIComponent(p.code), text: p.name }), class: 'wide' },
      { label: t('project.kind'), render: (p) => tag('kind', p.kind) },
      { label: t('project.status'), render: (p) => tag('status', p.status) },
      { label: t('project.region'), render: (p) => p.region, class: 'code' },
      { label: t('project.budget'), num: true, render: (p) => formatAmount(p.budget, lang()) },
      { label: t('project.public'), render: (p) => (p.public ? t('common.yes') : t('common.no')) },
    ],
    rows,
    { testid: 'projects-table', rowTestid: (p) => 'project-row-' + p.code }
  );
}

function filters(onApply) {
  const q = el('input', { type: 'search', name: 'q', value: listState.q, testid: 'projects-search', placeholder: t('portal.projects.search_placeholder') });
  const sel = (g) => select({ name: g, testid: 'projects-filter-' + g, 'aria-label': t('project.' + g) }, enumOptions(g), listState[g], t('project.' + g) + colon() + t('common.all'));
  const form = el('form', { class: 'filters', role: 'search' }, q, sel('kind'), sel('status'), sel('domain'), el('button', { type: 'submit', class: 'btn primary', text: t('common.search') }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    listState.q = q.value.trim();
    for (const g of ['kind', 'status', 'domain']) listState[g] = form.elements[g].value;
    listState.offset = 0;
    onApply();
  });
  form.addEventListener('change', (ev) => ev.target.tagName === 'SELECT' && form.requestSubmit());
  return form;
}

async function renderList(root) {
  const box = el('div');
  const load = async () => {
    clear(box).append(loading());
    try {
      const res = await api('/projects', { params: { q: listState.q, kind: listState.kind, status: listState.status, domain: listState.domain, limit: PAGE_SIZE, offset: listState.offset } });
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
  const actions = isReadOnly() ? null : el('div', { class: 'actions' }, el('a', { class: 'btn primary', href: '#/projects/new', testid: 'project-new', text: '+ ' + t('projects.new') }));
  root.append(el('div', { class: 'view-head' }, el('h2', { text: t('nav.projects') }), actions), filters(load), box);
  await load();
}

// --- create ---------------------------------------------------------------------------

/** The GB/T 2260 parent of a code: a county's city, a city's province (none for a province). */
function parentRegion(code) {
  if (/0000$/.test(code)) return null;
  return /00$/.test(code) ? code.slice(0, 2) + '0000' : code.slice(0, 4) + '00';
}

/** Regions a project of this pairing may be in: the recipient region and those directly below it. */
async function regionOptions(pairing) {
  if (!pairing) return [];
  const parent = parentRegion(pairing.recipient);
  const [below, siblings] = await Promise.all([
    api('/regions', { params: { parent: pairing.recipient } }),
    parent ? api('/regions', { params: { parent } }) : null,
  ]);
  const own = listOf(siblings, 'regions').find((r) => r.code === pairing.recipient);
  const label = (r) => r.name + ' (' + r.code + ')';
  return [{ value: pairing.recipient, label: own ? label(own) : pairing.recipient }].concat(listOf(below, 'regions').map((r) => ({ value: r.code, label: label(r) })));
}

function createBody(form) {
  const f = form.elements;
  const budget = normaliseAmountInput(f.budget.value);
  if (!f.code.value.trim()) return invalid(form, 'code', t('project.code'));
  if (budget === null) return invalid(form, 'budget', t('tx.amount_invalid'));
  for (const d of ['start_date', 'end_date']) if (f[d].value.trim() && !DATE_RE.test(f[d].value.trim())) return invalid(form, d, 'YYYY-MM-DD');
  const body = { code: f.code.value.trim(), name: f.name.value.trim(), pairing: f.pairing.value, region: f.region.value, domain: f.domain.value, kind: f.kind.value, status: f.status.value, budget, start_date: f.start_date.value.trim(), public: f.public.checked };
  if (f.end_date.value.trim()) body.end_date = f.end_date.value.trim();
  if (f.beneficiaries.value.trim()) body.beneficiaries = Number(f.beneficiaries.value);
  if (f.source.value) body.source = f.source.value;
  return body;
}

async function renderCreate(root) {
  const pairings = await getPairings();
  const me = currentUser();
  // A county officer almost always files projects of their own county's pairing, in their county.
  const mine = pairings.find((p) => p.recipient === me.region) || pairings[0];
  const regionSel = select({ name: 'region', testid: 'project-region' }, [], '');
  const pairingSel = select({ name: 'pairing', testid: 'project-pairing' }, pairings.map((p) => ({ value: p.code, label: p.name + ' (' + p.code + ')' })), mine ? mine.code : '');
  const fillRegions = async () => {
    const opts = await regionOptions(pairings.find((p) => p.code === pairingSel.value));
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
      field(t('project.start_date'), input('start_date', { required: true, value: today(), placeholder: 'YYYY-MM-DD' })),
      field(t('project.end_date'), input('end_date', { placeholder: 'YYYY-MM-DD' })),
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
  root.append(el('a', { class: 'back', href: '#/projects', text: t('project.back') }), el('h2', { text: t('projects.new') }), form);
  await fillRegions();
}

// --- a project's page: edit and key moments ----------------------------------------------

function editBody(form, p) {
  const f = form.elements;
  const body = {};
  const budget = normaliseAmountInput(f.budget.value);
  if (budget === null) return invalid(form, 'budget', t('tx.amount_invalid'));
  if (f.end_date.value.trim() && !DATE_RE.test(f.end_date.value.trim())) return invalid(form, 'end_date', 'YYYY-MM-DD');
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
      field(t('project.end_date'), el('input', { name: 'end_date', value: p.end_date || '', placeholder: 'YYYY-MM-DD', testid: 'edit-end-date' })),
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

function milestoneForm(p) {
  const form = el(
    'form',
    { class: 'card', testid: 'milestone-form', novalidate: true },
    el('h3', { text: t('projects.milestone_new') }),
    el(
      'div',
      { class: 'form-grid' },
      field(t('common.date'), el('input', { name: 'date', value: today(), placeholder: 'YYYY-MM-DD', testid: 'milestone-date' })),
      field(t('projects.milestone.kind'), select({ name: 'kind', testid: 'milestone-kind' }, enumOptions('milestone_kind'), 'other')),
      el('div', { class: 'span2' }, field(t('projects.milestone.title'), el('input', { name: 'title', required: true, testid: 'milestone-title' }))),
      el('div', { class: 'span-all' }, field(t('projects.milestone.description'), el('textarea', { name: 'description', rows: 2, testid: 'milestone-description' })))
    ),
    el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn primary', testid: 'milestone-submit', text: t('common.submit') }))
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = form.elements;
    if (!DATE_RE.test(f.date.value.trim())) return invalid(form, 'date', 'YYYY-MM-DD');
    if (!f.title.value.trim()) return invalid(form, 'title', t('projects.milestone.title'));
    const body = { date: f.date.value.trim(), kind: f.kind.value, title: f.title.value.trim() };
    if (f.description.value.trim()) body.description = f.description.value.trim();
    try {
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

async function renderProject(root, code) {
  const p = await api('/projects/' + encodeURIComponent(code));
  // The forms come last: the page reads as the project's file, and changing it is the rarer task.
  const extra = isReadOnly() ? null : el('div', { class: 'split' }, editForm(p), milestoneForm(p));
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
