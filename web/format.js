// format.js - money, percentages and dates for display.
//
// The API carries money as strings of yuan with exactly two decimals
// ("1400000.00"). A JavaScript number cannot hold every int64 fen exactly, so
// these helpers parse amounts into BigInt fen and do all scaling and rounding in
// integer arithmetic; only chart values (where a pixel is the precision) become
// numbers. Every function here is pure: same input, same output, no DOM.

const FEN_PER_YUAN = 100n;
const FEN_PER_WAN = 1000000n; // 1 万元 = 10,000 yuan
const FEN_PER_YI = 10000000000n; // 1 亿元 = 100,000,000 yuan

/** Parses an API amount ("1400000.00", "-5.00") into BigInt fen, or null if it is not one. */
export function toFen(amount) {
  if (typeof amount === 'bigint') return amount;
  if (typeof amount !== 'string') return null;
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(amount);
  if (!m) return null;
  const fen = BigInt(m[2]) * FEN_PER_YUAN + BigInt(m[3]);
  return m[1] === '-' ? -fen : fen;
}

function abs(n) {
  return n < 0n ? -n : n;
}

/** Inserts thousands separators into a string of digits. */
function groupDigits(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Formats n hundredths (of any unit) as "1,234.56"; group=false gives "1234.56". */
function hundredths(n, group) {
  const sign = n < 0n ? '-' : '';
  const a = abs(n);
  const whole = (a / 100n).toString();
  const frac = (a % 100n).toString().padStart(2, '0');
  return sign + (group ? groupDigits(whole) : whole) + '.' + frac;
}

/** Divides fen by a unit and rounds half away from zero, as finance reports round. */
function scaleRound(fen, divisor) {
  const q = (abs(fen) * 2n + divisor) / (divisor * 2n);
  return fen < 0n ? -q : q;
}

/** Exact yuan with separators: "1,400,000.00". Invalid input is shown as "—". */
export function formatYuan(amount, { group = true } = {}) {
  const fen = toFen(amount);
  return fen === null ? '—' : hundredths(fen, group);
}

/** 万元 with two decimals and separators, without the unit: "140.00". */
export function formatWan(amount) {
  const fen = toFen(amount);
  return fen === null ? '—' : hundredths(scaleRound(fen, FEN_PER_WAN / 100n), true);
}

/**
 * An amount in the unit a reader expects, as Chinese finance reports write it:
 * ≥ 1亿 → "1.20 亿元", ≥ 1万 → "140.00 万元", else "950.00 元". In English,
 * millions of yuan ("¥120.00 m") above a million, exact yuan below.
 */
export function formatAmount(amount, lang = 'zh') {
  const fen = toFen(amount);
  if (fen === null) return '—';
  const a = abs(fen);
  if (lang === 'en') {
    if (a >= 100000000n) return '¥' + hundredths(scaleRound(fen, 1000000n), true) + ' m';
    return '¥' + hundredths(fen, true);
  }
  if (a >= FEN_PER_YI) return hundredths(scaleRound(fen, FEN_PER_YI / 100n), true) + ' 亿元';
  if (a >= FEN_PER_WAN) return hundredths(scaleRound(fen, FEN_PER_WAN / 100n), true) + ' 万元';
  return hundredths(fen, true) + ' 元';
}

/**
 * The one unit of a table's amounts, as Chinese finance reports choose it: 万元
 * once any figure reaches 1万元, else 元. A table never mixes units between rows;
 * unit line names it (金额单位：万元), see ui.js moneyUnit.
 */
export function tableUnit(amounts) {
  for (const a of amounts) {
    const fen = toFen(a);
    if (fen !== null && abs(fen) >= FEN_PER_WAN) return 'wan';
  }
  return 'yuan';
}

/** An amount in a table's unit, without the unit: "3,885.00" (万元) or "950.00" (元). */
export function formatIn(amount, unit) {
  return unit === 'wan' ? formatWan(amount) : formatYuan(amount);
}

/** An amount as a number of 万元, for charts only (a chart cannot show a fen anyway). */
export function toWanNumber(amount) {
  const fen = toFen(amount);
  if (fen === null) return 0;
  return Number(scaleRound(fen, 100n)) / 10000; // whole yuan, then 万; exact up to 9e15 yuan
}

/** Sums API amounts exactly; returns an API amount string. */
export function sumAmounts(amounts) {
  let total = 0n;
  for (const a of amounts) total += toFen(a) || 0n;
  return hundredths(total, false);
}

/** The same ratio the server computes (paid / budget) as a string "71.9", or null. */
export function rateOf(part, whole) {
  const p = toFen(part);
  const w = toFen(whole);
  if (p === null || w === null || w <= 0n) return null;
  const tenths = scaleRound(p * 1000n, w);
  return (tenths / 10n).toString() + '.' + (tenths % 10n).toString();
}

const FULLWIDTH = /[０-９．，]/g;

function halfWidth(ch) {
  if (ch === '．') return '.';
  if (ch === '，') return ',';
  return String.fromCharCode(ch.charCodeAt(0) - 0xfee0);
}

/**
 * Turns what an officer types ("250000", "250,000.5", "２５万", "25.5万元") into
 * the API's form "250000.00", or null if it is not a positive amount with at most
 * two decimals of yuan. Done with string and BigInt math so nothing is rounded.
 */
export function normaliseAmountInput(input) {
  if (typeof input !== 'string') return null;
  let s = input.trim().replace(FULLWIDTH, halfWidth).replace(/\s+/g, '');
  let decimals = 2;
  let unitFen = FEN_PER_YUAN;
  if (/万元?$/.test(s)) {
    s = s.replace(/万元?$/, '');
    decimals = 6; // 0.000001 万元 = 0.01 元
    unitFen = FEN_PER_WAN;
  } else {
    s = s.replace(/元$/, '');
  }
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) return null;
  const frac = m[2] || '';
  if (frac.length > decimals) return null;
  const scale = 10n ** BigInt(decimals);
  const units = BigInt(m[1].replace(/,/g, '')) * scale + BigInt(frac.padEnd(decimals, '0') || '0');
  const fen = (units * unitFen) / scale;
  if (fen <= 0n) return null;
  const out = hundredths(fen, false);
  return /^\d+\.\d{2}$/.test(out) ? out : null;
}

/** Parses a rate as the API gives it ("71.9", "71.9%") into a number of percent, or null. */
export function rateNumber(rate) {
  if (rate === null || rate === undefined) return null;
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(String(rate).trim());
  return m ? Number(m[1]) : null;
}

/** A rate for display: "71.9%", or "—" when there is none (no budget). */
export function formatRate(rate) {
  const n = rateNumber(rate);
  return n === null ? '—' : String(rate).replace(/%$/, '') + '%';
}

function pad2(n) {
  return String(n).padStart(2, '0');
}

/** A local calendar date as YYYY-MM-DD (the only date format the app shows). */
export function isoDate(d) {
  return d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate());
}

/** Today, local time, YYYY-MM-DD. */
export function today(now = new Date()) {
  return isoDate(now);
}

/** A log entry's time (Unix seconds or an ISO string) as "YYYY-MM-DD HH:MM:SS", local time. */
export function formatTime(t) {
  if (t === null || t === undefined || t === '') return '—';
  const d = typeof t === 'number' ? new Date(t * 1000) : new Date(t);
  if (Number.isNaN(d.getTime())) return String(t);
  return isoDate(d) + ' ' + pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds());
}

/** A whole number with separators ("12,345"); anything else passes through. */
export function formatCount(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return n === null || n === undefined ? '—' : String(n);
  return groupDigits(String(Math.trunc(n)));
}

// --- dates as officers type them --------------------------------------------------

const FULLWIDTH_DIGITS = /[０-９]/g;

/**
 * Reads a date as officers write it: 2026-12-04, 2026/12/04, 2026.12.04 or
 * 2026年12月4日, with one- or two-digit month and day (full-width digits too).
 * Returns { value: 'YYYY-MM-DD' } for a date that exists, { error: 'impossible' }
 * for one that does not (2026-02-30), { error: 'format' } for anything else, and
 * { value: '' } for an empty input. The API takes only YYYY-MM-DD, so every date
 * field sends what this returns.
 */
export function parseDateInput(input) {
  if (typeof input !== 'string') return { error: 'format' };
  const s = input.trim().replace(FULLWIDTH_DIGITS, halfWidth);
  if (s === '') return { value: '' };
  const m = /^(\d{4})\s*(?:([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?)$/.exec(s);
  if (!m) return { error: 'format' };
  const year = Number(m[1]);
  const month = Number(m[3] || m[5]);
  const day = Number(m[4] || m[6]);
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return { error: 'impossible' };
  return { value: m[1] + '-' + pad2(month) + '-' + pad2(day) };
}

/** The YYYY-MM-DD form of a typed date (parseDateInput), or null if it is not a date. */
export function normaliseDateInput(input) {
  const r = parseDateInput(input);
  return r.value ? r.value : null;
}

function daysInMonth(year, month) {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
