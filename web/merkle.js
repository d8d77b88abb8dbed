// merkle.js - checks an RFC 9162 inclusion proof in the browser.
//
// The point of the audit log is that a reader need not trust the server: given
// a leaf hash, a proof and a root from a signed checkpoint, this recomputes the
// root with the RFC's own algorithm (§2.1.3.2) using the browser's SHA-256.
// Hashes travel in standard base64, as in checkpoints.

function subtle() {
  return globalThis.crypto && globalThis.crypto.subtle ? globalThis.crypto.subtle : null;
}

/** Whether this browser context can verify (Web Crypto needs a secure context). */
export function canVerify() {
  return subtle() !== null;
}

export function fromBase64(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function toBase64(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

async function sha256(...parts) {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const buf = new Uint8Array(len);
  let at = 0;
  for (const p of parts) {
    buf.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await subtle().digest('SHA-256', buf));
}

/** The leaf hash of an entry's canonical bytes: SHA-256(0x00 ‖ entry). */
export async function leafHash(entryBytes) {
  return sha256(new Uint8Array([0]), entryBytes);
}

/**
 * Recomputes the root from leaf index, tree size, leaf hash and the audit path
 * (RFC 9162 §2.1.3.2). Returns the root bytes, or null if the proof cannot be
 * right for that index and size (wrong length, index out of range).
 */
export async function rootFromInclusionProof(index, size, leaf, proof) {
  if (!(index >= 0 && index < size)) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  const node = new Uint8Array([1]);
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(node, p, r);
      // A left child on the right edge: climb until we are a right child again.
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await sha256(node, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

function equal(a, b) {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Verifies a proof as served by /api/v1/log/proof/inclusion against an expected
 * root (base64). Resolves to {ok, computed} where computed is base64 or null.
 */
export async function verifyInclusion(proofResponse, expectedRootB64) {
  const leaf = fromBase64(proofResponse.leaf_hash);
  const path = (proofResponse.proof || []).map(fromBase64);
  const root = await rootFromInclusionProof(Number(proofResponse.index), Number(proofResponse.size), leaf, path);
  return { ok: equal(root, fromBase64(expectedRootB64)), computed: root ? toBase64(root) : null };
}

/**
 * An entry's canonical bytes. The HTTP API sends them as the JSON text itself
 * (UTF-8 re-encodes it byte for byte); `pairaid log entries` prints base64.
 */
export function entryBytes(entry) {
  if (/^\s*\{/.test(entry)) return new TextEncoder().encode(entry);
  return fromBase64(entry);
}

/** Whether an entry (JSON text or base64) hashes to the given leaf hash (base64). */
export async function entryMatchesLeaf(entry, leafB64) {
  return equal(await leafHash(entryBytes(entry)), fromBase64(leafB64));
}

/** Reads a signed note's checkpoint body: origin, size, root (base64). */
export function parseCheckpoint(note) {
  if (typeof note !== 'string') return null;
  const lines = note.split('\n');
  if (lines.length < 3 || !/^\d+$/.test(lines[1])) return null;
  return { origin: lines[0], size: Number(lines[1]), root: lines[2] };
}

// --- signed notes (Go's sumdb note, C2SP signed-note) and Ed25519 -------------------
//
// A checkpoint is only worth more than the server's word when the signatures
// on it are checked with keys the reader holds. A verifier key is
// NAME+HASH+BASE64(0x01 ‖ Ed25519 public key); a signature line is
// "— NAME BASE64(key hash ‖ signature)"; the signature covers the note's text,
// final newline included. Web Crypto's Ed25519 does the verifying.

const ED25519 = 1; // the signature type byte of Ed25519 keys in the note format

/** The 4-byte key hash of a named Ed25519 key: SHA-256(NAME ‖ "\n" ‖ 0x01 ‖ key)[0:4], as 8 hex digits. */
export async function keyHash(name, publicKey) {
  const digest = await sha256(new TextEncoder().encode(name + '\n'), new Uint8Array([ED25519]), publicKey);
  return [...digest.slice(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Reads a verifier key; null when it is not one (wrong shape, type or hash). */
export async function parseVerifierKey(vkey) {
  const m = typeof vkey === 'string' ? /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(vkey.trim()) : null;
  if (!m) return null;
  let raw;
  try {
    raw = fromBase64(m[3]);
  } catch (e) {
    return null;
  }
  if (raw.length !== 33 || raw[0] !== ED25519) return null;
  const publicKey = raw.slice(1);
  if ((await keyHash(m[1], publicKey)) !== m[2]) return null;
  return { name: m[1], hash: m[2], publicKey, text: vkey.trim() };
}

/** Ed25519 over bytes with a raw 32-byte public key (Web Crypto; RFC 8032). */
export async function verifyEd25519(publicKey, signature, message) {
  const key = await subtle().importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
  return subtle().verify({ name: 'Ed25519' }, key, signature, message);
}

/** Splits a signed note into its text and signature lines; null when it is not one. */
export function splitNote(note) {
  if (typeof note !== 'string') return null;
  const at = note.lastIndexOf('\n\n');
  if (at < 0 || !note.endsWith('\n')) return null;
  const sigs = [];
  for (const line of note.slice(at + 2).split('\n').slice(0, -1)) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/]+=*)$/.exec(line);
    if (!m) return null;
    sigs.push({ name: m[1], b64: m[2] });
  }
  return { text: note.slice(0, at + 1), signatures: sigs };
}

async function checkSignature(sig, keys, text) {
  let raw;
  try {
    raw = fromBase64(sig.b64);
  } catch (e) {
    raw = new Uint8Array(0);
  }
  const hash = [...raw.slice(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const key = keys.find((k) => k.name === sig.name && k.hash === hash);
  if (raw.length !== 68) return { name: sig.name, hash, status: 'malformed' };
  if (!key) return { name: sig.name, hash, status: 'unknown_key' };
  const ok = await verifyEd25519(key.publicKey, raw.slice(4), new TextEncoder().encode(text));
  return { name: sig.name, hash, key: key.text, status: ok ? 'ok' : 'bad' };
}

/**
 * Checks every signature of a signed note against verifier keys (strings).
 * Resolves to {text, checkpoint, signatures: [{name, hash, key, status}]} where
 * status is ok, bad (does not verify), unknown_key or malformed; null when the
 * note itself cannot be read.
 */
export async function verifyNote(note, verifierKeys) {
  const parts = splitNote(note);
  if (!parts) return null;
  const keys = (await Promise.all((verifierKeys || []).map(parseVerifierKey))).filter(Boolean);
  const signatures = [];
  for (const sig of parts.signatures) signatures.push(await checkSignature(sig, keys, parts.text));
  return { text: parts.text, checkpoint: parseCheckpoint(parts.text), signatures };
}

// --- consistency proofs (RFC 9162 §2.1.4.2) -------------------------------------------

/**
 * Whether proof shows that the tree of size `first` with root firstRoot is a
 * prefix of the tree of size `second` with root secondRoot (all bytes).
 */
export async function checkConsistency(first, second, firstRoot, secondRoot, proof) {
  if (!(first >= 1 && first <= second)) return false;
  if (first === second) return proof.length === 0 && equal(firstRoot, secondRoot);
  const path = (first & (first - 1)) === 0 ? [firstRoot].concat(proof) : proof.slice();
  if (!path.length) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  const node = new Uint8Array([1]);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await sha256(node, c, fr);
      sr = await sha256(node, c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = await sha256(node, sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(fr, firstRoot) && equal(sr, secondRoot);
}

/** The same for a /api/v1/log/proof/consistency answer and the two roots (base64) the reader trusts. */
export async function verifyConsistency(res, firstRootB64, secondRootB64) {
  return checkConsistency(Number(res.from), Number(res.to), fromBase64(firstRootB64), fromBase64(secondRootB64), (res.proof || []).map(fromBase64));
}
