// browser_kit.mjs - what every browser test shares: chromium on the demo server,
// assertions that say what differed, screenshots, and a watch on every page
// (no request to another host, no page or console error, no HTTP error that a
// step did not announce with expectFailure).
//
//     import { run, newPage, signIn, shot, ... } from './browser_kit.mjs';
//     run('browser-phone', [['portal at 390 px', (browser, base) => ...], ...]);
//
// run() starts a fresh demo server and chromium, runs the steps in order (the
// first failure stops the rest), checks the server stops cleanly and exits 0 or
// 1.  PA_BROWSER_ONLY=REGEX runs only the matching steps.  Screenshots go to
// $PA_ARTEFACTS/NAME/, NAME being run()'s first argument.

import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, SOURCE, PASSWORDS } from './server.mjs';

export { SOURCE, PASSWORDS };

const require = createRequire(path.join(SOURCE, 'package.json'));
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.PA_CHROMIUM || '/usr/bin/chromium';
export const TIMEOUT = 15000; // per wait
let artefacts = null; // set by run()

// --- small helpers ---------------------------------------------------------------

export class Failure extends Error {}

export function check(cond, message) {
  if (!cond) throw new Failure(message);
}

export function equal(actual, expected, what) {
  if (actual !== expected) throw new Failure(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

export function contains(text, part, what) {
  if (!String(text).includes(part)) throw new Failure(`${what}: expected to contain ${JSON.stringify(part)}, got ${JSON.stringify(String(text).slice(0, 300))}`);
}

/** "1,234.56" (optionally followed by a unit) as integer hundredths, for exact comparisons. */
export function hundredths(text) {
  const m = /(-?)([\d,]+)\.(\d{2})/.exec(text);
  if (!m) throw new Failure(`not an amount: ${JSON.stringify(text)}`);
  const n = BigInt(m[2].replace(/,/g, '')) * 100n + BigInt(m[3]);
  return m[1] ? -n : n;
}

/** Integer hundredths as "1,234.56". */
export function yuan(n) {
  const sign = n < 0n ? '-' : '';
  const a = n < 0n ? -n : n;
  return sign + (a / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + (a % 100n).toString().padStart(2, '0');
}

export const byTestid = (page, id) => page.locator(`[data-testid="${id}"]`);

export async function text(page, id) {
  return (await byTestid(page, id).innerText({ timeout: TIMEOUT })).trim();
}

export async function visible(page, id) {
  await byTestid(page, id).waitFor({ state: 'visible', timeout: TIMEOUT });
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(artefacts, name + '.png'), fullPage: true });
}

/** A screenshot of one part of a page. */
export async function shotOf(locator, name) {
  await locator.screenshot({ path: path.join(artefacts, name + '.png') });
}

/** Where this test's screenshots (and PDFs) go. */
export function artefact(name) {
  return path.join(artefacts, name);
}

// --- watching every page: hosts, console errors, HTTP errors ------------------------------

const problems = [];
const expected = []; // {label, method, path, status, console, response}

/** Announces one failing request the next steps will cause on purpose. */
export function expectFailure(method, urlPath, status, label) {
  expected.push({ label, method, path: urlPath, status, console: false, response: false });
}

/** Fails if anything unannounced went wrong, or an announced failure did not happen. */
export function checkProblems() {
  const missing = expected.filter((e) => !e.console || !e.response);
  const found = problems.splice(0);
  for (const e of missing) found.push(`expected failure did not happen (console seen: ${e.console}, response seen: ${e.response}): ${e.label} ${e.status} ${e.method} ${e.path}`);
  expected.length = 0;
  if (found.length) throw new Failure(found.join('\n'));
}

function watch(context, base, who) {
  const origin = new URL(base).origin;
  context.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('data:') || url.startsWith('blob:')) return;
    let host = null;
    try {
      host = new URL(url).hostname;
    } catch (e) {
      host = null;
    }
    if (host !== '127.0.0.1') problems.push(`${who}: request to another host: ${req.method()} ${url}`);
  });
  context.on('response', (res) => {
    if (res.status() < 400) return;
    const u = new URL(res.url());
    const e = expected.find((x) => !x.response && x.status === res.status() && x.path === u.pathname && x.method === res.request().method() && u.origin === origin);
    if (e) e.response = true;
    else problems.push(`${who}: unexpected HTTP ${res.status()} for ${res.request().method()} ${res.url()}`);
  });
  context.on('page', (page) => watchPage(page, origin, who));
}

function watchPage(page, origin, who) {
  page.on('pageerror', (err) => problems.push(`${who}: page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // Chromium logs every failed request as "Failed to load resource: the server
    // responded with a status of 401 (Unauthorized)", located at the request's URL.
    const m = /^Failed to load resource: the server responded with a status of (\d{3}) \(/.exec(msg.text());
    const loc = msg.location() && msg.location().url;
    if (m && loc) {
      const u = new URL(loc);
      const e = expected.find((x) => !x.console && x.status === Number(m[1]) && x.path === u.pathname && u.origin === origin);
      if (e) {
        e.console = true;
        return;
      }
    }
    problems.push(`${who}: console error: ${msg.text()}${loc ? ' (' + loc + ')' : ''}`);
  });
}


// --- pages ------------------------------------------------------------------------------

/**
 * A fresh context (1280x900 unless viewport says otherwise) with one watched page;
 * `options` adds context options, e.g. {isMobile: true, hasTouch: true} for a phone.
 */
export async function newPage(browser, base, who, viewport = { width: 1280, height: 900 }, options = {}) {
  const context = await browser.newContext(Object.assign({ viewport, locale: 'zh-CN' }, options));
  context.setDefaultTimeout(TIMEOUT);
  watch(context, base, who);
  const page = await context.newPage();
  return { context, page };
}

/**
 * Waits until every chart container holds a canvas of nonzero size with
 * something drawn on it, and the drawing has settled (the same pixels on two
 * polls 250 ms apart: echarts animates for 400 ms, and a screenshot should
 * show the finished charts).
 */
export const CHARTS = ['chart-kind', 'chart-status', 'chart-domain', 'chart-county', 'chart-sankey'];

export async function chartsDrawn(page, ids = CHARTS) {
  await page.evaluate(() => (window.__chartSums = {}));
  await page
    .waitForFunction(
      (tids) => {
        let ready = true;
        for (const tid of tids) {
          const canvas = document.querySelector(`[data-testid="${tid}"] canvas`);
          if (!canvas || canvas.width === 0 || canvas.height === 0) return false;
          const r = canvas.getBoundingClientRect();
          if (r.width < 50 || r.height < 50) return false;
          const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let painted = 0;
          let sum = 0;
          for (let i = 3; i < data.length; i += 4 * 7) {
            if (data[i] > 0) painted++;
            sum = (sum * 31 + data[i - 3] + data[i - 2] * 7 + data[i - 1] * 13 + data[i]) % 1000000007;
          }
          const key = tid + ':' + canvas.width + 'x' + canvas.height;
          if (painted <= 200 || window.__chartSums[key] !== sum) ready = false;
          window.__chartSums[key] = sum;
        }
        return ready;
      },
      ids,
      { timeout: TIMEOUT, polling: 250 }
    )
    .catch(async (err) => {
      const state = await page.evaluate((tids) => tids.map((tid) => {
        const c = document.querySelector(`[data-testid="${tid}"] canvas`);
        return tid + ': ' + (c ? c.width + 'x' + c.height : 'no canvas');
      }), ids);
      throw new Failure('charts not drawn (' + state.join(', ') + '): ' + err.message.split('\n')[0]);
    });
}


/** Opens the app signed out (the 401 of GET /me is expected) and signs in. */
export async function signIn(page, base, user) {
  expectFailure('GET', '/api/v1/me', 401, 'the sign-in page asks who is signed in');
  await page.goto(base + '/app/');
  await visible(page, 'login-form');
  contains(await page.locator('#login h2').innerText(), '工作人员登录', 'sign-in title');
  await byTestid(page, 'login-username').fill(user);
  await byTestid(page, 'login-password').fill(PASSWORDS[user]);
  await byTestid(page, 'login-submit').click();
  await visible(page, 'whoami');
  equal(await text(page, 'whoami-name').then((s) => s.split('\n').pop()), user, 'signed-in user');
  await visible(page, 'dash-funds');
  await visible(page, 'dash-mine');
}

// --- the API, for what a step sets up behind the page --------------------------------

/** A JSON call; a status >= 400 fails the step. */
export async function apiCall(base, method, urlPath, body, token) {
  const res = await fetch(base + urlPath, {
    method,
    headers: Object.assign({ 'Content-Type': 'application/json' }, token ? { Authorization: 'Bearer ' + token } : {}),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Failure(`${method} ${urlPath}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Another content type (a CSV or INI upload). */
export async function rawCall(base, method, urlPath, body, contentType, token) {
  const res = await fetch(base + urlPath, { method, headers: { 'Content-Type': contentType, Authorization: 'Bearer ' + token }, body });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Failure(`${method} ${urlPath}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A session token of a demo user. */
export async function tokenOf(base, user) {
  return (await apiCall(base, 'POST', '/api/v1/login', { username: user, password: PASSWORDS[user] })).token;
}

// --- running ----------------------------------------------------------------------------

/** Runs steps [[name, async (browser, base) => ...], ...] against a fresh demo server. */
export async function run(name, steps) {
  artefacts = path.join(process.env.PA_ARTEFACTS || path.join(os.tmpdir(), 'pairaid-artefacts'), name);
  fs.mkdirSync(artefacts, { recursive: true });
  for (const f of fs.readdirSync(artefacts)) if (f.endsWith('.png') || f.endsWith('.pdf')) fs.rmSync(path.join(artefacts, f));
  const started = Date.now();
  let server = null;
  let browser = null;
  let failed = false;
  const only = process.env.PA_BROWSER_ONLY ? new RegExp(process.env.PA_BROWSER_ONLY) : null;
  const step = async (title, fn, always = false) => {
    if (failed || (only && !always && !only.test(title))) {
      console.log(`skip ${title}`);
      return;
    }
    const t0 = Date.now();
    try {
      await fn();
      console.log(`ok   ${title.padEnd(52)} ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    } catch (err) {
      failed = true;
      console.log(`FAIL ${title}: ${err instanceof Failure ? err.message : err.stack || err}`);
      if (problems.length) console.log('     also: ' + problems.join('\n     also: '));
    }
  };
  try {
    await step('server starts on a fresh demo database', async () => {
      server = await startServer();
    }, true);
    await step('chromium starts', async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    }, true);
    for (const [title, fn] of steps) await step(title, () => fn(browser, server.base));
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (server) {
      if (!failed) await step('server stops cleanly (exit 0, no sanitizer report)', () => server.stop(), true);
      else await server.stop().catch((e) => console.log('     server: ' + (e.message.startsWith('sanitizer') ? e.message : e.message.split('\n')[0])));
    }
  }
  console.log(`${failed ? 'FAILED' : 'passed'} in ${((Date.now() - started) / 1000).toFixed(1)}s; screenshots in ${artefacts}`);
  process.exit(failed ? 1 : 0);
}
