// portal-reports.js - the portal's figures as printable reports: 项目概览,
// 分县区, 联合审计 and 年度考核 each get an "导出PDF" button that prints that
// section alone (with its title and signature blocks), as does a pairing's
// assessment page.

import { el } from './ui.js';
import { t, colon } from './i18n.js';
import { exportButton } from './print.js';

// section id -> the printed report's name and unit
const SECTIONS = {
  overview: { name: 'layout.report.overview', unit: 'mixed' },
  counties: { name: 'layout.report.counties', unit: 'wan' },
  audit: { name: 'layout.report.audit', unit: 'wan' },
  assessment: { name: 'layout.report.ranking', unit: 'points' },
};

/** 制表单位 on the portal: the programme the header names (the city pairing, when there is one). */
function programme() {
  const sub = document.getElementById('pairing-name');
  return sub ? sub.textContent.trim() : '';
}

function bar(button) {
  return el('div', { class: 'report-bar' }, button);
}

/** Adds the sections' buttons; call once, after the static page is there. */
export function bindPortalReports() {
  for (const [id, def] of Object.entries(SECTIONS)) {
    const section = document.getElementById(id);
    const h2 = section && section.querySelector(':scope > h2');
    if (!h2) continue;
    // a section whose table chose its own unit (ui.js moneyUnit) prints that unit
    const report = () => {
      const marked = section.querySelector('[data-unit]');
      return { name: t(def.name), unit: marked ? marked.dataset.unit : def.unit, org: programme() };
    };
    h2.after(bar(exportButton(report, () => section, 'export-pdf-' + id)));
  }
}

/** The button of a pairing's assessment page (#/assessment/CODE), once it has rendered. */
export function pairingReportButton(page, pairingName) {
  const report = () => ({ name: t('layout.report.pairing_scores') + colon() + pairingName, unit: 'points', org: programme() });
  return bar(exportButton(report, () => page, 'export-pdf-pairing'));
}
