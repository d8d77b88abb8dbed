// portal.js - the public portal at /: the programme at a glance, key moments,
// county breakdown, fund flow, the joint audit's findings per county, the
// yearly assessment's ranking (with each pairing's scores and what they came
// from), the project library and the verifiable books.
//
// Each section loads on its own, so one failing endpoint shows an alert and
// leaves the others readable. Fetched data is kept so that switching language
// re-renders without asking the server again.

import { api, listOf, readAsPublic } from './api.js';
import { el, clear, table, rateBar, pager, select, loading, bindBanners, showError, guarded, moneyUnit } from './ui.js';
import { t, lang, applyI18n, bindLangSwitch, onLangChange, setEnums, enumLabel, enumCodes, has, colon } from './i18n.js';
import { formatAmount, formatWan, formatCount, toWanNumber, sumAmounts, rateOf, rateNumber, formatRate } from './format.js';
import { donut, bars, barsWithRate, sankey, resizeAll } from './charts.js';
import { areaRadar, rankingTables, scoresTable, standingFacts, parseInputs } from './assess-view.js';
import { momentList, projectPage, tag } from './project-view.js';
import { proofForm } from './proof-form.js';
import { fundCards } from './funds-view.js';
import { bindSkipLink, setCurrent } from './a11y.js';
import { csvButton, csvText } from './csv.js';
import { fileButton } from './download.js';
import { countyMap } from './county-map.js';
import { trustVerdict } from './trust-view.js';
import { bindPhoneLayout } from './phone.js';
import { bindPortalReports, pairingReportButton } from './portal-reports.js';

const PAGE_SIZE = 20;
const data = {}; // the last answer of each endpoint, for re-rendering
// The project library's filters; all but the page live in the address (#/projects?…).
const FILTERS = ['q', 'kind', 'status', 'domain', 'region', 'pairing', 'year'];
const list = { q: '', kind: '', status: '', domain: '', region: '', pairing: '', year: '', offset: 0 };
const $ = (id) => document.getElementById(id);
readAsPublic();

// --- 项目概览 ---------------------------------------------------------------

// Shown in this order when the server sends them; unknown extra counts are ignored.
const COUNT_KEYS = ['projects', 'pairings', 'county_pairings', 'orgs', 'exchanges', 'people', 'milestones'];

function renderCounts(s) {
  const counts = s.counts || {};
  const strip = clear($('counts'));
  // Two kinds of money, never added up: the assistance money (execution is
  // measured on it) and the parks' and industrial projects' total investment.
  const budget = s.budget || sumAmounts((s.by_kind || []).map((r) => r.budget));
  strip.append(el('div', { class: 'count', testid: 'count-budget', title: t('fig.budget.hint') }, el('span', { class: 'count-num', text: formatAmount(budget, lang()) }), el('span', { class: 'count-label', text: t('fig.budget') })));
  if (s.investment && s.investment !== '0.00') {
    strip.append(el('div', { class: 'count', testid: 'count-investment', title: t('fig.investment.hint') }, el('span', { class: 'count-num', text: formatAmount(s.investment, lang()) }), el('span', { class: 'count-label', text: t('fig.investment') })));
  }
  for (const key of COUNT_KEYS) {
    if (typeof counts[key] !== 'number' || !has('count.' + key)) continue;
    strip.append(el('div', { class: 'count' }, el('span', { class: 'count-num', text: formatCount(counts[key]) }), el('span', { class: 'count-label', text: t('count.' + key) })));
  }
}

/** Chart items from summary rows, in enum order so statuses read as a pipeline. */
function chartItems(rows, group) {
  const order = enumCodes(group);
  const sorted = rows.slice().sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
  return sorted.map((r) => ({ name: enumLabel(group, r.key), value: r.count, tip: t('portal.chart.count_tip', { n: r.count, b: formatAmount(r.budget, lang()) }) }));
}

function renderSummary(s) {
  clear($('funds')).append(...fundCards(s));
  renderCounts(s);
  donut($('chart-kind'), chartItems(s.by_kind || [], 'kind'));
  bars($('chart-status'), chartItems(s.by_status || [], 'status'));
  bars($('chart-domain'), chartItems(s.by_domain || [], 'domain').sort((a, b) => b.value - a.value), { horizontal: true, color: '#b4232a' });
}

// --- 定格时刻 ---------------------------------------------------------------

const MOMENTS_SHOWN = 8;
let allMoments = false;

/** The latest moments, and a button for the rest: the page should reach the figures below without a long scroll. */
function renderMoments(items) {
  const shown = allMoments ? items : items.slice(0, MOMENTS_SHOWN);
  const box = clear($('moment-list'));
  box.append(momentList(shown, { projectHref: (code) => '#/project/' + encodeURIComponent(code) }));
  if (shown.length < items.length) {
    const more = el('button', { type: 'button', class: 'btn', testid: 'moments-more', text: t('portal.moments.more', { n: items.length }) });
    more.addEventListener('click', () => {
      allMoments = true;
      renderMoments(items);
    });
    box.append(el('div', { class: 'more-row' }, more));
  }
}

// --- 分县区 -------------------------------------------------------------------

function countyTable(rows) {
  const total = {
    budget: sumAmounts(rows.map((r) => r.budget)),
    allocated: sumAmounts(rows.map((r) => r.allocated)),
    paid: sumAmounts(rows.map((r) => r.paid)),
  };
  const unit = moneyUnit([total.budget, total.allocated, total.paid]);
  const cols = [
    { label: t('portal.counties.region'), render: (r) => r.name || r.key },
    { label: t('common.projects_count'), num: true, render: (r) => formatCount(r.projects) },
    { label: t('exec.budget'), num: true, render: (r) => unit.format(r.budget) },
    { label: t('exec.allocated'), num: true, render: (r) => unit.format(r.allocated) },
    { label: t('exec.paid'), num: true, render: (r) => unit.format(r.paid) },
    { label: t('exec.rate'), title: t('exec.rate.hint'), render: (r) => rateBar(r.rate), class: 'rate-cell', sortValue: (r) => rateNumber(r.rate) },
  ];
  const footer = [t('common.total'), formatCount(rows.reduce((n, r) => n + (r.projects || 0), 0)), unit.format(total.budget), unit.format(total.allocated), unit.format(total.paid), rateBar(rateOf(total.paid, total.budget))];
  return table(cols, rows, { footer, testid: 'county-table', unit });
}

function unitSuffix() {
  return lang() === 'en' ? ' (' + t('common.unit.wan') + ')' : '（' + t('common.unit.wan') + '）';
}

/** A "下载CSV" button for an on-screen table (what it shows, as shown), after `before` (a 下载Excel). */
function tableCsv(fileKey, tableOf, testid, before) {
  return el('div', { class: 'list-head' }, el('span'), el('span', { class: 'downloads' }, before, csvButton(t('csv.download'), () => t(fileKey) + '.csv', tableOf, testid)));
}

function renderCounties(rows) {
  const tbl = countyTable(rows);
  // 下载Excel: the server's 预算执行情况表 by county, the public's figures as the table shows them
  const xlsx = fileButton('xlsx', () => ({ path: '/budget', params: { group: 'county' } }), 'county-xlsx');
  clear($('county-table')).append(tableCsv('csv.file.counties', () => tbl.querySelector('table'), 'county-csv', xlsx), tbl);
  renderMap(rows);
  const names = rows.map((r) => r.name || r.key);
  const tips = rows.map((r) => [
    t('exec.budget') + ' ' + formatAmount(r.budget, lang()),
    t('exec.allocated') + ' ' + formatAmount(r.allocated, lang()),
    t('exec.paid') + ' ' + formatAmount(r.paid, lang()),
    t('exec.rate') + ' ' + formatRate(r.rate),
  ]);
  barsWithRate(
    $('chart-county'),
    names,
    [
      { name: t('exec.allocated'), values: rows.map((r) => toWanNumber(r.allocated)) },
      { name: t('exec.paid'), values: rows.map((r) => toWanNumber(r.paid)) },
    ],
    rows.map((r) => rateNumber(r.rate)),
    tips,
    { amountAxis: t('common.unit.wan'), rateAxis: t('exec.rate'), rateName: t('exec.rate') }
  );
}

/** The counties on the map, coloured by the money allocated to each (万元); a click filters the project library. */
function renderMap(rows) {
  const items = rows.map((r) => ({
    code: r.key,
    value: toWanNumber(r.allocated),
    lines: [
      t('common.projects_count') + ' ' + formatCount(r.projects),
      t('exec.budget') + ' ' + formatAmount(r.budget, lang()),
      t('exec.allocated') + ' ' + formatAmount(r.allocated, lang()),
      t('exec.paid') + ' ' + formatAmount(r.paid, lang()),
      t('exec.rate') + ' ' + formatRate(r.rate),
    ],
  }));
  guarded(() =>
    countyMap($('chart-map'), items, {
      unit: t('common.unit.wan'),
      noData: t('portal.map.no_data'),
      onPick: (code) => {
        location.hash = '#/projects?' + filterQuery({ region: code });
      },
    })
  );
}

// --- 资金流向 -----------------------------------------------------------------

function renderFlows(f) {
  const nodes = (f.nodes || []).map((n) => ({ name: n.name, label: n.label || n.name }));
  const links = (f.links || [])
    .filter((l) => toWanNumber(l.amount) > 0)
    .map((l) => ({
      source: l.source,
      target: l.target,
      value: toWanNumber(l.amount),
      tip: formatAmount(l.amount, lang()),
    }));
  // A node's tooltip shows what flows through it: the larger of its in and out.
  const through = new Map();
  for (const l of f.links || []) {
    for (const end of [l.source, l.target]) through.set(end, (through.get(end) || []).concat([l]));
  }
  for (const n of nodes) {
    const ins = sumAmounts((through.get(n.name) || []).filter((l) => l.target === n.name).map((l) => l.amount));
    const outs = sumAmounts((through.get(n.name) || []).filter((l) => l.source === n.name).map((l) => l.amount));
    n.tip = formatAmount(toWanNumber(ins) >= toWanNumber(outs) ? ins : outs, lang());
  }
  sankey($('chart-sankey'), nodes, links);
}

// --- 项目库 -------------------------------------------------------------------

function regionLabel(code) {
  const row = listOf(data.counties, 'rows').find((r) => r.key === code);
  return row ? row.name : code;
}

function projectTable(rows) {
  const unit = moneyUnit(rows.flatMap((p) => [p.budget, p.investment]));
  return table(
    [
      { label: t('project.name'), render: (p) => el('a', { href: '#/project/' + encodeURIComponent(p.code), text: p.name }), class: 'wide' },
      { label: t('project.kind'), render: (p) => tag('kind', p.kind) },
      { label: t('project.status'), render: (p) => tag('status', p.status) },
      { label: t('project.domain'), render: (p) => enumLabel('domain', p.domain) },
      { label: t('project.region'), render: (p) => regionLabel(p.region) },
      { label: t('fig.budget'), num: true, render: (p) => unit.format(p.budget) },
      { label: t('fig.investment.col'), num: true, render: (p) => (p.investment ? unit.format(p.investment) : '—') },
      { label: t('project.start_date'), render: (p) => p.start_date || '—', class: 'date' },
    ],
    rows,
    { rowTestid: (p) => 'project-row-' + p.code, unit, testid: 'project-table' }
  );
}

/** The filters as the API and the address take them: only those set. */
function filterParams(f = list) {
  const out = {};
  for (const k of FILTERS) if (f[k]) out[k] = f[k];
  return out;
}

function filterQuery(f = list) {
  return new URLSearchParams(filterParams(f)).toString();
}

/** Takes the filters from the address (#/projects?region=320724&year=2023); true when they changed. */
function filtersFromAddress() {
  const m = /^#\/projects\?(.*)$/.exec(location.hash);
  const params = new URLSearchParams(m ? m[1] : '');
  let changed = false;
  for (const k of FILTERS) {
    const v = (params.get(k) || '').trim();
    if (list[k] !== v) changed = true;
    list[k] = v;
  }
  return changed;
}

/** The project library as the reader left it: back links keep the filters. */
function projectsHref() {
  const q = filterQuery();
  return '#/projects' + (q ? '?' + q : '');
}

/** Writes the filters into the address without a new history entry, so reloading or sharing it shows this view. */
function filtersToAddress() {
  const want = projectsHref();
  if (location.hash !== want) history.replaceState(null, '', want);
}

async function loadProjects() {
  const box = $('project-list');
  clear(box).append(loading());
  const res = await api('/projects', { params: Object.assign(filterParams(), { limit: PAGE_SIZE, offset: list.offset }) });
  data.projects = res;
  renderProjects();
}

function pairingName(code) {
  const p = listOf(data.pairings, 'pairings').find((x) => x.code === code);
  return p ? p.name : code;
}

/** Every project the filters match (not only this page), for the download. */
async function allProjects() {
  const rows = [];
  for (let offset = 0; ; offset += 1000) {
    const res = await api('/projects', { params: Object.assign(filterParams(), { limit: 1000, offset }) });
    rows.push(...listOf(res, 'projects'));
    if (rows.length >= res.total || !listOf(res, 'projects').length) return rows;
  }
}

async function projectsCsv() {
  const rows = await allProjects();
  return {
    headings: [t('project.code'), t('project.name'), t('project.kind'), t('project.status'), t('project.domain'), t('project.region'), t('project.pairing'), t('csv.budget_yuan'), t('project.start_date')],
    rows: rows.map((p) => [p.code, p.name, enumLabel('kind', p.kind), enumLabel('status', p.status), enumLabel('domain', p.domain), p.region_name || regionLabel(p.region), pairingName(p.pairing), p.budget, p.start_date]),
  };
}

/** The file name says which filters made it: 项目库-灌南县-2023年.csv. */
function projectsFileName() {
  const parts = [t('csv.file.projects')];
  if (list.region) parts.push(regionLabel(list.region));
  if (list.pairing) parts.push(pairingName(list.pairing));
  if (list.year) parts.push(t('portal.filter.year_n', { y: list.year }));
  for (const g of ['kind', 'status', 'domain']) if (list[g]) parts.push(enumLabel(g, list[g]));
  if (list.q) parts.push(list.q);
  return parts.join('-').replace(/[\\/:*?"<>|]/g, '_') + '.csv';
}

function renderProjects() {
  const res = data.projects;
  if (!res) return;
  const rows = listOf(res, 'projects');
  const head = el('div', { class: 'list-head' }, el('span', { class: 'muted', testid: 'project-count', text: t('portal.projects.found', { n: formatCount(res.total) }) }), res.total ? csvButton(t('csv.download'), projectsFileName, projectsCsv, 'projects-csv') : null);
  const body = rows.length
    ? el('div', {}, projectTable(rows), pager(res.total, PAGE_SIZE, list.offset, (off) => {
        list.offset = off;
        guarded(loadProjects);
      }))
    : el('p', { class: 'muted empty', testid: 'project-none', text: t('portal.projects.none') });
  clear($('project-list')).append(head, body);
}

/** Counties (from the budget by county), pairings (city ones first, their counties' below) and years for the filters. */
function filterChoices() {
  const counties = listOf(data.counties, 'rows').map((r) => ({ value: r.key, label: r.name || r.key }));
  const pairings = listOf(data.pairings, 'pairings');
  const ordered = [];
  for (const top of pairings.filter((p) => !p.parent)) {
    ordered.push({ value: top.code, label: top.name });
    for (const sub of pairings.filter((p) => p.parent === top.code)) ordered.push({ value: sub.code, label: '\u3000' + sub.name });
  }
  const years = new Set();
  for (const p of pairings) {
    const from = Number(String(p.start_date || '').slice(0, 4));
    const to = Number(String(p.end_date || p.start_date || '').slice(0, 4));
    for (let y = from; y && y <= to; y++) years.add(y);
  }
  if (list.year) years.add(Number(list.year));
  const yearOptions = [...years].sort((a, b) => b - a).map((y) => ({ value: String(y), label: t('portal.filter.year_n', { y }) }));
  return { region: counties, pairing: ordered, year: yearOptions };
}

function fillFilters() {
  const form = $('project-filters');
  const all = (label) => label + colon() + t('common.all');
  for (const group of ['kind', 'status', 'domain']) {
    const old = form.elements[group];
    const options = enumCodes(group).map((c) => ({ value: c, label: enumLabel(group, c) }));
    const fresh = select({ name: group, testid: 'filter-' + group, 'aria-label': t('project.' + group) }, options, list[group], all(t('project.' + group)));
    old.replaceWith(fresh);
  }
  const choices = filterChoices();
  for (const name of ['region', 'pairing', 'year']) {
    const label = t('portal.filter.' + name);
    const options = choices[name].some((o) => o.value === list[name]) || !list[name] ? choices[name] : choices[name].concat([{ value: list[name], label: list[name] }]);
    form.elements[name].replaceWith(select({ name, testid: 'filter-' + name, 'aria-label': label }, options, list[name], all(label)));
  }
  form.elements.q.value = list.q;
  form.elements.q.setAttribute('aria-label', t('portal.filter.search_label'));
  $('filters-clear').hidden = !FILTERS.some((k) => list[k]);
}

function bindFilters() {
  const form = $('project-filters');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    list.q = form.elements.q.value.trim();
    for (const g of FILTERS.slice(1)) list[g] = form.elements[g].value;
    list.offset = 0;
    filtersToAddress();
    $('filters-clear').hidden = !FILTERS.some((k) => list[k]);
    guarded(loadProjects);
  });
  $('filters-clear').addEventListener('click', () => {
    for (const k of FILTERS) list[k] = '';
    list.offset = 0;
    fillFilters();
    filtersToAddress();
    guarded(loadProjects);
  });
  // Changing a filter applies it at once; the search box waits for Enter or the button.
  form.addEventListener('change', (ev) => {
    if (ev.target.tagName === 'SELECT') form.requestSubmit();
  });
}

// --- 项目详情 (#/project/CODE) -------------------------------------------------

async function showProject(code) {
  const page = $('project-page');
  $('home').hidden = true;
  page.hidden = false;
  clear(page).append(loading());
  window.scrollTo(0, 0);
  try {
    const p = await api('/projects/' + encodeURIComponent(code));
    clear(page).append(projectPage(p, { backHref: projectsHref() }));
    document.title = p.name + ' · ' + t('portal.title');
  } catch (err) {
    clear(page).append(el('a', { class: 'back', href: projectsHref(), text: t('project.back') }), el('p', { class: 'muted', text: t('project.not_found') }));
    showError(err);
  }
}

// --- 可信账本 -------------------------------------------------------------------

function renderCheckpoint(cp) {
  const box = clear($('checkpoint'));
  const trust = el('div', { class: 'trust', testid: 'trust' }, loading());
  box.append(
    el('h3', { text: t('log.checkpoint') }),
    el('dl', { class: 'facts' }, el('dt', { text: t('portal.ledger.size') }), el('dd', { testid: 'checkpoint-size', text: formatCount(cp.size) }), el('dt', { text: t('portal.ledger.root') }), el('dd', {}, el('code', { class: 'hash', testid: 'checkpoint-root', text: cp.root }))),
    trust,
    el('h4', { text: t('portal.ledger.note') }),
    cp.checkpoint ? el('pre', { class: 'note', testid: 'checkpoint-note', text: cp.checkpoint }) : el('p', { class: 'muted', text: t('portal.ledger.no_note') })
  );
  guarded(async () => {
    const v = await trustVerdict(cp);
    clear(trust).append(...v.nodes.filter(Boolean));
    // The proof form compares with the signed root only when its signatures verified here.
    clear($('proof-form')).append(proofForm({ checkpoint: v.trusted ? cp : Object.assign({}, cp, { checkpoint: null }), withEntry: false }));
  });
}

// --- 联合审计: findings per county, rule and status (counts and 万元, no notes) ------------

const FINDING_STATUSES = ['open', 'acknowledged', 'explained', 'resolved', 'cleared'];

function countyName(r) {
  return r.region_name || t('portal.audit.no_county');
}

/** One row per county: how many findings, how much money, and where each stands. */
function auditCountyRows(rows) {
  const by = new Map();
  for (const r of rows) {
    const key = r.region || '';
    if (!by.has(key)) by.set(key, { key, name: countyName(r), count: 0, amounts: [], status: {} });
    const c = by.get(key);
    c.count += r.count;
    c.amounts.push(r.amount);
    c.status[r.status] = (c.status[r.status] || 0) + r.count;
  }
  return [...by.values()].map((c) => Object.assign(c, { amount: sumAmounts(c.amounts) }));
}

function renderAudit(s) {
  const rows = listOf(s, 'rows');
  const counties = auditCountyRows(rows);
  const statusCols = FINDING_STATUSES.map((st) => ({ label: enumLabel('finding_status', st), num: true, render: (c) => formatCount(c.status[st] || 0) }));
  const footer = [t('common.total'), formatCount(s.count || 0), formatWan(s.amount || '0.00')].concat(FINDING_STATUSES.map((st) => formatCount(rows.filter((r) => r.status === st).reduce((n, r) => n + r.count, 0))));
  const summary = table(
    [
      { label: t('portal.counties.region'), render: (c) => c.name },
      { label: t('portal.audit.count'), num: true, render: (c) => formatCount(c.count) },
      { label: t('portal.audit.amount') + unitSuffix(), num: true, render: (c) => formatWan(c.amount) },
    ].concat(statusCols),
    counties,
    { footer, testid: 'audit-county-table', rowTestid: (c) => 'audit-county-' + (c.key || 'none'), emptyText: t('portal.audit.none') }
  );
  const detail = table(
    [
      { label: t('portal.counties.region'), render: (r) => countyName(r) },
      { label: t('portal.audit.rule'), render: (r) => (lang() === 'en' ? enumLabel('rule', r.rule) : r.rule_zh) },
      { label: t('portal.audit.status'), render: (r) => el('span', { class: 'tag tag-finding-' + r.status, text: enumLabel('finding_status', r.status) }) },
      { label: t('portal.audit.count'), num: true, render: (r) => formatCount(r.count) },
      { label: t('portal.audit.amount') + unitSuffix(), num: true, render: (r) => formatWan(r.amount) },
    ],
    rows,
    { testid: 'audit-rule-table', rowTestid: (r) => 'audit-rule-' + (r.region || 'none') + '-' + r.rule + '-' + r.status, compact: true, empty: false }
  );
  clear($('audit-summary')).append(
    tableCsv('csv.file.audit', () => summary.querySelector('table'), 'audit-csv'),
    summary,
    el('div', { class: 'list-head' }, el('h3', { text: t('portal.audit.by_rule') }), csvButton(t('csv.download'), () => t('csv.file.audit_rules') + '.csv', () => detail.querySelector('table'), 'audit-rules-csv')),
    detail
  );
}

// --- 年度考核: the published ranking, tier by tier, with the points by area --------------------

const RADAR_SHOWN = 3; // the radar draws the first pairs; the legend adds the others

function assessmentMeta(a) {
  return t('portal.assess.meta', { year: a.year, scheme: a.scheme_name, date: a.published, seq: a.seq });
}

function yearSelect(a, onPick) {
  if (!a.years || a.years.length < 2) return null;
  const pick = select({ testid: 'assessment-year', 'aria-label': t('portal.assess.year') }, a.years.map((y) => ({ value: String(y), label: String(y) })), String(a.year));
  pick.addEventListener('change', () => onPick(Number(pick.value)));
  return pick;
}

function renderAssessment(a) {
  const box = clear($('assessment-ranking'));
  const rows = listOf(a, 'ranking');
  if (!rows.length) {
    box.append(el('p', { class: 'muted', testid: 'assessment-none', text: t('portal.assess.none') }));
    return;
  }
  const chart = el('div', { class: 'chart radar', testid: 'chart-assessment' });
  const csv = () => ({
    headings: [t('as.rank'), t('as.pairing'), t('csv.tier'), t('as.total'), t('as.base'), t('as.bonus'), t('as.penalty'), t('as.spent_share')],
    rows: rows.map((r) => [r.rank, r.name, r.tier_name, r.total, r.base, r.bonus, r.penalty, r.spent_share + '%']),
  });
  box.append(
    el('div', { class: 'assess-head' }, el('p', { class: 'muted', testid: 'assessment-meta', text: assessmentMeta(a) }), yearSelect(a, (y) => section('assessment', () => api('/assessment', { params: { year: y } }), renderAssessment)), fileButton('xlsx', () => ({ path: '/assessment', params: { year: a.year } }), 'ranking-xlsx'), csvButton(t('csv.download'), () => t('csv.file.ranking') + '-' + a.year + '.csv', csv, 'ranking-csv')),
    el('div', { class: 'split assess-split' }, el('div', { class: 'assess-tiers' }, rankingTables(rows, (code) => '#/assessment/' + encodeURIComponent(code) + '/' + a.year)), el('figure', { class: 'card chart-card' }, el('figcaption', { text: t('portal.assess.radar') }), chart))
  );
  areaRadar(chart, rows, { selected: rows.slice(0, RADAR_SHOWN).map((r) => r.pairing) });
}

/** Which of these project codes the public may open (the others are not published). */
async function publicProjects(codes) {
  const found = await Promise.all(
    codes.map(async (code) => {
      const res = await api('/projects', { params: { q: code, limit: 5 } });
      return listOf(res, 'projects').some((p) => p.code === code) ? code : null;
    })
  );
  return new Set(found.filter(Boolean));
}

/** Where the portal's drill-down leads: the public views of the money, projects and audit. */
function portalLinks(published) {
  const to = (href, text, testid) => el('a', { class: 'input-link', href, testid, text });
  return {
    money: () => el('span', { class: 'input-links' }, to('#/flows', t('portal.assess.flows')), to('#/counties', t('portal.assess.counties'))),
    project: (code) => (published.has(code) ? to('#/project/' + encodeURIComponent(code), code, 'input-project-' + code) : el('span', { class: 'code', title: t('portal.assess.unpublished') }, code, el('span', { class: 'sub', text: t('portal.assess.unpublished') }))),
    finding: (id) => to('#/audit', id),
    audit: () => to('#/audit', t('portal.assess.audit')),
  };
}

async function showAssessment(code, year) {
  const page = $('assessment-page');
  $('home').hidden = true;
  $('project-page').hidden = true;
  page.hidden = false;
  clear(page).append(loading());
  window.scrollTo(0, 0);
  const back = el('a', { class: 'back', href: '#/assessment', text: t('portal.assess.back') });
  try {
    const r = await api('/assessment/' + encodeURIComponent(code), { params: { year } });
    const codes = [...new Set(r.scores.flatMap((s) => parseInputs(s.inputs).filter((i) => i.key === 'projects' && !/^\d+$/.test(i.value)).flatMap((i) => i.value.split(/\s+/).filter(Boolean))))];
    const published = await publicProjects(codes);
    const chart = el('div', { class: 'chart radar', testid: 'chart-assessment-pairing' });
    clear(page).append(
      back,
      el('h1', { testid: 'assessment-title', text: r.name }),
      pairingReportButton(page, r.name),
      el('div', { class: 'report-bar' }, fileButton('xlsx', () => ({ path: '/assessment/' + encodeURIComponent(code), params: { year: r.year } }), 'pairing-scores-xlsx')),
      el('p', { class: 'muted', text: assessmentMeta(r) }),
      el('div', { class: 'split assess-split' }, standingFacts(r), el('figure', { class: 'card chart-card' }, el('figcaption', { text: t('portal.assess.radar') }), chart)),
      scoresTable(r.scores, portalLinks(published))
    );
    areaRadar(chart, [r]);
    document.title = r.name + ' · ' + t('portal.nav.assessment') + ' · ' + t('portal.title');
  } catch (err) {
    clear(page).append(back, el('p', { class: 'muted', text: t('portal.assess.not_found') }));
    showError(err);
  }
}

// --- routing and start-up ------------------------------------------------------

/** The menu entry of what is showing (a project page belongs to 项目库) is marked current. */
function markNav(hash) {
  setCurrent(document.querySelectorAll('.topnav a'), (a) => a.getAttribute('href') === hash);
}

function route() {
  const m = /^#\/project\/(.+)$/.exec(location.hash);
  if (m) {
    markNav('#/projects');
    $('assessment-page').hidden = true;
    showProject(decodeURIComponent(m[1]));
    return;
  }
  const a = /^#\/assessment\/([^/]+)(?:\/(\d{4}))?$/.exec(location.hash);
  if (a) {
    markNav('#/assessment');
    showAssessment(decodeURIComponent(a[1]), a[2]);
    return;
  }
  $('project-page').hidden = true;
  $('assessment-page').hidden = true;
  $('home').hidden = false;
  resizeAll();
  document.title = t('portal.title');
  const path = location.hash.split('?')[0];
  if (path === '#/projects' && filtersFromAddress()) {
    // a shared or edited address, or a county picked on the map
    list.offset = 0;
    fillFilters();
    guarded(loadProjects);
  }
  const section = document.getElementById(path.replace(/^#\//, ''));
  if (section && section.classList.contains('section')) section.scrollIntoView({ block: 'start' });
  markNav(path || '#/overview');
}

/** The header names the city pairing when the books hold one; with a province of
 *  pairings it keeps the programme's name. */
function renderHeader() {
  const tops = listOf(data.pairings, 'pairings').filter((p) => !p.parent);
  if (tops.length === 1) $('pairing-name').textContent = tops[0].name;
}

/** Loads one section; a failure shows in the alert and leaves the rest of the page alone. */
function section(key, load, render) {
  return guarded(async () => {
    data[key] = await load();
    render(data[key]);
  });
}

function renderAll() {
  applyI18n();
  renderHeader();
  if (data.summary) renderSummary(data.summary);
  if (data.moments) renderMoments(listOf(data.moments, 'moments'));
  if (data.counties) renderCounties(listOf(data.counties, 'rows'));
  if (data.flows) renderFlows(data.flows);
  if (data.audit) renderAudit(data.audit);
  if (data.assessment) renderAssessment(data.assessment);
  if (data.checkpoint) renderCheckpoint(data.checkpoint);
  fillFilters();
  renderProjects();
  if (/^#\/(project|assessment)\/./.test(location.hash)) route();
}

async function start() {
  bindBanners();
  bindSkipLink();
  bindPortalReports();
  applyI18n();
  bindPhoneLayout();
  bindLangSwitch($('lang-switch'));
  onLangChange(renderAll);
  bindFilters();
  // The labels of kinds and statuses come from the server: have them before the first render.
  await guarded(async () => setEnums(await api('/enums')));
  filtersFromAddress(); // a shared address (#/projects?region=…) opens that view
  window.addEventListener('hashchange', route);
  route();
  fillFilters();
  section('pairings', () => api('/pairings'), () => {
    renderHeader();
    fillFilters();
  });
  section('summary', () => api('/summary'), renderSummary);
  section('moments', () => api('/moments'), (m) => renderMoments(listOf(m, 'moments')));
  await section('counties', () => api('/budget', { params: { group: 'county' } }), (c) => {
    renderCounties(listOf(c, 'rows'));
    fillFilters();
  });
  section('flows', () => api('/flows'), renderFlows);
  section('audit', () => api('/audit/summary'), renderAudit);
  section('assessment', () => api('/assessment'), renderAssessment);
  section('checkpoint', () => api('/log/checkpoint'), renderCheckpoint);
  guarded(loadProjects); // after the counties, whose names label the projects' regions
}

start();
