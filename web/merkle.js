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
