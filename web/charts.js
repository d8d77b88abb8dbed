// charts.js - the few chart shapes the portal needs, on the vendored echarts
// (/vendor/echarts.min.js, loaded by a classic <script> before the modules).
//
// Tooltips are built from escaped text with classes only: under the CSP
// (style-src 'self') echarts' default tooltip markers, which carry style
// attributes, would be refused and logged as violations.
//
// Every chart also gets a text alternative (a11y.js): its figures as a table
// behind a "数据表" button, and a summary as its accessible name.

import { describeChart } from './a11y.js';
import { t } from './i18n.js';

export const PALETTE = ['#b4232a', '#1f4e8c', '#c98a1b', '#3f7f5f', '#6b4c9a', '#2b8a9e', '#8c5a3c', '#7a7f87'];

// Budget bars: blue for money allocated, red for money spent, as in the tables.
const BAR_COLORS = ['#1f4e8c', '#b4232a', '#3f7f5f'];
const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif';
const instances = new WeakMap();
const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const TWO = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
let resizeBound = false;

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

/** A tooltip body: a title line and lines of text, all escaped. */
export function tipHtml(title, lines) {
  return '<div class="tip-title">' + escapeHtml(title) + '</div>' + lines.map((l) => '<div class="tip-line">' + escapeHtml(l) + '</div>').join('');
}

function baseOption() {
  return {
    color: PALETTE,
    textStyle: { fontFamily: FONT, color: '#1d2430' },
    animationDuration: 400,
    tooltip: { confine: true, className: 'chart-tip', borderColor: '#c9ced6', textStyle: { fontFamily: FONT, fontSize: 13, color: '#1d2430' } },
  };
}

/** Draws (or redraws) an option into a container, with its figures as a table
 *  ({columns, rows}, see a11y.js) when given; returns false when echarts is missing. */
export function draw(container, option, figures) {
  if (figures) describeChart(container, figures);
  const ec = window.echarts;
  if (!ec) {
    container.textContent = '—';
    return false;
  }
  let chart = instances.get(container);
  if (!chart || chart.isDisposed()) {
    chart = ec.init(container, null, { renderer: 'canvas' });
    instances.set(container, chart);
  }
  const base = baseOption();
  // The tooltip is merged one level deep so every chart keeps the shared look (class, font).
  const merged = Object.assign(base, option, { tooltip: Object.assign(base.tooltip, option.tooltip || {}) });
  chart.setOption(merged, true);
  if (!resizeBound) {
    resizeBound = true;
    window.addEventListener('resize', resizeAll);
  }
  return true;
}

/** Fits every chart to its box again, e.g. after its section was hidden while the window changed. */
export function resizeAll() {
  for (const node of document.querySelectorAll('.chart')) {
    const c = instances.get(node);
    if (c && !c.isDisposed() && node.offsetWidth > 0) c.resize();
  }
}

/** The table of a donut or bars of counts: name, count and the tooltip's line. */
function countFigures(items) {
  return {
    columns: [{ label: t('a11y.chart.item') }, { label: t('a11y.chart.count'), num: true }, { label: t('a11y.chart.detail') }],
    rows: items.map((i) => [i.name, WHOLE.format(i.value), i.tip || '']),
  };
}

/** A donut of counts: items [{name, value, tip}]. */
export function donut(container, items) {
  return draw(container, {
    tooltip: { trigger: 'item', formatter: (p) => tipHtml(p.name, [p.data.tip]) },
    legend: { bottom: 0, type: 'scroll', icon: 'circle', itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 12 } },
    series: [
      {
        type: 'pie',
        radius: ['42%', '68%'],
        center: ['50%', '44%'],
        avoidLabelOverlap: true,
        itemStyle: { borderColor: '#fff', borderWidth: 2 },
        label: { formatter: '{c}', fontSize: 12 },
        data: items,
      },
    ],
  }, countFigures(items));
}

/** Vertical bars of counts: items [{name, value, tip}] in the given order. */
export function bars(container, items, { horizontal = false, color = PALETTE[1] } = {}) {
  const cat = { type: 'category', data: items.map((i) => i.name), axisTick: { show: false }, axisLabel: { interval: 0, fontSize: 12 } };
  const val = { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#eceef2' } } };
  return draw(container, {
    grid: { left: horizontal ? 96 : 40, right: 24, top: 16, bottom: 28, containLabel: false },
    tooltip: { trigger: 'item', formatter: (p) => tipHtml(p.name, [items[p.dataIndex].tip]) },
    xAxis: horizontal ? val : cat,
    yAxis: horizontal ? Object.assign({}, cat, { inverse: true }) : val,
    series: [{ type: 'bar', data: items.map((i) => i.value), itemStyle: { color, borderRadius: horizontal ? [0, 3, 3, 0] : [3, 3, 0, 0] }, barMaxWidth: 28, label: { show: true, position: horizontal ? 'right' : 'top', fontSize: 12, color: '#4a5261' } }],
  }, countFigures(items));
}

/**
 * Grouped bars (万元) with a rate line on a second axis: categories, series
 * [{name, values}], rates (numbers or null), and formatted tooltip lines per category.
 */
export function barsWithRate(container, categories, series, rates, tips, labels) {
  const unit = (label) => label + t('a11y.chart.unit', { unit: labels.amountAxis });
  const figures = {
    columns: [{ label: t('a11y.chart.item') }].concat(series.map((s) => ({ label: unit(s.name), num: true })), [{ label: labels.rateName, num: true }]),
    rows: categories.map((c, i) => [c].concat(series.map((s) => TWO.format(s.values[i] || 0)), [rates[i] === null || rates[i] === undefined ? '—' : rates[i].toFixed(1) + '%'])),
  };
  return draw(container, {
    grid: { left: 64, right: 56, top: 40, bottom: 32 },
    legend: { top: 0, textStyle: { fontSize: 12 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: (ps) => tipHtml(ps[0].name, tips[ps[0].dataIndex]) },
    xAxis: { type: 'category', data: categories, axisTick: { show: false }, axisLabel: { interval: 0, fontSize: 12 } },
    yAxis: [
      { type: 'value', name: labels.amountAxis, nameTextStyle: { fontSize: 12, align: 'left' }, splitLine: { lineStyle: { color: '#eceef2' } } },
      { type: 'value', name: labels.rateAxis, min: 0, max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { show: false }, nameTextStyle: { fontSize: 12 } },
    ],
    series: series
      .map((s, i) => ({ name: s.name, type: 'bar', data: s.values, barMaxWidth: 22, itemStyle: { color: BAR_COLORS[i % BAR_COLORS.length] } }))
      .concat([{ name: labels.rateName, type: 'line', yAxisIndex: 1, data: rates, symbolSize: 7, itemStyle: { color: PALETTE[2] }, lineStyle: { width: 2 } }]),
  }, figures);
}

/** A Sankey diagram: nodes [{name, label}], links [{source, target, value (万元), tip}]. */
export function sankey(container, nodes, links) {
  const labelOf = new Map(nodes.map((n) => [n.name, n.label || n.name]));
  const figures = {
    columns: [{ label: t('a11y.chart.from') }, { label: t('a11y.chart.to') }, { label: t('a11y.chart.amount') + t('a11y.chart.unit', { unit: t('common.unit.wan') }), num: true }],
    rows: links.map((l) => [labelOf.get(l.source), labelOf.get(l.target), TWO.format(l.value)]),
  };
  return draw(container, {
    tooltip: {
      trigger: 'item',
      formatter: (p) => (p.dataType === 'edge' ? tipHtml(labelOf.get(p.data.source) + ' → ' + labelOf.get(p.data.target), [p.data.tip]) : tipHtml(labelOf.get(p.name), [p.data.tip || ''])),
    },
    series: [
      {
        type: 'sankey',
        left: 8,
        right: 110,
        top: 12,
        bottom: 12,
        nodeWidth: 14,
        nodeGap: 10,
        nodeAlign: 'justify',
        draggable: false,
        emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'gradient', opacity: 0.35, curveness: 0.5 },
        label: { fontSize: 12, color: '#1d2430', formatter: (p) => labelOf.get(p.name) + '  {v|' + WHOLE.format(p.value) + '}', rich: { v: { color: '#5f6673', fontSize: 11 } } },
        data: nodes.map((n, i) => ({ name: n.name, tip: n.tip, itemStyle: { color: PALETTE[i % PALETTE.length] } })),
        links,
      },
    ],
  }, figures);
}

/**
 * A radar of points by area: indicators [{name, max}], series [{name, values, tips}]
 * (values as numbers, one per indicator; tips: a formatted line per indicator).
 * `selected` names the series shown at first (the legend switches the others on);
 * `unit` follows each value in the data table.
 */
export function radar(container, indicators, series, { selected = null, unit = '' } = {}) {
  const figures = {
    columns: [{ label: t('a11y.chart.indicator') }].concat(series.map((s) => ({ label: s.name, num: true }))),
    rows: indicators.map((ind, k) => [ind.name].concat(series.map((s) => s.values[k] + unit))),
  };
  const shown = selected ? Object.fromEntries(series.map((s) => [s.name, selected.includes(s.name)])) : undefined;
  return draw(container, {
    legend: series.length > 1 ? { bottom: 0, type: 'scroll', textStyle: { fontSize: 12 }, selected: shown } : undefined,
    tooltip: { trigger: 'item', formatter: (p) => tipHtml(p.name, (series[p.dataIndex] || {}).tips || []) },
    radar: {
      center: ['50%', series.length > 1 ? '46%' : '52%'],
      radius: '64%',
      indicator: indicators,
      axisName: { color: '#4a5261', fontSize: 12 },
      splitLine: { lineStyle: { color: '#dfe3e8' } },
      splitArea: { areaStyle: { color: ['#fbfbfc', '#f3f5f8'] } },
    },
    series: [
      {
        type: 'radar',
        symbolSize: 5,
        data: series.map((s, i) => ({ name: s.name, value: s.values, areaStyle: { opacity: i === 0 ? 0.18 : 0.08 }, lineStyle: { width: 2 } })),
      },
    ],
  }, figures);
}
