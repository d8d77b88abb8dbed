"""rfc9162.py - the Merkle tree of RFC 9162 section 2.1, written apart from pairaid so that the
tests check its roots and proofs against an independent reading of the RFC: the tree hash
(2.1.1), and the verification of inclusion (2.1.3.2) and consistency (2.1.4.2) proofs.  Shared
by tests/http/test_api.py (which holds it to the Certificate Transparency test vectors),
tests/cli/pairing_logs_check.py and tests/http/test_pg_two_servers.py."""
import hashlib


def leaf_hash(entry):
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(leaves):
    """MTH(D[n]) over leaf hashes (RFC 9162 2.1.1)."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def verify_inclusion(index, size, leaf, proof, root):
    """RFC 9162 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, second, old_root, new_root, proof):
    """RFC 9162 2.1.4.2 (first == second: an empty proof and equal roots)."""
    if first == second:
        return not proof and old_root == new_root
    if first == 0 or first > second or not proof:
        return False
    if first & (first - 1) == 0:
        proof = [old_root] + list(proof)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
