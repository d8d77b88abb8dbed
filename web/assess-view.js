// assess-view.js - the yearly assessment (考核) as the portal and the app both
// show it: the points by area on a radar, a pairing's scores with the inputs
// each came from, and "what would raise this score".
//
// The inputs are the figures the server recorded with each score
// ("arranged=178000000.00;spent_by_2024-12-31=63944500.00", "projects=A B").
// They are shown as labelled values, and each one links on to what lies
// behind it; which page that is differs between the public portal and the
// officers' app, so the caller passes `links` (see scoresTable).

import { el, table } from './ui.js';
import { t, lang, enumLabel, has, colon } from './i18n.js';
import { formatAmount, formatCount } from './format.js';
import { radar } from './charts.js';

/** "12.34" → 1234 (the API's points and actual values are hundredths as strings). */
export function hundredths(v) {
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(String(v));
  if (!m) return 0;
  const n = Number(m[2]) * 100 + Number(m[3]);
  return m[1] ? -n : n;
}

function points(v) {
  return hundredths(v) / 100;
}

export function areaLabel(area) {
  return enumLabel('area', area);
}

function unit(metric) {
  return has('as.unit.' + metric) ? t('as.unit.' + metric) : '';
}

/** An actual or target value with its metric's unit: "35.92%", "8 个", "0.00". */
export function valueWithUnit(value, metric) {
  const u = unit(metric);
  if (!u) return value;
  const v = /^\d+\.00$/.test(value) && u !== '%' ? value.slice(0, -3) : value;
  return u === '%' ? v + '%' : lang() === 'en' ? v + u : v + ' ' + u;
}

/** A pairing's tier and rank, as the province words it: 第一等次第1名. */
export function standing(row) {
  return t('as.summary', { tier: row.tier_name, rank: row.rank, total: row.total });
}

// --- the radar ---------------------------------------------------------------------------------

/**
 * Each row's points by area as a share of the area's weight (a pair can pass
 * 100 % up to the scheme's cap). rows: ranking rows with `areas`; `selected`:
 * the pairings drawn at first.
 */
export function areaRadar(container, rows, { selected = null } = {}) {
  const areas = [];
  for (const r of rows) for (const a of r.areas || []) if (!areas.includes(a.area)) areas.push(a.area);
  const share = (a) => (hundredths(a.weight) > 0 ? Math.round((10000 * hundredths(a.score)) / hundredths(a.weight)) / 100 : 0);
  let top = 100;
  for (const r of rows) for (const a of r.areas || []) top = Math.max(top, share(a));
  const series = rows.map((r) => {
    const by = new Map((r.areas || []).map((a) => [a.area, a]));
    return {
      name: r.name,
      values: areas.map((area) => (by.has(area) ? share(by.get(area)) : 0)),
      tips: [standing(r)].concat(areas.map((area) => areaLabel(area) + ' ' + (by.has(area) ? t('as.area_points', { score: by.get(area).score, weight: by.get(area).weight }) : '—'))),
    };
  });
  return radar(
    container,
    areas.map((area) => ({ name: areaLabel(area), max: Math.ceil(top / 10) * 10 })),
    series,
    { selected: selected ? rows.filter((r) => selected.includes(r.pairing)).map((r) => r.name) : null, unit: '%' }
  );
}

// --- inputs ---------------------------------------------------------------------------------------

const MONEY = /^(arranged|budget|investment|transferred_by_.+|spent_by_.+)$/;

/** "a=1;b=2" → [{key, value}]; a manual score's source is kept whole (it may hold ';'). */
export function parseInputs(inputs) {
  const text = String(inputs || '');
  if (text.startsWith('manual=')) return [{ key: 'manual', value: text.slice(7) }];
  return text
    .split(';')
    .filter(Boolean)
    .map((part) => {
      const at = part.indexOf('=');
      return at < 0 ? { key: part, value: '' } : { key: part.slice(0, at), value: part.slice(at + 1) };
    });
}

function inputLabel(key) {
  const m = /^(transferred_by|spent_by)_(\d{4}-\d{2}-\d{2})$/.exec(key);
  if (m) return t('as.in.' + m[1], { date: m[2] });
  return has('as.in.' + key) ? t('as.in.' + key) : key;
}

/**
 * What an input's value is and where it leads: money (formatted, with links to
 * the books), codes of projects or findings (each a link), or a plain figure.
 */
function inputValue(item, links) {
  const { key, value } = item;
  if (MONEY.test(key) && /^\d+\.\d{2}$/.test(value)) {
    return el('span', { class: 'input-value' }, el('strong', { text: formatAmount(value, lang()) }), links.money ? links.money(key) : null);
  }
  if (key === 'manual' && value === 'no score imported') return el('span', { class: 'muted', text: t('as.no_manual') });
  if ((key === 'projects' || key === 'open_errors') && !/^\d+$/.test(value)) {
    const codes = value.split(/\s+/).filter(Boolean);
    if (!codes.length) return el('span', { class: 'muted', text: t('as.in.none') });
    const link = key === 'projects' ? links.project : links.finding;
    return el('span', { class: 'input-codes' }, codes.map((c) => (link ? link(c) : el('code', { text: c }))));
  }
  return el('span', { text: /^\d+$/.test(value) ? formatCount(Number(value)) : value });
}

export function inputsList(inputs, links) {
  return el(
    'ul',
    { class: 'inputs' },
    parseInputs(inputs).map((item) => el('li', { dataset: { key: item.key } }, el('span', { class: 'input-label', text: inputLabel(item.key) + colon() }), inputValue(item, links)))
  );
}

// --- the scores table ------------------------------------------------------------------------------

/**
 * A pairing's scores, area by area, each with its inputs. links: {money(key),
 * project(code), finding(id)} → a node (or null), so the same table drills down
 * to the portal's public pages or to the app's books.
 */
export function scoresTable(scores, links, opts = {}) {
  return table(
    [
      { label: t('as.area'), render: (s) => areaLabel(s.area), class: 'nowrap' },
      { label: t('as.indicator'), render: (s) => el('span', {}, s.name, el('span', { class: 'sub code', text: s.indicator })) },
      { label: t('as.weight'), num: true, render: (s) => s.weight },
      { label: t('as.actual'), num: true, render: (s) => valueWithUnit(s.actual, s.metric), class: 'nowrap' },
      { label: t('as.target'), num: true, render: (s) => valueWithUnit(s.target, s.metric), class: 'nowrap' },
      { label: t('as.score'), num: true, render: (s) => el('strong', { text: s.score }), testid: (s) => 'score-' + s.indicator },
      { label: t('as.inputs'), render: (s) => inputsList(s.inputs, links), class: 'memo', testid: (s) => 'inputs-' + s.indicator },
    ],
    scores,
    { testid: opts.testid || 'score-table', rowTestid: (s) => 'score-row-' + s.indicator, compact: true }
  );
}

// --- what would raise this score ------------------------------------------------------------------

/**
 * The indicators furthest below their targets, by the points there are to gain
 * (the server's `gain`: weight × (1 − actual ÷ target) while below target), and
 * the penalty of open error findings, which resolving them would give back.
 */
export function raiseList(result, links) {
  const items = (result.scores || [])
    .filter((s) => hundredths(s.gain) > 0)
    .map((s) => ({ gain: hundredths(s.gain), score: s }));
  if (hundredths(result.penalty) > 0) items.push({ gain: hundredths(result.penalty), penalty: true });
  items.sort((a, b) => b.gain - a.gain || (a.score && b.score ? a.score.indicator.localeCompare(b.score.indicator) : 0));
  const box = el('section', { class: 'card raise', testid: 'raise' }, el('h3', { text: t('as.raise_title') }), el('p', { class: 'muted small', text: t('as.raise_lead') }));
  if (!items.length) {
    box.append(el('p', { testid: 'raise-none', text: t('as.raise_none') }));
    return box;
  }
  const gainText = (n) => (n / 100).toFixed(2);
  box.append(
    el(
      'ol',
      { class: 'raise-list', testid: 'raise-list' },
      items.map((it) =>
        it.penalty
          ? el('li', { testid: 'raise-penalty' }, el('span', { class: 'raise-gain', text: t('as.raise_gain', { gain: gainText(it.gain) }) }), el('span', { class: 'raise-name', text: t('as.raise_penalty') }), links.audit ? links.audit() : null)
          : el(
              'li',
              { testid: 'raise-' + it.score.indicator },
              el('span', { class: 'raise-gain', text: t('as.raise_gain', { gain: gainText(it.gain) }) }),
              el('span', { class: 'raise-name', text: it.score.name }),
              el('span', { class: 'muted small', text: areaLabel(it.score.area) + ' · ' + t('as.raise_detail', { actual: valueWithUnit(it.score.actual, it.score.metric), target: valueWithUnit(it.score.target, it.score.metric) }) })
            )
      )
    )
  );
  return box;
}

/** The total, tier and rank, with base, bonus and penalty, as facts. */
export function standingFacts(r) {
  return el(
    'div',
    { class: 'stat-grid assess-stats', testid: 'assess-standing' },
    [
      [t('as.tier'), r.tier_name, 'tier'],
      [t('as.rank'), t('as.rank_n', { n: r.rank }), 'rank'],
      [t('as.total'), r.total, 'total'],
      [t('as.base'), r.base, 'base'],
      [t('as.bonus'), r.bonus, 'bonus'],
      [t('as.penalty'), r.penalty, 'penalty'],
    ].map(([label, value, key]) => el('div', { class: 'stat', testid: 'assess-' + key }, el('div', { class: 'stat-label', text: label }), el('div', { class: 'stat-value', text: String(value) })))
  );
}

/** The ranking, tier by tier: rank, pairing (a link), total, base, bonus, penalty. */
export function rankingTables(rows, pairingHref) {
  const tiers = [];
  for (const r of rows) {
    let tier = tiers.find((x) => x.tier === r.tier);
    if (!tier) tiers.push((tier = { tier: r.tier, name: r.tier_name, rows: [] }));
    tier.rows.push(r);
  }
  return tiers.map((tier) =>
    el(
      'section',
      { class: 'tier', testid: 'tier-' + tier.tier },
      el('h3', { class: 'tier-name tier-' + Math.min(tier.tier, 4), text: tier.name }),
      table(
        [
          { label: t('as.rank'), num: true, render: (r) => String(r.rank), class: 'rank' },
          { label: t('as.pairing'), render: (r) => el('a', { href: pairingHref(r.pairing), testid: 'assess-link-' + r.pairing, text: r.name }), class: 'wide' },
          { label: t('as.total'), num: true, render: (r) => el('strong', { text: r.total }), testid: (r) => 'assess-total-' + r.pairing },
          { label: t('as.base'), num: true, render: (r) => r.base },
          { label: t('as.bonus'), num: true, render: (r) => r.bonus },
          { label: t('as.penalty'), num: true, render: (r) => r.penalty },
          { label: t('as.spent_share'), num: true, render: (r) => r.spent_share + '%' },
        ],
        tier.rows,
        { rowTestid: (r) => 'assess-row-' + r.pairing, compact: true }
      )
    )
  );
}
