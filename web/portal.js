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
import { bindPhoneLayout } from './phone.js';
import { bindPortalReports, pairingReportButton } from './portal-reports.js';

const PAGE_SIZE = 20;
const data = {}; // the last answer of each endpoint, for re-rendering
const list = { q: '', kind: '', status: '', domain: '', offset: 0 };
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

function renderCounties(rows) {
  clear($('county-table')).append(countyTable(rows));
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

async function loadProjects() {
  const box = $('project-list');
  clear(box).append(loading());
  const res = await api('/projects', { params: { q: list.q, kind: list.kind, status: list.status, domain: list.domain, limit: PAGE_SIZE, offset: list.offset } });
  data.projects = res;
  renderProjects();
}

function renderProjects() {
  const res = data.projects;
  if (!res) return;
  const box = clear($('project-list'));
  box.append(
    projectTable(listOf(res, 'projects')),
    pager(res.total, PAGE_SIZE, list.offset, (off) => {
      list.offset = off;
      guarded(loadProjects);
    })
  );
}

function fillFilters() {
  const form = $('project-filters');
  for (const group of ['kind', 'status', 'domain']) {
    const old = form.elements[group];
    const options = enumCodes(group).map((c) => ({ value: c, label: enumLabel(group, c) }));
    const fresh = select({ name: group, testid: 'filter-' + group, 'aria-label': t('project.' + group) }, options, list[group], t('project.' + group) + colon() + t('common.all'));
    old.replaceWith(fresh);
  }
}

function bindFilters() {
  const form = $('project-filters');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    list.q = form.elements.q.value.trim();
    for (const g of ['kind', 'status', 'domain']) list[g] = form.elements[g].value;
    list.offset = 0;
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
    clear(page).append(projectPage(p, { backHref: '#/projects' }));
    document.title = p.name + ' · ' + t('portal.title');
  } catch (err) {
    clear(page).append(el('a', { class: 'back', href: '#/projects', text: t('project.back') }), el('p', { class: 'muted', text: t('project.not_found') }));
    showError(err);
  }
}

// --- 可信账本 -------------------------------------------------------------------

function renderCheckpoint(cp) {
  const box = clear($('checkpoint'));
  box.append(
    el('h3', { text: t('log.checkpoint') }),
    el('dl', { class: 'facts' }, el('dt', { text: t('portal.ledger.size') }), el('dd', { testid: 'checkpoint-size', text: formatCount(cp.size) }), el('dt', { text: t('portal.ledger.root') }), el('dd', {}, el('code', { class: 'hash', testid: 'checkpoint-root', text: cp.root }))),
    el('h4', { text: t('portal.ledger.note') }),
    cp.checkpoint ? el('pre', { class: 'note', testid: 'checkpoint-note', text: cp.checkpoint }) : el('p', { class: 'muted', text: t('portal.ledger.no_note') })
  );
  clear($('proof-form')).append(proofForm({ checkpoint: cp, withEntry: false }));
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
  clear($('audit-summary')).append(summary, el('h3', { text: t('portal.audit.by_rule') }), detail);
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
  box.append(
    el('div', { class: 'assess-head' }, el('p', { class: 'muted', testid: 'assessment-meta', text: assessmentMeta(a) }), yearSelect(a, (y) => section('assessment', () => api('/assessment', { params: { year: y } }), renderAssessment))),
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
      el('h2', { testid: 'assessment-title', text: r.name }),
      pairingReportButton(page, r.name),
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

function route() {
  const m = /^#\/project\/(.+)$/.exec(location.hash);
  if (m) {
    $('assessment-page').hidden = true;
    showProject(decodeURIComponent(m[1]));
    return;
  }
  const a = /^#\/assessment\/([^/]+)(?:\/(\d{4}))?$/.exec(location.hash);
  if (a) {
    showAssessment(decodeURIComponent(a[1]), a[2]);
    return;
  }
  $('project-page').hidden = true;
  $('assessment-page').hidden = true;
  $('home').hidden = false;
  resizeAll();
  document.title = t('portal.title');
  const section = document.getElementById(location.hash.replace(/^#\//, ''));
  if (section && section.classList.contains('section')) section.scrollIntoView({ block: 'start' });
  for (const a of document.querySelectorAll('.topnav a')) a.classList.toggle('active', a.getAttribute('href') === location.hash);
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
  bindPortalReports();
  applyI18n();
  bindPhoneLayout();
  bindLangSwitch($('lang-switch'));
  onLangChange(renderAll);
  bindFilters();
  // The labels of kinds and statuses come from the server: have them before the first render.
  await guarded(async () => setEnums(await api('/enums')));
  window.addEventListener('hashchange', route);
  route();
  fillFilters();
  section('pairings', () => api('/pairings'), renderHeader);
  section('summary', () => api('/summary'), renderSummary);
  section('moments', () => api('/moments'), (m) => renderMoments(listOf(m, 'moments')));
  await section('counties', () => api('/budget', { params: { group: 'county' } }), (c) => renderCounties(listOf(c, 'rows')));
  section('flows', () => api('/flows'), renderFlows);
  section('audit', () => api('/audit/summary'), renderAudit);
  section('assessment', () => api('/assessment'), renderAssessment);
  section('checkpoint', () => api('/log/checkpoint'), renderCheckpoint);
  guarded(loadProjects); // after the counties, whose names label the projects' regions
}

start();
