// bench/web_load.mjs - the portal's first and second visit over emulated fast 3G
// (issue 12, item 7): bytes on the wire, time to the load event and to the
// first chart drawn, for one or more pairaid binaries in the same invocation.
//
//     node bench/web_load.mjs BEFORE_BINARY AFTER_BINARY [RUNS]
//
// Each binary serves a fresh demo database (tests/http/server.mjs); chromium
// (/usr/bin/chromium, via playwright-core) is throttled through the DevTools
// protocol to Chrome DevTools' "Fast 3G" preset: 562.5 ms latency, 1.44 Mbit/s
// down, 675 kbit/s up.  A first visit starts with an empty cache; the second
// visit reloads the page in the same context, with its cache.  Medians of RUNS
// (default 3), alternating binaries.

import { createRequire } from 'node:module';
import path from 'node:path';
import { SOURCE } from '../tests/http/server.mjs';

const require = createRequire(path.join(SOURCE, 'package.json'));
const { chromium } = require('playwright-core');
const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: (1.44 * 1e6) / 8, uploadThroughput: (675 * 1e3) / 8 };

async function visit(page, cdp, url) {
  let bytes = 0;
  let requests = 0;
  const done = (e) => {
    bytes += e.encodedDataLength;
    requests++;
  };
  cdp.on('Network.loadingFinished', done);
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'load', timeout: 120000 });
  const load = (Date.now() - t0) / 1000;
  await page.waitForFunction(() => {
    const c = document.querySelector('[data-testid="chart-kind"] canvas');
    return c && c.width > 0;
  }, null, { timeout: 120000, polling: 50 });
  const chart = (Date.now() - t0) / 1000;
  await page.waitForTimeout(1500); // late API answers are counted too
  cdp.off('Network.loadingFinished', done);
  return { bytes, requests, load, chart };
}

async function measure(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', FAST_3G);
  const first = await visit(page, cdp, base + '/');
  const second = await visit(page, cdp, base + '/?again');
  await context.close();
  return { first, second };
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const binaries = process.argv.slice(2).filter((a) => !/^\d+$/.test(a));
  const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) || 3);
  const browser = await chromium.launch({ executablePath: process.env.PA_CHROMIUM || '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  const results = binaries.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < binaries.length; i++) {
      // server.mjs reads $PAIRAID when it is loaded: a module URL of its own per binary
      process.env.PAIRAID = binaries[i];
      const { startServer } = await import('../tests/http/server.mjs?binary=' + i);
      const server = await startServer();
      try {
        results[i].push(await measure(browser, server.base));
      } finally {
        await server.stop();
      }
    }
  }
  await browser.close();
  console.log('| binary | first visit: bytes | requests | load event | first chart | second visit: bytes | load event | first chart |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (let i = 0; i < binaries.length; i++) {
    const m = (f) => median(results[i].map(f));
    console.log(`| ${binaries[i]} | ${m((x) => x.first.bytes).toLocaleString('en-US')} | ${m((x) => x.first.requests)} | ${m((x) => x.first.load).toFixed(1)} s | ${m((x) => x.first.chart).toFixed(1)} s | ${m((x) => x.second.bytes).toLocaleString('en-US')} | ${m((x) => x.second.load).toFixed(1)} s | ${m((x) => x.second.chart).toFixed(1)} s |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
