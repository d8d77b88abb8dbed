// assessment.js - 年度考核 (#/assessment): for the provincial assessors (and
// admins) the schemes (the one in use, its versions, a form to add one whose
// errors are shown on their lines), the manual scores (an import of
// scores.csv), two schemes compared on a trial run that records nothing, and
// publishing; for a pairing's officers their own scores with "what would raise
// this score". #/assessment/CODE[/YEAR] is one pairing's published scores, each
// with the inputs it came from and links on to the books behind them.
//
// Who may add a scheme, preview or publish is the server's; the forms are only
// offered to the roles that may use them (session.js explains why).

import { api, listOf } from '../api.js';
import { el, clear, table, loading, select, field, showError, hideError } from '../ui.js';
import { t, colon, listJoin, paren } from '../i18n.js';
import { currentUser, getPairings, getAccounts } from './session.js';
import { rerender } from './nav.js';
import { importForm } from './import.js';
import { rankingTables, scoresTable, standingFacts, raiseList } from '../assess-view.js';
import { reportButtons } from '../download.js';

const MANAGERS = ['assessor', 'admin'];
let lastYear = null; // the year of the last comparison, offered again after a re-render

/** Does a region code cover another (a city 320700 covers its county 320722)? */
function covers(scope, region) {
  if (!scope || !region) return false;
  let prefix = scope;
  while (prefix.length > 2 && prefix.endsWith('00')) prefix = prefix.slice(0, -2);
  return region.startsWith(prefix);
}

/** The city-level pairings an officer belongs to: their side's region, or their audit's pairing. */
export function ownPairings(me, pairings) {
  const cities = pairings.filter((p) => !p.parent);
  if (me.role === 'auditor') {
    const mine = pairings.find((p) => p.code === me.pairing);
    return mine ? cities.filter((p) => p.code === (mine.parent || mine.code)) : [];
  }
  const side = me.role === 'donor' ? 'donor' : me.role === 'recipient' ? 'recipient' : null;
  if (!side) return cities;
  return cities.filter((p) => covers(p[side], me.region) || covers(me.region, p[side]));
}

// --- drilling down into the books -------------------------------------------------------------

/** Where a score's inputs lead in the app: statements, the budget, projects, findings. */
async function appLinks(city, pairings) {
  const under = new Set(pairings.filter((p) => p.code === city || p.parent === city).map((p) => p.code));
  let sources = [];
  try {
    sources = (await getAccounts()).filter((a) => a.kind === 'source' && under.has(a.pairing));
  } catch (err) {
    sources = []; // the inputs still show their figures; only the statement links are missing
  }
  const to = (href, text, testid) => el('a', { class: 'input-link', href, testid, text });
  return {
    money: (key) =>
      el(
        'span',
        { class: 'input-links' },
        /^(spent_by_.+|budget|investment)$/.test(key)
          ? to('#/budget', t('asm.to_budget'))
          : sources.map((a) => to('#/accounts/' + encodeURIComponent(a.code), a.code, 'input-account-' + a.code))
      ),
    project: (code) => to('#/projects/' + encodeURIComponent(code), code, 'input-project-' + code),
    finding: (id) => to('#/audit/' + encodeURIComponent(id), id),
    audit: () => to('#/audit', t('nav.audit')),
  };
}

function meta(r) {
  return t('portal.assess.meta', { year: r.year, scheme: r.scheme_name, date: r.published, seq: r.seq });
}

/** One pairing's published result: standing, what would raise it, and the scores with inputs. */
async function pairingResult(code, year, withRaise) {
  const [r, pairings] = await Promise.all([api('/assessment/' + encodeURIComponent(code), { params: { year } }), getPairings()]);
  const links = await appLinks(code, pairings);
  return el(
    'div',
    { testid: 'assessment-pairing' },
    el('h3', { testid: 'assessment-pairing-name', text: r.name }),
    el('div', { class: 'list-head' }, el('p', { class: 'muted', text: meta(r) }), reportButtons(() => ({ path: '/assessment/' + encodeURIComponent(code), params: { year: r.year } }), 'scores-download')),
    standingFacts(r),
    withRaise ? raiseList(r, links) : null,
    scoresTable(r.scores, links)
  );
}

async function renderPairing(root, code, year) {
  root.append(el('a', { class: 'back', href: '#/assessment', text: t('portal.assess.back') }), el('h1', { text: t('asm.title') }));
  root.append(await pairingResult(code, year, true));
}

// --- officers: their own pairing ------------------------------------------------------------------

async function renderOfficer(root, me) {
  root.append(el('h1', { text: t('asm.title') }), el('p', { class: 'lead', text: t('asm.officer_lead') }));
  const [latest, pairings] = await Promise.all([api('/assessment'), getPairings()]);
  const published = new Set(listOf(latest, 'ranking').map((r) => r.pairing));
  const mine = ownPairings(me, pairings).filter((p) => published.has(p.code));
  if (!published.size) return root.append(el('p', { class: 'muted', testid: 'assessment-none', text: t('asm.none') }));
  if (!mine.length) return root.append(el('p', { class: 'muted', testid: 'assessment-none', text: t('asm.no_pairing') }));
  const box = el('div', {}, loading());
  const show = async (code) => {
    clear(box).append(loading());
    try {
      clear(box).append(await pairingResult(code, latest.year, true));
    } catch (err) {
      clear(box);
      showError(err);
    }
  };
  if (mine.length > 1) {
    const pick = select({ testid: 'assessment-pick', 'aria-label': t('asm.pick_pairing') }, mine.map((p) => ({ value: p.code, label: p.name })), mine[0].code);
    pick.addEventListener('change', () => show(pick.value));
    root.append(el('div', { class: 'filters' }, pick));
  }
  root.append(box);
  await show(mine[0].code);
}

// --- assessors: schemes ----------------------------------------------------------------------------

/** The lines around a bad one, numbered, the bad one marked. */
function badLines(text, line) {
  const lines = text.split('\n');
  const from = Math.max(1, line - 3);
  const to = Math.min(lines.length, line + 3);
  const shown = [];
  for (let n = from; n <= to; n++) shown.push(el('span', { class: n === line ? 'bad' : null, dataset: { line: String(n) }, testid: n === line ? 'scheme-bad-line' : null, text: lines[n - 1] || ' ' }));
  return el('pre', { class: 'scheme-lines' }, shown);
}

/** The line a refused INI file names: its message starts "line N: " (docs/api.md). */
export function errorLine(err) {
  // the server says "line N: " in English and "第 N 行：" in Chinese
  const m = err && err.status === 422 ? /^(?:line (\d+): |第 ?(\d+) ?行：)/.exec(err.message || '') : null;
  return m ? Number(m[1] || m[2]) : null;
}

/** A refused scheme: "第 N 行：message" above the lines around it; other errors go to the alert. */
function schemeError(box, text, err) {
  clear(box);
  const line = errorLine(err);
  if (!line) {
    showError(err);
    return;
  }
  box.append(el('p', { class: 'line-errors', testid: 'scheme-error' }, el('strong', { text: t('asm.error_line', { line }) + colon() }), err.message.replace(/^(line \d+: |第 ?\d+ ?行：)/, '')), badLines(text, line));
}

function schemeName(v) {
  return v.version ? t('asm.in_use_n', { v: v.version, name: v.name }) : t('asm.in_use_default', { name: v.name });
}

function schemesSection(s) {
  const text = el('textarea', { name: 'text', rows: 12, class: 'mono', testid: 'scheme-text', spellcheck: 'false' });
  text.value = s.text;
  const errors = el('div', { testid: 'scheme-errors' });
  const form = el(
    'form',
    { class: 'card', testid: 'scheme-form', novalidate: true },
    el('h3', { text: t('asm.add_title') }),
    el('p', { class: 'muted small', text: t('asm.add_lead') }),
    field('INI', text),
    errors,
    el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn primary', testid: 'scheme-submit', text: t('asm.add') }))
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    hideError();
    try {
      const res = await api('/assessment/schemes', { method: 'POST', json: { text: text.value } });
      rerender(t('asm.added', { v: res.version, name: res.name }));
    } catch (err) {
      button.disabled = false;
      text.classList.add('invalid');
      schemeError(errors, text.value, err);
    }
  });
  const versions = table(
    [
      { label: t('asm.version'), render: (v) => t('asm.version_n', { v: v.version }), class: 'nowrap' },
      { label: t('asm.name'), render: (v) => v.name },
      { label: t('asm.added_by'), render: (v) => v.actor },
      { label: t('a11y.col.text'), render: (v) => el('details', {}, el('summary', { text: t('asm.show_text') }), el('pre', { class: 'mono small', text: v.text })) },
    ],
    s.versions,
    { testid: 'scheme-versions', rowTestid: (v) => 'scheme-version-' + v.version, emptyText: t('asm.no_versions'), compact: true }
  );
  return el(
    'section',
    { testid: 'schemes' },
    el('h3', { text: t('asm.schemes') }),
    el('div', { class: 'card', testid: 'scheme-in-use' }, el('p', {}, el('strong', { text: t('asm.in_use') + colon() }), el('span', { testid: 'scheme-in-use-name', text: schemeName({ version: s.in_use, name: s.name }) })), el('details', {}, el('summary', { text: t('asm.show_text') }), el('pre', { class: 'mono small', text: s.text }))),
    versions,
    form
  );
}

/** The manual indicators of a scheme's text: the sections whose metric is manual. */
function manualIndicators(text) {
  const out = [];
  let section = null;
  for (const line of text.split('\n')) {
    const head = /^\s*\[([^\]]+)\]/.exec(line);
    if (head) section = head[1];
    else if (section && /^\s*metric\s*=\s*manual\b/.test(line)) out.push(section);
  }
  return out.concat(['bonus']);
}

function scoresSection(s) {
  return el('section', { testid: 'manual-scores' }, el('h3', { text: t('asm.scores_title') }), el('p', { class: 'muted small', text: t('asm.scores_lead', { list: listJoin(manualIndicators(s.text)) }) }), importForm(['scores'], 'scores'));
}

// --- assessors: compare two schemes, publish ---------------------------------------------------------

/** The schemes to choose from: in use, the default, every version, or a text of one's own. */
function choices(s) {
  return [
    { value: 'in_use', label: t('asm.choice_in_use') + paren(schemeName({ version: s.in_use, name: s.name })), text: s.text },
    { value: 'default', label: t('asm.choice_default'), text: s.default_text },
  ]
    .concat(s.versions.map((v) => ({ value: 'v' + v.version, label: t('asm.choice_version', { v: v.version, name: v.name }), text: v.text })))
    .concat([{ value: 'custom', label: t('asm.choice_custom'), text: null }]);
}

/** One side of the comparison: a choice, its text (editable: editing makes it custom), its errors. */
function side(key, s, initial) {
  const options = choices(s);
  const pick = select({ testid: 'compare-' + key + '-choice', 'aria-label': t('asm.scheme_' + key) }, options.map((o) => ({ value: o.value, label: o.label })), initial);
  const text = el('textarea', { rows: 10, class: 'mono', testid: 'compare-' + key + '-text', spellcheck: 'false' });
  const errors = el('div', { testid: 'compare-' + key + '-errors' });
  const fill = () => {
    const o = options.find((x) => x.value === pick.value);
    if (o && o.text !== null) text.value = o.text;
  };
  text.value = s.text; // a custom text starts from the scheme in use
  fill();
  pick.addEventListener('change', fill);
  text.addEventListener('input', () => (pick.value = 'custom'));
  return {
    key,
    node: el('div', { class: 'card' }, el('h4', { text: t('asm.scheme_' + key) }), pick, text, errors),
    /** What to send: nothing for the scheme in use (so a run records its version), else the text. */
    scheme: () => (pick.value === 'in_use' ? undefined : text.value),
    label: () => t('asm.scheme_' + key),
    errors,
    text,
  };
}

function rankChange(a, b) {
  if (!a || !b) return '—';
  const before = a.order;
  const after = b.order;
  if (before === after) return el('span', { class: 'muted', text: t('asm.same') });
  return before > after ? el('span', { class: 'rank-up', text: t('asm.up', { n: before - after }) }) : el('span', { class: 'rank-down', text: t('asm.down', { n: after - before }) });
}

function compareTable(a, b) {
  const index = (res) => new Map(res.ranking.map((r, i) => [r.pairing, Object.assign({ order: i + 1 }, r)]));
  const ia = index(a);
  const ib = index(b);
  const rows = a.ranking.map((r) => r.pairing);
  for (const r of b.ranking) if (!ia.has(r.pairing)) rows.push(r.pairing);
  const cell = (m) => (code) => {
    const r = m.get(code);
    return r ? el('span', {}, el('strong', { text: r.total }), ' ', el('span', { class: 'sub', text: r.tier_name + t('as.rank_n', { n: r.rank }) })) : '—';
  };
  return table(
    [
      { label: t('as.pairing'), render: (code) => (ia.get(code) || ib.get(code)).name },
      { label: t('asm.scheme_a') + colon() + a.scheme_name, render: cell(ia), num: true, testid: (code) => 'compare-a-' + code },
      { label: t('asm.scheme_b') + colon() + b.scheme_name, render: cell(ib), num: true, testid: (code) => 'compare-b-' + code },
      { label: t('asm.diff'), render: (code) => rankChange(ia.get(code), ib.get(code)), num: true },
    ],
    rows,
    { testid: 'compare-table', rowTestid: (code) => 'compare-row-' + code }
  );
}

async function preview(year, s) {
  clear(s.errors);
  s.text.classList.remove('invalid');
  try {
    return await api('/assessment/preview', { method: 'POST', json: { year, scheme: s.scheme() } });
  } catch (err) {
    s.text.classList.add('invalid');
    schemeError(s.errors, s.text.value, err);
    return null;
  }
}

async function publish(year, s, button) {
  button.disabled = true;
  hideError();
  try {
    const res = await api('/assessment/run', { method: 'POST', json: { year, scheme: s.scheme() } });
    rerender(t('asm.published', { year: res.year, n: res.pairings, seq: res.seq }));
  } catch (err) {
    button.disabled = false;
    if (errorLine(err)) schemeError(s.errors, s.text.value, err);
    else showError(err);
  }
}

function compareSection(s, latest) {
  const year = el('input', { name: 'year', value: String(lastYear || latest.year || new Date().getFullYear() - 1), testid: 'compare-year', inputmode: 'numeric', size: 6 });
  const a = side('a', s, 'in_use');
  const b = side('b', s, 'custom');
  const out = el('div', { testid: 'compare-output' });
  const run = el('button', { type: 'button', class: 'btn primary', testid: 'compare-submit', text: t('asm.preview') });
  const yearOf = () => Number(year.value.trim());
  run.addEventListener('click', async () => {
    run.disabled = true;
    run.textContent = t('asm.previewing');
    hideError();
    clear(out);
    lastYear = yearOf();
    const [ra, rb] = await Promise.all([preview(yearOf(), a), preview(yearOf(), b)]);
    run.disabled = false;
    run.textContent = t('asm.preview');
    if (ra && rb) out.append(compareTable(ra, rb));
  });
  const publishButton = (sd) => {
    const button = el('button', { type: 'button', class: 'btn', testid: 'publish-' + sd.key, text: t('asm.publish_with', { which: sd.label() }) });
    button.addEventListener('click', () => publish(yearOf(), sd, button));
    return button;
  };
  return el(
    'section',
    { testid: 'compare' },
    el('h3', { text: t('asm.compare_title') }),
    el('p', { class: 'muted small', text: t('asm.compare_lead') }),
    el('div', { class: 'inline-form' }, field(t('asm.year'), year), run),
    el('div', { class: 'compare' }, a.node, b.node),
    out,
    el('div', { class: 'card', testid: 'publish' }, el('h4', { text: t('asm.publish_title') }), el('p', { class: 'muted small', text: t('asm.publish_lead') }), el('div', { class: 'form-actions' }, publishButton(a), publishButton(b)))
  );
}

function publishedSection(latest, runs) {
  const rows = listOf(latest, 'ranking');
  const runTable = table(
    [
      { label: t('asm.run_date'), render: (r) => r.published, class: 'date' },
      { label: t('asm.year'), render: (r) => String(r.year) },
      { label: t('asm.run_scheme'), render: (r) => (r.scheme ? t('asm.choice_version', { v: r.scheme, name: r.name }) : r.name) },
      { label: t('asm.run_by'), render: (r) => r.actor },
      { label: t('log.index'), num: true, render: (r) => String(r.seq) },
    ],
    runs,
    { testid: 'runs-table', compact: true }
  );
  return el(
    'section',
    { testid: 'assessment-published' },
    el('h3', { text: t('asm.latest') }),
    rows.length ? [el('div', { class: 'list-head' }, el('p', { class: 'muted', text: meta(latest) }), reportButtons(() => ({ path: '/assessment', params: { year: latest.year } }), 'ranking-download')), rankingTables(rows, (code) => '#/assessment/' + encodeURIComponent(code) + '/' + latest.year)] : el('p', { class: 'muted', text: t('asm.none') }),
    el('h3', { text: t('asm.runs') }),
    runTable
  );
}

async function renderAssessor(root) {
  root.append(el('h1', { text: t('asm.title') }), el('p', { class: 'lead', text: t('asm.lead') }));
  const [s, latest] = await Promise.all([api('/assessment/schemes'), api('/assessment')]);
  root.append(schemesSection(s), scoresSection(s), compareSection(s, latest), publishedSection(latest, s.runs));
}

export async function render(root, args) {
  const me = currentUser();
  if (args[0]) return renderPairing(root, args[0], args[1]);
  if (MANAGERS.includes(me.role)) return renderAssessor(root);
  return renderOfficer(root, me);
}
