// charts.js - the few chart shapes the portal needs, on the vendored echarts
// (/vendor/echarts.min.js, loaded by a classic <script> before the modules).
//
// Tooltips are built from escaped text with classes only: under the CSP
// (style-src 'self') echarts' default tooltip markers, which carry style
// attributes, would be refused and logged as violations.

export const PALETTE = ['#b4232a', '#1f4e8c', '#c98a1b', '#3f7f5f', '#6b4c9a', '#2b8a9e', '#8c5a3c', '#7a7f87'];

// Budget bars: blue for money allocated, red for money spent, as in the tables.
const BAR_COLORS = ['#1f4e8c', '#b4232a', '#3f7f5f'];
const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif';
const instances = new WeakMap();
const redraws = new WeakMap(); // container -> draws its chart again, for a change of layout
const drawnNarrow = new WeakMap(); // container -> whether it was drawn for a phone
const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
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

/** Draws (or redraws) an option into a container; returns false when echarts is missing. */
export function draw(container, option) {
  const ec = window.echarts;
  if (!ec) {
    container.textContent = '—';
    return false;
  }
  let chart = instances.get(container);
  if (!chart || chart.isDisposed()) {
    chart = ec.init(container, null, { renderer: 'canvas' });
    instances.set(container, chart);
  } else {
    chart.resize(); // the box may have changed (the Sankey's height is set for a phone)
  }
  drawnNarrow.set(container, isNarrow(container));
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

/**
 * Fits every chart to its box again, e.g. after its section was hidden while the
 * window changed; a chart whose box crossed NARROW_PX (a phone turned) is drawn
 * again with the layout for its new width.
 */
export function resizeAll() {
  for (const node of document.querySelectorAll('.chart')) {
    const c = instances.get(node);
    if (!c || c.isDisposed() || node.offsetWidth === 0) continue;
    if (redraws.has(node) && drawnNarrow.get(node) !== isNarrow(node)) redraws.get(node)();
    else c.resize();
  }
}

/** Keeps how to draw a chart again, with the same data. */
function remember(container, redraw) {
  redraws.set(container, redraw);
}

/*
 * Phones: a chart under NARROW_PX wide lays itself out for the narrow box
 * (legends wrap instead of running into the plot, axis labels turn, the
 * Sankey's labels shorten), so that no two labels overlap at 390 px.
 */
const NARROW_PX = 480;

function isNarrow(container) {
  return container.clientWidth > 0 && container.clientWidth < NARROW_PX;
}

/** A donut of counts: items [{name, value, tip}]. */
export function donut(container, items) {
  remember(container, () => donut(container, items));
  const narrow = isNarrow(container);
  return draw(container, {
    tooltip: { trigger: 'item', formatter: (p) => tipHtml(p.name, [p.data.tip]) },
    // On a phone the legend wraps onto a second line below a smaller ring: every category stays readable.
    legend: { bottom: 0, type: narrow ? 'plain' : 'scroll', icon: 'circle', itemWidth: 10, itemHeight: 10, itemGap: narrow ? 8 : 10, textStyle: { fontSize: 12 } },
    series: [
      {
        type: 'pie',
        radius: narrow ? ['32%', '52%'] : ['42%', '68%'],
        center: ['50%', narrow ? '40%' : '44%'],
        avoidLabelOverlap: true,
        itemStyle: { borderColor: '#fff', borderWidth: 2 },
        label: { formatter: '{c}', fontSize: 12 },
        data: items,
      },
    ],
  });
}

/** Vertical bars of counts: items [{name, value, tip}] in the given order. */
export function bars(container, items, { horizontal = false, color = PALETTE[1] } = {}) {
  remember(container, () => bars(container, items, { horizontal, color }));
  const cat = { type: 'category', data: items.map((i) => i.name), axisTick: { show: false }, axisLabel: { interval: 0, fontSize: 12 } };
  const val = { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#eceef2' } } };
  return draw(container, {
    grid: { left: horizontal ? 96 : 40, right: 24, top: 16, bottom: 28, containLabel: false },
    tooltip: { trigger: 'item', formatter: (p) => tipHtml(p.name, [items[p.dataIndex].tip]) },
    xAxis: horizontal ? val : cat,
    yAxis: horizontal ? Object.assign({}, cat, { inverse: true }) : val,
    series: [{ type: 'bar', data: items.map((i) => i.value), itemStyle: { color, borderRadius: horizontal ? [0, 3, 3, 0] : [3, 3, 0, 0] }, barMaxWidth: 28, label: { show: true, position: horizontal ? 'right' : 'top', fontSize: 12, color: '#4a5261' } }],
  });
}

/**
 * Grouped bars (万元) with a rate line on a second axis: categories, series
 * [{name, values}], rates (numbers or null), and formatted tooltip lines per category.
 */
export function barsWithRate(container, categories, series, rates, tips, labels) {
  remember(container, () => barsWithRate(container, categories, series, rates, tips, labels));
  // On a phone the county names stand upright under their bars, and the legend sits clear above the axis names.
  const narrow = isNarrow(container);
  return draw(container, {
    grid: narrow ? { left: 8, right: 8, top: 64, bottom: 8, containLabel: true } : { left: 64, right: 56, top: 40, bottom: 32 },
    legend: { top: 0, itemGap: narrow ? 8 : 10, textStyle: { fontSize: 12 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: (ps) => tipHtml(ps[0].name, tips[ps[0].dataIndex]) },
    xAxis: { type: 'category', data: categories, axisTick: { show: false }, axisLabel: narrow ? { interval: 0, rotate: 90, fontSize: 11 } : { interval: 0, fontSize: 12 } },
    yAxis: [
      { type: 'value', name: labels.amountAxis, nameTextStyle: { fontSize: 12, align: 'left' }, splitLine: { lineStyle: { color: '#eceef2' } } },
      { type: 'value', name: labels.rateAxis, min: 0, max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { show: false }, nameTextStyle: { fontSize: 12 } },
    ],
    series: series
      .map((s, i) => ({ name: s.name, type: 'bar', data: s.values, barMaxWidth: 22, itemStyle: { color: BAR_COLORS[i % BAR_COLORS.length] } }))
      .concat([{ name: labels.rateName, type: 'line', yAxisIndex: 1, data: rates, symbolSize: 7, itemStyle: { color: PALETTE[2] }, lineStyle: { width: 2 } }]),
  });
}

/** The Sankey's columns as echarts lays them out ('justify'): each node's longest path from a source, sinks last. */
function sankeyColumns(nodes, links) {
  const next = new Map(nodes.map((n) => [n.name, []]));
  const incoming = new Map(nodes.map((n) => [n.name, 0]));
  for (const l of links) {
    if (!next.has(l.source) || !incoming.has(l.target)) continue;
    next.get(l.source).push(l.target);
    incoming.set(l.target, incoming.get(l.target) + 1);
  }
  const depth = new Map();
  const queue = nodes.filter((n) => incoming.get(n.name) === 0).map((n) => n.name);
  for (const name of queue) depth.set(name, 0);
  for (let i = 0; i < queue.length; i++) {
    for (const to of next.get(queue[i])) {
      depth.set(to, Math.max(depth.get(to) || 0, depth.get(queue[i]) + 1));
      incoming.set(to, incoming.get(to) - 1);
      if (incoming.get(to) === 0) queue.push(to);
    }
  }
  const last = Math.max(0, ...depth.values());
  const column = new Map([...depth].map(([name, d]) => [name, next.get(name).length ? d : last]));
  const perColumn = new Array(last + 1).fill(0);
  for (const c of column.values()) perColumn[c]++;
  return { columns: last + 1, crowded: Math.max(0, ...perColumn) };
}

/** "苏州市本级南北结对帮扶资金" → "苏州市本级", "苏州市—宿迁市南北结对帮扶资金池" → "苏州—宿迁": on a phone the programme's common words go. */
function shortLabel(label) {
  if (/南北结对帮扶资金池$/.test(label)) return label.replace(/南北结对帮扶资金池$/, '').replace(/市(?=—|$)/g, '');
  return label.replace(/南北结对帮扶资金$/, '');
}

/**
 * At phone width: only the nodes money went through, short labels cut to the
 * room between two columns, no figures (the tooltip has them), and a box tall
 * enough that the labels of the most crowded column stand apart.
 */
function narrowSankey(container, nodes, links) {
  const used = new Set(links.flatMap((l) => [l.source, l.target]));
  const kept = nodes.filter((n) => used.has(n.name));
  const { columns, crowded } = sankeyColumns(kept, links);
  const right = 64; // the last column: county names of up to five characters
  const nodeWidth = 10;
  const step = columns > 1 ? (container.clientWidth - 8 - right - nodeWidth) / (columns - 1) : 0;
  const labelWidth = Math.max(24, Math.floor(step - nodeWidth - 8));
  container.style.height = Math.max(560, crowded * 18 + 360) + 'px';
  return {
    nodes: kept,
    series: {
      right,
      nodeWidth,
      nodeGap: 16,
      label: { fontSize: 11, color: '#1d2430', width: labelWidth, overflow: 'truncate', formatter: (p) => p.data.short },
      levels: [{ depth: columns - 1, label: { width: right - 8 } }],
    },
  };
}

/** A Sankey diagram: nodes [{name, label}], links [{source, target, value, tip}]. */
export function sankey(container, nodes, links) {
  remember(container, () => sankey(container, nodes, links));
  const labelOf = new Map(nodes.map((n) => [n.name, n.label || n.name]));
  const narrow = isNarrow(container) ? narrowSankey(container, nodes, links) : null;
  const shown = narrow ? narrow.nodes : nodes;
  if (!narrow) container.style.height = ''; // the stylesheet's height again, after a phone's
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
        label: { fontSize: 12, color: '#1d2430', formatter: (p) => labelOf.get(p.name) + '  {v|' + WHOLE.format(p.value) + '}', rich: { v: { color: '#6b7380', fontSize: 11 } } },
        data: shown.map((n, i) => ({ name: n.name, short: narrow ? shortLabel(n.label || n.name) : undefined, tip: n.tip, itemStyle: { color: PALETTE[i % PALETTE.length] } })),
        links,
        ...(narrow ? narrow.series : {}),
      },
    ],
  });
}

/**
 * A radar of points by area: indicators [{name, max}], series [{name, values, tips}]
 * (values as numbers, one per indicator; tips: a formatted line per indicator).
 * `selected` names the series shown at first (the legend switches the others on).
 */
export function radar(container, indicators, series, { selected = null } = {}) {
  remember(container, () => radar(container, indicators, series, { selected }));
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
  });
}
