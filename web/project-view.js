// project-view.js - one project's page and the key-moment timeline, shared by
// the public portal and the officers' app so both show the same figures the
// same way (预算数 / 已拨付 / 已支出 / 执行率 from GET /api/v1/projects/CODE).

import { el, facts, table } from './ui.js';
import { t, enumLabel, lang, has } from './i18n.js';
import { formatAmount, formatYuan, formatRate, rateNumber, rateOf, formatCount } from './format.js';
import { csvButton } from './csv.js';

/** A tag (small coloured label) for an enum value; css adds a colour per group/code. */
export function tag(group, code) {
  if (!code) return null;
  return el('span', { class: 'tag tag-' + group + ' tag-' + group + '-' + code, text: enumLabel(group, code) });
}

/**
 * The key-moment timeline. items: [{project, project_name, date, kind, title,
 * description, photo}]; opts.projectHref(code) links each moment to its project.
 */
export function momentList(items, opts = {}) {
  if (!items.length) return el('p', { class: 'muted', text: t('common.none') });
  return el(
    'ol',
    { class: 'timeline', testid: opts.testid },
    items.map((m) =>
      el(
        'li',
        { class: 'moment' },
        el('time', { class: 'moment-date', datetime: m.date, text: m.date }),
        el(
          'div',
          { class: 'moment-body' + (m.photo ? ' has-photo' : '') },
          m.photo ? el('img', { class: 'moment-photo', src: m.photo, alt: m.title, loading: 'lazy' }) : null,
          el(
            'div',
            { class: 'moment-text' },
            el('div', { class: 'moment-head' }, tag('milestone_kind', m.kind), el('h3', { text: m.title })),
            m.description ? el('p', { text: m.description }) : null,
            opts.projectHref && m.project ? el('a', { class: 'moment-project', href: opts.projectHref(m.project), text: m.project_name || m.project }) : null
          )
        )
      )
    )
  );
}

/** Two-layer bar: how much of the budget was allocated, and how much paid (执行率). */
function executionBar(ex) {
  const allocatedPct = rateNumber(rateOf(ex.allocated, ex.budget)) || 0;
  const paidPct = rateNumber(ex.rate) || 0;
  const outer = el('div', { class: 'exec-bar', role: 'img', 'aria-label': t('exec.rate') + ' ' + formatRate(ex.rate) });
  const allocated = el('span', { class: 'exec-allocated' });
  const paid = el('span', { class: 'exec-paid' });
  allocated.style.width = Math.min(allocatedPct, 100) + '%'; // CSSOM, allowed by the CSP
  paid.style.width = Math.min(paidPct, 100) + '%';
  outer.append(allocated, paid);
  return outer;
}

function executionCard(ex) {
  const cell = (key, value, cls) => el('div', { class: 'exec-cell ' + (cls || '') }, el('div', { class: 'exec-label', text: t(key) }), el('div', { class: 'exec-value', text: value }));
  return el(
    'div',
    { class: 'card exec-card' },
    el('h3', { text: t('project.execution') }),
    el(
      'div',
      { class: 'exec-grid' },
      cell('exec.budget', formatAmount(ex.budget, lang())),
      cell('exec.allocated', formatAmount(ex.allocated, lang()), 'c-allocated'),
      cell('exec.committed', formatAmount(ex.committed, lang())),
      cell('exec.paid', formatAmount(ex.paid, lang()), 'c-paid'),
      cell('exec.rate', formatRate(ex.rate), 'c-rate')
    ),
    executionBar(ex),
    el(
      'div',
      { class: 'exec-legend muted' },
      el('span', { class: 'key key-allocated' }), t('exec.allocated'), ' ',
      el('span', { class: 'key key-paid' }), t('exec.paid'), ' · ', t('exec.rate.hint')
    )
  );
}

function accountsTable(accounts, accountHref) {
  const codeCell = (a) => (accountHref ? el('a', { href: accountHref(a.code), text: a.code }) : a.code);
  return table(
    [
      { label: t('acc.code'), render: codeCell, class: 'code' },
      { label: t('acc.name'), render: (a) => a.name },
      { label: t('acc.kind'), render: (a) => enumLabel('account_kind', a.kind) },
      { label: t('acc.balance'), num: true, render: (a) => (a.balance !== undefined ? formatYuan(a.balance) : '—') },
    ],
    accounts,
    { compact: true }
  );
}

// --- payments, contracts, indicators and pictures (the public's questions) -----------

/** A label for a code of one of the ledger's lists (purpose, stage, procurement); the code itself when unknown. */
function codeLabel(group, code) {
  if (!code) return '—';
  return has('pv.' + group + '.' + code) ? t('pv.' + group + '.' + code) : code;
}

/** A card with a title, a "下载CSV" button for its table, and the table. */
function tableCard(titleKey, fileKey, p, tableEl, testid, lead) {
  const inner = tableEl.querySelector('table');
  const name = () => p.code + '-' + t(fileKey) + '.csv';
  return el(
    'section',
    { class: 'card', testid },
    el('div', { class: 'card-head' }, el('h3', { text: t(titleKey) }), csvButton(t('csv.download'), name, () => inner, testid + '-csv')),
    lead ? el('p', { class: 'muted small', text: lead }) : null,
    tableEl
  );
}

function paymentsCard(p) {
  const payee = (x) => (x.payee_kind === 'individuals' ? t('pv.payee.individuals') : x.payee || '—');
  const rows = p.payments || [];
  const tbl = table(
    [
      { label: t('common.date'), render: (x) => x.date, class: 'date' },
      { label: t('pv.payee'), render: payee, class: 'wide' },
      { label: t('tx.purpose'), render: (x) => codeLabel('purpose', x.purpose) },
      { label: t('tx.stage'), render: (x) => codeLabel('stage', x.stage) },
      { label: t('pv.contract.code'), render: (x) => x.contract || '—', class: 'code' },
      { label: t('pv.amount_yuan'), num: true, render: (x) => formatYuan(x.amount) },
    ],
    rows,
    // the total is the server's sum of every payment; the list holds the newest 100
    { compact: true, testid: 'project-payments-table', footer: rows.length ? [t('common.total'), '', '', '', '', formatYuan(p.payments_amount)] : null }
  );
  const shown = p.payments_count > rows.length ? ' ' + t('pv.payments.newest', { shown: rows.length, count: p.payments_count }) : '';
  return tableCard('pv.payments', 'csv.file.payments', p, tbl, 'project-payments', t('pv.payments.lead') + shown);
}

function contractsCard(p) {
  const tbl = table(
    [
      { label: t('pv.contract.code'), render: (c) => c.code, class: 'code' },
      { label: t('pv.supplier'), render: (c) => c.supplier, class: 'wide' },
      { label: t('pv.category'), render: (c) => codeLabel('purpose', c.category) },
      { label: t('pv.procurement'), render: (c) => codeLabel('procurement', c.procurement) },
      { label: t('pv.signed'), render: (c) => c.signed, class: 'date' },
      { label: t('pv.contract_amount'), num: true, render: (c) => formatYuan(c.amount) },
    ],
    p.contracts || [],
    { compact: true, testid: 'project-contracts-table' }
  );
  return tableCard('pv.contracts', 'csv.file.contracts', p, tbl, 'project-contracts');
}

/** A quantity in hundredths as the API gives it ("217.00"), shown without needless zeros. */
function quantity(q) {
  if (q === null || q === undefined) return '—';
  return String(q).replace(/\.00$/, '').replace(/(\.\d)0$/, '$1');
}

function achieved(i) {
  const target = Number(i.target);
  if (i.actual === null || i.actual === undefined || !(target > 0)) return '—';
  return ((Number(i.actual) / target) * 100).toFixed(1) + '%';
}

function indicatorsCard(p) {
  const tbl = table(
    [
      { label: t('pv.ind.name'), render: (i) => i.name, class: 'wide' },
      { label: t('pv.ind.unit'), render: (i) => i.unit || '—' },
      { label: t('pv.ind.baseline'), num: true, render: (i) => quantity(i.baseline) },
      { label: t('pv.ind.target'), num: true, render: (i) => quantity(i.target) },
      { label: t('pv.ind.actual'), num: true, render: (i) => quantity(i.actual) },
      { label: t('pv.ind.done'), num: true, render: achieved },
    ],
    p.indicators || [],
    { compact: true, testid: 'project-indicators-table' }
  );
  return tableCard('pv.indicators', 'csv.file.indicators', p, tbl, 'project-indicators');
}

/** The pictures of the project's key moments, each captioned with its moment. */
function photosCard(p) {
  const shown = (p.milestones || []).filter((m) => m.photo);
  if (!shown.length) return null;
  const demo = p.source === 'article' || p.source === 'synthetic';
  return el(
    'section',
    { class: 'card', testid: 'project-photos' },
    el('h3', { text: t('pv.photos') }),
    el(
      'div',
      { class: 'photo-grid' },
      shown.map((m) => el('figure', { class: 'photo' }, el('img', { src: m.photo, alt: m.title, loading: 'lazy' }), el('figcaption', {}, el('time', { datetime: m.date, text: m.date }), ' ', m.title)))
    ),
    demo ? el('p', { class: 'muted small', testid: 'project-photos-demo', text: t('pv.photos.demo') }) : null
  );
}

/** The whole project page. opts: backHref, backLabel, accountHref(code), headExtra (beside the tags), after (nodes at the end). */
export function projectPage(p, opts = {}) {
  const ex = p.execution || { budget: p.budget, allocated: '0.00', committed: '0.00', paid: '0.00', rate: null };
  const region = p.region_name || p.region;
  return el(
    'article',
    { class: 'project-page', testid: 'project-page' },
    opts.backHref ? el('a', { class: 'back', href: opts.backHref, text: opts.backLabel || t('project.back') }) : null,
    el(
      'header',
      { class: 'project-head' },
      el('h1', { text: p.name }),
      el('div', { class: 'tags' }, el('span', { class: 'code-chip', text: p.code }), tag('kind', p.kind), tag('status', p.status), tag('domain', p.domain), p.source ? el('span', { class: 'tag tag-source-' + p.source, text: t('enum.source.' + p.source) }) : null, opts.headExtra || null)
    ),
    facts([
      [t('project.region'), region],
      [t('project.pairing'), p.pairing_name || p.pairing],
      [t('project.budget'), p.budget ? formatAmount(p.budget, lang()) + ' (' + formatYuan(p.budget) + ' ' + t('common.unit.yuan') + ')' : null],
      // 总投资 beside the assistance money, as the article writes "总投资约5.6亿元"
      [t('fig.project.investment'), p.investment ? el('span', { testid: 'project-investment', text: formatAmount(p.investment, lang()) + ' (' + formatYuan(p.investment) + ' ' + t('common.unit.yuan') + ')' }) : null],
      [t('project.start_date'), p.start_date],
      [t('project.end_date'), p.end_date],
      [t('project.beneficiaries'), p.beneficiaries !== null && p.beneficiaries !== undefined ? formatCount(p.beneficiaries) : null],
    ]),
    executionCard(ex),
    photosCard(p),
    el('section', { class: 'card' }, el('h3', { text: t('project.milestones') }), momentList(p.milestones || [])),
    p.payments ? paymentsCard(p) : null,
    p.contracts ? contractsCard(p) : null,
    p.indicators ? indicatorsCard(p) : null,
    el('section', { class: 'card' }, el('h3', { text: t('project.accounts') }), accountsTable(p.accounts || [], opts.accountHref)),
    opts.after || null
  );
}
