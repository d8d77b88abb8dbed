// signed_note.test.mjs - the portal's in-browser checks of the books (web/merkle.js)
// against known answers, run in node (whose Web Crypto is the browser's API):
// Ed25519 with RFC 8032's test vector 1, the Go note package's example key and
// the checkpoint docs/audit-log.md gives for it, RFC 9162 consistency proofs of
// the Certificate Transparency test tree, and a checkpoint signed and co-signed
// by the pairaid command line just now.
//
//     PAIRAID=build-test/pairaid node tests/http/signed_note.test.mjs

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SOURCE = process.env.PA_SOURCE_DIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const PAIRAID = process.env.PAIRAID || path.join(SOURCE, 'build', 'pairaid');
const { verifyEd25519, verifyNote, parseVerifierKey, keyHash, checkConsistency, splitNote } = await import(path.join(SOURCE, 'web', 'merkle.js'));

const hex = (s) => Uint8Array.from(s.match(/../g) || [], (b) => parseInt(b, 16));

test('RFC 8032 test vector 1 verifies, and a changed bit does not', async () => {
  const pub = hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  const sig = hex('e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b');
  assert.equal(await verifyEd25519(pub, sig, new Uint8Array(0)), true);
  const bent = sig.slice();
  bent[10] ^= 1;
  assert.equal(await verifyEd25519(pub, bent, new Uint8Array(0)), false);
  assert.equal(await verifyEd25519(pub, sig, new Uint8Array([0])), false, 'another message');
});

// Go's golang.org/x/mod/sumdb/note example key, and the checkpoint of the 8 CT leaves
// under origin pairaid/WX-LYG that docs/audit-log.md shows signed with it.
const PETER = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const CT8 = 'pairaid/WX-LYG\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n' +
  '\u2014 PeterNeumann x08go6GIZxQFjL5goNX2hgpZDGwgjcbHSxAWbMGHWFEKl2tDrOb85JNnfcmZqI+URhSIjr1FuwN/fs6xsCe6sUSYbgA=\n';

test('a verifier key is read and its key hash checked', async () => {
  const k = await parseVerifierKey(PETER);
  assert.equal(k.name, 'PeterNeumann');
  assert.equal(k.hash, 'c74f20a3');
  assert.equal(await keyHash(k.name, k.publicKey), 'c74f20a3');
  assert.equal(await parseVerifierKey(PETER.replace('c74f20a3', 'c74f20a4')), null, 'a wrong key hash');
  assert.equal(await parseVerifierKey('PeterNeumann+c74f20a3'), null, 'no key');
});

test('the documented checkpoint verifies with the Go example key; a changed root or signature does not', async () => {
  const ok = await verifyNote(CT8, [PETER]);
  assert.deepEqual(ok.checkpoint, { origin: 'pairaid/WX-LYG', size: 8, root: 'XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=' });
  assert.deepEqual(ok.signatures.map((s) => [s.name, s.hash, s.status]), [['PeterNeumann', 'c74f20a3', 'ok']]);
  const otherRoot = await verifyNote(CT8.replace('XcnaeacG', 'XcnaeacH'), [PETER]);
  assert.equal(otherRoot.signatures[0].status, 'bad');
  const otherSig = await verifyNote(CT8.replace('sCe6sUSYbgA=', 'sCe6sUTYbgA='), [PETER]);
  assert.equal(otherSig.signatures[0].status, 'bad');
  const noKey = await verifyNote(CT8, []);
  assert.equal(noKey.signatures[0].status, 'unknown_key');
  assert.equal(splitNote('pairaid/WX-LYG\n8\nroot\n'), null, 'a note without signatures is not a signed note');
});

const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(hex);

test('RFC 9162 consistency proofs of the CT test tree verify, and a fork does not', async () => {
  const known = [
    [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
    [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
    [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  ];
  for (const [from, to, proof] of known) {
    const p = proof.map(hex);
    assert.equal(await checkConsistency(from, to, CT_ROOTS[from], CT_ROOTS[to], p), true, `${from} -> ${to}`);
    assert.equal(await checkConsistency(from, to, CT_ROOTS[from], CT_ROOTS[to - 1], p), false, `${from} -> ${to} against another new root`);
    assert.equal(await checkConsistency(from, to, CT_ROOTS[from], CT_ROOTS[to], p.slice(1)), false, `${from} -> ${to} with a hash left out`);
  }
  assert.equal(await checkConsistency(5, 5, CT_ROOTS[5], CT_ROOTS[5], []), true);
  assert.equal(await checkConsistency(5, 5, CT_ROOTS[5], CT_ROOTS[4], []), false);
});

function pairaid(...args) {
  const p = spawnSync(PAIRAID, args, { encoding: 'utf8' });
  assert.equal(p.status, 0, `pairaid ${args.join(' ')}: ${p.stderr}`);
  return p.stdout;
}

test('a checkpoint signed and co-signed by the pairaid command line verifies with both keys', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pairaid-note-'));
  try {
    const db = path.join(dir, 'p.db');
    pairaid('--db', db, 'init');
    const donor = pairaid('key', 'generate', '--name', '无锡市财政局', '-o', path.join(dir, 'd.key')).trim();
    const recipient = pairaid('key', 'generate', '--name', '连云港市财政局', '-o', path.join(dir, 'r.key')).trim();
    pairaid('--db', db, 'log', 'checkpoint', '--key', path.join(dir, 'd.key'));
    const note = pairaid('--db', db, 'log', 'cosign', '--key', path.join(dir, 'r.key'));
    const both = await verifyNote(note, [donor, recipient]);
    assert.deepEqual(both.signatures.map((s) => [s.name, s.status]), [['无锡市财政局', 'ok'], ['连云港市财政局', 'ok']]);
    const onlyDonor = await verifyNote(note, [donor]);
    assert.deepEqual(onlyDonor.signatures.map((s) => s.status), ['ok', 'unknown_key']);
    const lines = note.split('\n');
    const last = lines.length - 2; // the recipient's line; the note ends in a newline
    lines[last] = lines[last].slice(0, -6) + (lines[last].slice(-6, -5) === 'A' ? 'B' : 'A') + lines[last].slice(-5);
    const tampered = await verifyNote(lines.join('\n'), [donor, recipient]);
    assert.deepEqual(tampered.signatures.map((s) => s.status), ['ok', 'bad']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
