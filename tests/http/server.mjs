// server.mjs - starts `pairaid serve` for a browser test (the JS twin of server.py).
//
//     const s = await startServer();          // fresh demo database, demo users, free port
//     ... s.base is "http://127.0.0.1:PORT" ...
//     await s.stop();                          // SIGTERM; throws unless it stopped cleanly
//
// The server runs against a demo database in a temporary folder, on a port the
// kernel picks. stop() fails if the exit code is not 0 or its stderr shows a
// sanitizer report; the folder is removed unless PA_KEEP_TMP is set.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const SOURCE = process.env.PA_SOURCE_DIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const PAIRAID = process.env.PAIRAID || path.join(SOURCE, 'build', 'pairaid');

// What the sanitizers print when they find something (as in server.py): AddressSanitizer
// and UBSan in the PA_SANITIZE build, ThreadSanitizer in the PA_TSAN one.
const SANITIZER_REPORTS = ['AddressSanitizer', 'runtime error', 'WARNING: ThreadSanitizer'];

// The demo users of scripts/demo-users.
export const PASSWORDS = {
  admin: 'pairaid-root',
  'wuxi.finance': 'pairaid-donor',
  'donghai.office': 'pairaid-recipient',
  'audit.wxlyg': 'pairaid-auditor',
  'province.assess': 'pairaid-assessor',
};

function run(cmd, args) {
  const p = spawnSync(cmd, args, { encoding: 'utf8' });
  if (p.error) throw p.error;
  if (p.status !== 0) throw new Error(`${[cmd, ...args].join(' ')} exited ${p.status}: ${p.stderr}`);
  return p;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Creates the demo database, starts the server, resolves once it listens. */
export async function startServer(extraArgs = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pairaid-browser-'));
  const db = path.join(dir, 'pairaid.db');
  try {
    run(PAIRAID, ['--db', db, '--as', 'demo', 'demo']);
    run(path.join(SOURCE, 'scripts', 'demo-users'), [PAIRAID, db]);
  } catch (e) {
    if (!process.env.PA_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }

  const errPath = path.join(dir, 'stderr.log');
  const errFd = fs.openSync(errPath, 'w+');
  const outFd = fs.openSync(path.join(dir, 'access.log'), 'w+');
  const proc = spawn(PAIRAID, ['--db', db, 'serve', '--listen', '127.0.0.1:0', ...extraArgs], { stdio: ['ignore', outFd, errFd] });
  let exit = null;
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve((exit = { code, signal }))));
  const stderrText = () => fs.readFileSync(errPath, 'utf8');

  const cleanup = () => {
    fs.closeSync(errFd);
    fs.closeSync(outFd);
    if (!process.env.PA_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30000;
  let port = null;
  while (Date.now() < deadline) {
    const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(stderrText());
    if (m) {
      port = Number(m[1]);
      break;
    }
    if (exit) break;
    await sleep(50);
  }
  if (!port) {
    if (!exit) proc.kill('SIGKILL');
    const text = stderrText();
    cleanup();
    throw new Error('the server did not start: ' + text);
  }

  return {
    dir,
    db,
    port,
    base: `http://127.0.0.1:${port}`,
    stderrText,
    /** SIGTERM, wait, then check the exit code and stderr; cleans up either way. */
    async stop() {
      if (!exit) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 30000);
      const { code, signal } = await exited;
      clearTimeout(timer);
      const text = stderrText();
      cleanup();
      // the report first: a sanitizer that halts the server also makes its exit code non-zero
      if (SANITIZER_REPORTS.some((r) => text.includes(r))) throw new Error('sanitizer report in the server stderr:\n' + text);
      if (code !== 0) throw new Error(`the server stopped with ${code ?? signal}: ${text}`);
    },
    /** Kills without checks (for an aborted test). */
    kill() {
      if (!exit) proc.kill('SIGKILL');
    },
  };
}
