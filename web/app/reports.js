// reports.js - which views of the officers' app are reports, and how each is
// printed: 预算执行 (budget execution), 账户 (balances) and one account's
// 明细账 (statement), 审计发现 (findings) and 年度考核 (the assessment).
//
// app.js calls decorate() once a view has rendered; a report view then gets
// its "导出PDF" button, and the title and signature blocks that only print.

import { t, enumLabel, colon, paren } from '../i18n.js';
import { exportButton, frameReport } from '../print.js';
import { currentUser } from './session.js';

/* Per view: the report's name (given the rendered view and the route's
 * arguments) and its unit. A view may say its unit itself with data-unit on
 * any element (e.g. a table in 万元), which wins. */
const REPORTS = {
  budget: { name: (root) => withChoice(t('layout.report.budget'), root.querySelector('[data-testid="budget-group"]')), unit: 'yuan' },
  accounts: { name: (root, args) => (args[0] ? t('layout.report.statement') + colon() + statementName(root, args[0]) : t('layout.report.balances')), unit: 'yuan' },
  audit: { name: (root, args) => (args[0] ? null : t('layout.report.findings')), unit: 'yuan' },
  // The assessor's page is a workbench (schemes, comparisons); what is printed is its published ranking.
  assessment: { name: () => t('layout.report.assessment'), unit: 'points', scope: (root) => root.querySelector('[data-testid="assessment-published"]') },
};

/** "预算执行情况表（按县区）": the grouping chosen in the view's select, if any. */
function withChoice(name, select) {
  const chosen = select && select.selectedOptions[0] ? select.selectedOptions[0].textContent.trim() : '';
  return chosen ? name + paren(chosen) : name;
}

function statementName(root, code) {
  const h2 = root.querySelector('h1, h2'); // the view's title (h1 since the accessibility work)
  const text = h2 ? h2.textContent : '';
  const m = /：|: /.exec(text); // the heading joins its label with colon(): either language
  return m ? text.slice(m.index + m[0].length) : code;
}

/** 制表单位: the signed-in officer's region and role ("东海县（受援方项目经办）"). */
export function userUnit(me) {
  if (!me) return '';
  const role = enumLabel('role', me.role);
  if (me.region_name) return me.region_name + paren(role);
  return me.pairing ? role + paren(me.pairing) : role;
}

function reportOf(name, root, args) {
  const def = REPORTS[name];
  const title = def && def.name(root, args);
  if (!title) return null;
  const me = currentUser();
  const marked = root.querySelector('[data-unit]');
  return { name: title, unit: marked ? marked.dataset.unit : def.unit, org: userUnit(me), signer: me ? me.name : '' };
}

/** Where the button goes: beside the view's own actions, else under its heading. */
function placeButton(root, button) {
  const actions = root.querySelector('.view-head .actions');
  if (actions) return actions.append(button);
  const bar = document.createElement('div');
  bar.className = 'report-bar';
  bar.append(button);
  const h2 = root.querySelector('h1, h2'); // the view's title (h1 since the accessibility work)
  if (h2) h2.after(bar);
  else root.prepend(bar);
}

/** Makes a rendered view printable as a report, if it is one. */
export function decorate(root, name, args) {
  if (!root.isConnected) return; // the user has moved on to another view
  const report = reportOf(name, root, args);
  if (!report) return;
  const scope = (REPORTS[name].scope && REPORTS[name].scope(root)) || root;
  frameReport(scope, report);
  placeButton(root, exportButton(() => reportOf(name, root, args), () => scope));
}
