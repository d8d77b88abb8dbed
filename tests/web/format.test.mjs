// format.test.mjs - unit tests of web/format.js, the pure helpers both pages
// use for money and dates (node, no browser): what officers type is read the
// way they mean it, and what is not a date or an amount is refused.
//
//     node tests/web/format.test.mjs

import assert from 'node:assert/strict';
import path from 'node:path';

const SOURCE = process.env.PA_SOURCE_DIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const f = await import(path.join(SOURCE, 'web', 'format.js'));

const cases = [];
const test = (name, fn) => cases.push([name, fn]);

test('dates in the written forms officers use', () => {
  for (const typed of ['2026-12-04', '2026/12/04', '2026.12.04', '2026年12月4日', '2026年12月04日', ' 2026 年 12 月 4 日 ', '２０２６年１２月４日', '2026年12月4号', '2026年12月4'])
    assert.deepEqual(f.parseDateInput(typed), { value: '2026-12-04' }, typed);
  for (const typed of ['2026-1-5', '2026/1/5', '2026.1.5', '2026年1月5日', '2026-01-5'])
    assert.equal(f.normaliseDateInput(typed), '2026-01-05', typed);
});

test('leap years and the ends of months', () => {
  assert.equal(f.normaliseDateInput('2024/2/29'), '2024-02-29');
  assert.equal(f.normaliseDateInput('2000-02-29'), '2000-02-29');
  assert.equal(f.normaliseDateInput('2026.12.31'), '2026-12-31');
  assert.equal(f.normaliseDateInput('2026-04-30'), '2026-04-30');
});

test('impossible dates are told apart from unreadable ones', () => {
  for (const typed of ['2026-02-30', '2026-02-29', '1900-02-29', '2026/13/01', '2026年4月31日', '2026.00.10', '2026-12-00', '2026-12-32'])
    assert.deepEqual(f.parseDateInput(typed), { error: 'impossible' }, typed);
  for (const typed of ['2026-12', '26-12-04', '2026/12-04', '2026-12-04x', '12/04/2026', '2026年12月', 'abc', '2026--12-04', '20261204'])
    assert.deepEqual(f.parseDateInput(typed), { error: 'format' }, typed);
  assert.deepEqual(f.parseDateInput(null), { error: 'format' });
  assert.equal(f.normaliseDateInput('2026-02-30'), null);
});

test('an empty date is empty, not an error', () => {
  assert.deepEqual(f.parseDateInput(''), { value: '' });
  assert.deepEqual(f.parseDateInput('   '), { value: '' });
  assert.equal(f.normaliseDateInput(''), null);
});

test('amounts as typed, exactly', () => {
  assert.equal(f.normaliseAmountInput('250000'), '250000.00');
  assert.equal(f.normaliseAmountInput('250,000.5'), '250000.50');
  assert.equal(f.normaliseAmountInput('25.5万'), '255000.00');
  assert.equal(f.normaliseAmountInput('２５万元'), '250000.00');
  assert.equal(f.normaliseAmountInput('1.234'), null);
  assert.equal(f.normaliseAmountInput('0'), null);
  assert.equal(f.formatWan('3000.00'), '0.30');
  assert.equal(f.formatAmount('12000.00'), '1.20 万元');
  assert.equal(f.formatYuan('1400000.00'), '1,400,000.00');
});

let failed = 0;
for (const [name, fn] of cases) {
  try {
    fn();
    console.log('ok   ' + name);
  } catch (err) {
    failed++;
    console.log('FAIL ' + name + ': ' + err.message);
  }
}
process.exit(failed ? 1 : 0);
