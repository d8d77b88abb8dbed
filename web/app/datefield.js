// datefield.js - a date field that takes a date the way an officer writes it
// (2026-12-04, 2026/12/04, 2026.12.04, 2026年12月4日) or picks it from a
// calendar, and always holds YYYY-MM-DD once the officer leaves it.
//
// A bare <input type="date"> would give the calendar but refuses typed
// Chinese dates, and shows the date in the browser's locale; so the field is a
// text input, and the calendar is the browser's own date picker on a hidden
// <input type="date"> opened by the button beside it. An impossible date
// (2026-02-30) is refused beside the field, not only in the page's alert.

import { el } from '../ui.js';
import { t } from '../i18n.js';
import { parseDateInput } from '../format.js';

/**
 * A labelled date field: { name, value, testid, required, label }. The text input
 * keeps `name` (so form.elements[name] finds it) and testid; the hint below it is
 * testid + '-hint', the calendar button testid + '-pick'.
 */
export function dateField({ name, value = '', testid, required = false, label }) {
  const input = el('input', { name, value, testid, required, autocomplete: 'off', inputmode: 'numeric', placeholder: t('date.placeholder'), dataset: { selfcheck: '1', datefield: '1' }, 'aria-describedby': testid + '-hint' });
  const picker = el('input', { type: 'date', class: 'date-picker-native', tabindex: '-1', 'aria-hidden': 'true', testid: testid + '-native' });
  const button = el('button', { type: 'button', class: 'btn small date-pick', testid: testid + '-pick', title: t('date.pick'), 'aria-label': t('date.pick') }, calendarIcon());
  const hint = el('small', { class: 'hint', id: testid + '-hint', testid: testid + '-hint', text: t('date.hint') });
  button.addEventListener('click', () => {
    const r = parseDateInput(input.value);
    picker.value = r.value || '';
    try {
      picker.showPicker();
    } catch (e) {
      picker.focus(); // a browser without showPicker: the native field itself takes the date
    }
  });
  picker.addEventListener('change', () => {
    if (!picker.value) return;
    input.value = picker.value;
    checkDateField(input);
  });
  input.addEventListener('blur', () => checkDateField(input));
  // While typing, say how the date will be read once it is one; complain only on leaving.
  input.addEventListener('input', () => {
    const r = parseDateInput(input.value);
    input.classList.remove('invalid');
    hint.classList.remove('error');
    hint.textContent = r.value ? t('date.read_as', { v: r.value }) : t('date.hint');
  });
  return el('label', { class: 'field date-field' }, el('span', { class: 'field-label', text: label }), el('span', { class: 'date-row' }, input, button, picker), hint);
}

/** A small calendar drawn in SVG: no emoji font is needed, and it takes the button's colour. */
function calendarIcon() {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  for (const d of ['M2.5 3.5h11v10h-11z', 'M2.5 6.5h11', 'M5 2v3M11 2v3', 'M5 9h2M9 9h2M5 11.5h2M9 11.5h2']) {
    const path = document.createElementNS(NS, 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', 'currentColor');
    path.setAttribute('stroke-width', '1.3');
    svg.append(path);
  }
  return svg;
}

/**
 * Reads a date field (made by dateField): writes back YYYY-MM-DD and returns it,
 * '' when empty; on a date that cannot be read or does not exist, marks the field,
 * says why beside it and returns null.
 */
export function checkDateField(input) {
  const hint = input.form ? input.form.querySelector('[data-testid="' + input.dataset.testid + '-hint"]') : null;
  const r = parseDateInput(input.value);
  const bad = r.error !== undefined || (input.required && r.value === '');
  input.classList.toggle('invalid', bad);
  if (hint) {
    hint.classList.toggle('error', bad);
    if (r.error === 'impossible') hint.textContent = t('date.impossible', { v: input.value.trim() });
    else if (bad) hint.textContent = r.error ? t('date.unreadable') : t('date.required');
    else hint.textContent = r.value ? t('date.read_as', { v: r.value }) : t('date.hint');
  }
  if (bad) return null;
  input.value = r.value;
  return r.value;
}
