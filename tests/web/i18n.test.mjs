// i18n.test.mjs - the dictionary of web/i18n.js read as data (node, no browser):
// every label has its Chinese and its English, no key is written twice (in an
// object literal the second silently wins, so one of the two texts is never
// shown), and no English text carries full-width punctuation.
//
//     node tests/web/i18n.test.mjs

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const SOURCE = process.env.PA_SOURCE_DIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const text = fs.readFileSync(path.join(SOURCE, 'web', 'i18n.js'), 'utf8');
const start = text.indexOf('const DICT = {');
const end = text.indexOf('\n};', start);
assert.ok(start >= 0 && end > start, 'web/i18n.js has its DICT');
const body = text.slice(start + 'const DICT = '.length, end + 2);
const DICT = new Function('return ' + body)();
const written = [...body.matchAll(/'([A-Za-z0-9_.]+)':\s*\[/g)].map((m) => m[1]);

let failed = 0;
const test = (name, fn) => {
  try {
    fn();
    console.log('ok   ' + name);
  } catch (err) {
    failed++;
    console.log('FAIL ' + name + ': ' + err.message);
  }
};

test('the dictionary is read whole', () => {
  assert.ok(written.length > 500, `${written.length} keys`);
  assert.equal(Object.keys(DICT).length, new Set(written).size);
});

test('no key is written twice', () => {
  const seen = new Set();
  const twice = written.filter((k) => (seen.has(k) ? true : (seen.add(k), false)));
  assert.deepEqual(twice, []);
});

test('every label has a Chinese and an English text', () => {
  // enum.* names take their Chinese from GET /api/v1/enums (the server owns them): null here.
  // An English text may be '' where English has no word (笔, 条: Chinese counters).
  const chinese = (k, zh) => (k.startsWith('enum.') && zh === null) || (typeof zh === 'string' && zh !== '');
  const bad = Object.entries(DICT).filter(([k, v]) => !Array.isArray(v) || v.length !== 2 || !chinese(k, v[0]) || typeof v[1] !== 'string');
  assert.deepEqual(bad.map(([k]) => k), []);
});

test('English texts use half-width punctuation', () => {
  // ：（）；，。 belong to the Chinese texts; an English one with them reads as a slip
  const bad = Object.entries(DICT).filter(([, v]) => /[：（）；，。、]/.test(v[1]));
  assert.deepEqual(bad.map(([k, v]) => `${k}: ${v[1]}`), []);
});

process.exit(failed ? 1 : 0);
