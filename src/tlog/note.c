/*
 * note.c - Ed25519 keys, signed notes and tlog checkpoints as golang.org/x/mod/
 * sumdb/note and C2SP define them (see note.h for the formats).  Parsing is
 * strict: anything that does not have exactly the documented shape is refused,
 * because a lenient parser is where a forged checkpoint would hide.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairaid/note.h"

#define ALG_ED25519 0x01
#define EM_DASH     "\xE2\x80\x94"

struct pa_signer {
    struct pa_verifier verifier;
    unsigned char secret_key[crypto_sign_SECRETKEYBYTES];
};

void pa_base64(const unsigned char *bin, size_t n, char *out, size_t out_size)
{
    sodium_bin2base64(out, out_size, bin, n, sodium_base64_VARIANT_ORIGINAL);
}

int pa_unbase64(const char *text, size_t len, unsigned char *out, size_t size)
{
    /* libsodium's decoder was found (by fuzz/fuzz_log.c) to accept some bytes
     * outside the alphabet; a key or signature must have one spelling only. */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
        if (!alphabet)
            return PA_EINVAL;
    }
    size_t got = 0;
    const char *end = NULL;
    if (sodium_base642bin(out, size, text, len, NULL, &got, &end, sodium_base64_VARIANT_ORIGINAL) !=
            0 ||
        got != size || end != text + len)
        return PA_EINVAL;
    return 0;
}

/* A key name: non-empty, printable, no spaces and no '+' (the separator). */
static int check_name(const char *name, size_t len, struct pa_error *err)
{
    if (len == 0 || len > PA_KEY_NAME_MAX)
        return pa_error_set(err, PA_EINVAL, "a key name has 1 to %d characters", PA_KEY_NAME_MAX);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)name[i] <= 0x20 || name[i] == '+' || name[i] == 0x7F)
            return pa_error_set(err, PA_EINVAL,
                                "a key name has no spaces, '+' or control characters");
    return pa_text_check(name, len, PA_KEY_NAME_MAX, 0, err);
}

uint32_t pa_key_hash(const char *name, const unsigned char public_key[32])
{
    crypto_hash_sha256_state st;
    unsigned char alg = ALG_ED25519, sum[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)name, strlen(name));
    crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
    crypto_hash_sha256_update(&st, &alg, 1);
    crypto_hash_sha256_update(&st, public_key, 32);
    crypto_hash_sha256_final(&st, sum);
    return (uint32_t)sum[0] << 24 | (uint32_t)sum[1] << 16 | (uint32_t)sum[2] << 8 | sum[3];
}

void pa_verifier_format(const struct pa_verifier *v, char *buf, size_t size)
{
    unsigned char key[33] = {ALG_ED25519};
    char b64[64];
    memcpy(key + 1, v->public_key, 32);
    pa_base64(key, sizeof(key), b64, sizeof(b64));
    snprintf(buf, size, "%s+%08x+%s", v->name, v->hash, b64);
}

/* Splits NAME+HASH8+BASE64 (after an optional prefix already skipped). */
static int parse_key(const char *text, char *name, uint32_t *hash, unsigned char key[32],
                     const char *what, struct pa_error *err)
{
    const char *plus1 = strchr(text, '+');
    const char *plus2 = plus1 ? strchr(plus1 + 1, '+') : NULL;
    if (plus1 == NULL || plus2 == NULL || plus2 - plus1 != 9)
        return pa_error_set(err, PA_EINVAL, "a %s is NAME+HASH+KEY", what);
    int rc = check_name(text, (size_t)(plus1 - text), err);
    if (rc != 0)
        return rc;
    memcpy(name, text, (size_t)(plus1 - text));
    name[plus1 - text] = '\0';
    char hex[9];
    memcpy(hex, plus1 + 1, 8);
    hex[8] = '\0';
    char *end;
    *hash = (uint32_t)strtoul(hex, &end, 16);
    for (int i = 0; i < 8; i++)
        if (!strchr("0123456789abcdef", hex[i]))
            return pa_error_set(err, PA_EINVAL, "the key hash of a %s is 8 lower-case hex digits",
                                what);
    unsigned char raw[33];
    const char *b64 = plus2 + 1;
    size_t len = strcspn(b64, "\r\n");
    if (pa_unbase64(b64, len, raw, sizeof(raw)) != 0 || raw[0] != ALG_ED25519)
        return pa_error_set(err, PA_EINVAL, "the key data of a %s is base64 of 0x01 and 32 bytes",
                            what);
    memcpy(key, raw + 1, 32);
    sodium_memzero(raw, sizeof(raw));
    return 0;
}

int pa_verifier_parse(const char *verifier_key, struct pa_verifier *out, struct pa_error *err)
{
    memset(out, 0, sizeof(*out));
    int rc = parse_key(verifier_key, out->name, &out->hash, out->public_key, "verifier key", err);
    if (rc == 0 && pa_key_hash(out->name, out->public_key) != out->hash)
        rc = pa_error_set(err, PA_EINVAL, "verifier key '%s': the hash does not match the key",
                          out->name);
    return rc;
}

int pa_signer_parse(const char *private_key, struct pa_signer **out, struct pa_error *err)
{
    static const char prefix[] = "PRIVATE+KEY+";
    *out = NULL;
    if (sodium_init() < 0)
        return pa_error_set(err, PA_EINTERNAL, "libsodium cannot start");
    if (strncmp(private_key, prefix, sizeof(prefix) - 1) != 0)
        return pa_error_set(err, PA_EINVAL, "a private key starts with PRIVATE+KEY+");
    struct pa_signer *s = sodium_malloc(sizeof(*s));
    if (s == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    unsigned char seed[32];
    int rc = parse_key(private_key + sizeof(prefix) - 1, s->verifier.name, &s->verifier.hash, seed,
                       "private key", err);
    if (rc == 0) {
        crypto_sign_seed_keypair(s->verifier.public_key, s->secret_key, seed);
        if (pa_key_hash(s->verifier.name, s->verifier.public_key) != s->verifier.hash)
            rc = pa_error_set(err, PA_EINVAL, "private key: the hash does not match the key");
    }
    sodium_memzero(seed, sizeof(seed));
    if (rc != 0) {
        pa_signer_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void pa_signer_free(struct pa_signer *signer)
{
    if (signer)
        sodium_free(signer); /* wipes the memory */
}

const struct pa_verifier *pa_signer_verifier(const struct pa_signer *signer)
{
    return &signer->verifier;
}

int pa_key_generate(const char *name, char **private_key, char **verifier_key, struct pa_error *err)
{
    int rc = check_name(name, strlen(name), err);
    if (rc != 0)
        return rc;
    if (sodium_init() < 0)
        return pa_error_set(err, PA_EINTERNAL, "libsodium cannot start");
    unsigned char pk[32], sk[64], seed[33] = {ALG_ED25519};
    crypto_sign_keypair(pk, sk);
    memcpy(seed + 1, sk, 32); /* libsodium's secret key starts with the seed */
    uint32_t hash = pa_key_hash(name, pk);
    char b64[64];
    pa_base64(seed, sizeof(seed), b64, sizeof(b64));
    size_t n = strlen(name) + 128;
    *private_key = malloc(n);
    *verifier_key = malloc(n);
    if (*private_key && *verifier_key) {
        snprintf(*private_key, n, "PRIVATE+KEY+%s+%08x+%s", name, hash, b64);
        struct pa_verifier v = {.hash = hash};
        snprintf(v.name, sizeof(v.name), "%s", name);
        memcpy(v.public_key, pk, 32);
        pa_verifier_format(&v, *verifier_key, n);
    } else {
        rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    sodium_memzero(sk, sizeof(sk));
    sodium_memzero(seed, sizeof(seed));
    sodium_memzero(b64, sizeof(b64));
    return rc;
}

int pa_note_sign(const char *text, const struct pa_signer *signer, char **line,
                 struct pa_error *err)
{
    size_t len = strlen(text);
    if (len == 0 || text[len - 1] != '\n')
        return pa_error_set(err, PA_EINVAL, "a note's text ends with a newline");
    unsigned char blob[4 + crypto_sign_BYTES];
    uint32_t h = signer->verifier.hash;
    blob[0] = (unsigned char)(h >> 24);
    blob[1] = (unsigned char)(h >> 16);
    blob[2] = (unsigned char)(h >> 8);
    blob[3] = (unsigned char)h;
    crypto_sign_detached(blob + 4, NULL, (const unsigned char *)text, len, signer->secret_key);
    char b64[128];
    pa_base64(blob, sizeof(blob), b64, sizeof(b64));
    size_t n = strlen(signer->verifier.name) + strlen(b64) + 16;
    *line = malloc(n);
    if (*line == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    snprintf(*line, n, EM_DASH " %s %s\n", signer->verifier.name, b64);
    return 0;
}

void pa_note_release(struct pa_note *note)
{
    free(note->text);
    memset(note, 0, sizeof(*note));
}

static int parse_signature(const char *line, size_t len, struct pa_note_signature *sig,
                           struct pa_error *err)
{
    size_t dash = sizeof(EM_DASH " ") - 1;
    if (len <= dash || memcmp(line, EM_DASH " ", dash) != 0)
        return pa_error_set(err, PA_ETAMPER, "a signature line starts with '— '");
    const char *name = line + dash, *space = memchr(name, ' ', len - dash);
    if (space == NULL || check_name(name, (size_t)(space - name), NULL) != 0)
        return pa_error_set(err, PA_ETAMPER, "a signature line names a key");
    memcpy(sig->name, name, (size_t)(space - name));
    sig->name[space - name] = '\0';
    unsigned char blob[4 + 64];
    const char *b64 = space + 1;
    if (pa_unbase64(b64, (size_t)(line + len - b64), blob, sizeof(blob)) != 0)
        return pa_error_set(err, PA_ETAMPER, "signature of '%s' is not base64 of 68 bytes",
                            sig->name);
    sig->hash =
        (uint32_t)blob[0] << 24 | (uint32_t)blob[1] << 16 | (uint32_t)blob[2] << 8 | blob[3];
    memcpy(sig->signature, blob + 4, 64);
    return 0;
}

int pa_note_parse(const char *note, struct pa_note *out, struct pa_error *err)
{
    memset(out, 0, sizeof(*out));
    const char *split = NULL;
    for (const char *p = strstr(note, "\n\n"); p; p = strstr(p + 1, "\n\n"))
        split = p; /* the last blank line: the text may hold none, signatures never do */
    if (split == NULL || pa_text_check(note, strlen(note), SIZE_MAX, PA_TEXT_MULTILINE, NULL) != 0)
        return pa_error_set(err, PA_ETAMPER, "a signed note is text, a blank line and signatures");
    size_t text_len = (size_t)(split - note) + 1;
    out->text = malloc(text_len + 1);
    if (out->text == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    memcpy(out->text, note, text_len);
    out->text[text_len] = '\0';
    for (const char *line = split + 2; *line;) {
        const char *nl = strchr(line, '\n');
        if (nl == NULL)
            return pa_note_release(out),
                   pa_error_set(err, PA_ETAMPER, "a signature line ends with a newline");
        if (out->nsigs == PA_NOTE_MAX_SIGNATURES)
            return pa_note_release(out), pa_error_set(err, PA_ETAMPER, "too many signatures");
        int rc = parse_signature(line, (size_t)(nl - line), &out->sigs[out->nsigs++], err);
        if (rc != 0) {
            pa_note_release(out);
            return rc;
        }
        line = nl + 1;
    }
    if (out->nsigs == 0) {
        pa_note_release(out);
        return pa_error_set(err, PA_ETAMPER, "the note has no signature");
    }
    return 0;
}

int pa_note_verify_signature(const struct pa_note *note, int i, const struct pa_verifier *v,
                             struct pa_error *err)
{
    PA_ASSERT(i >= 0 && i < note->nsigs);
    const struct pa_note_signature *s = &note->sigs[i];
    if (strcmp(s->name, v->name) != 0 || s->hash != v->hash)
        return pa_error_set(err, PA_ETAMPER, "signature %d is by '%s', not by that key", i + 1,
                            s->name);
    if (crypto_sign_verify_detached(s->signature, (const unsigned char *)note->text,
                                    strlen(note->text), v->public_key) != 0)
        return pa_error_set(err, PA_ETAMPER, "the signature of '%s' does not verify", s->name);
    return 0;
}

int pa_checkpoint_text(const struct pa_checkpoint *c, char **text, struct pa_error *err)
{
    char root[64];
    pa_base64(c->root, PA_HASH_LEN, root, sizeof(root));
    size_t n = strlen(c->origin) + 96;
    *text = malloc(n);
    if (*text == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    snprintf(*text, n, "%s\n%llu\n%s\n", c->origin, (unsigned long long)c->size, root);
    return 0;
}

int pa_checkpoint_parse(const char *text, struct pa_checkpoint *out, struct pa_error *err)
{
    memset(out, 0, sizeof(*out));
    const char *l1 = strchr(text, '\n');
    const char *l2 = l1 ? strchr(l1 + 1, '\n') : NULL;
    const char *l3 = l2 ? strchr(l2 + 1, '\n') : NULL;
    if (l3 == NULL || l1 == text || (size_t)(l1 - text) >= sizeof(out->origin))
        return pa_error_set(err, PA_ETAMPER, "a checkpoint has an origin, a size and a root line");
    memcpy(out->origin, text, (size_t)(l1 - text));
    const char *size = l1 + 1;
    if (l2 == size || (size[0] == '0' && l2 - size > 1) || l2 - size > 20)
        return pa_error_set(err, PA_ETAMPER, "the checkpoint's size is not a decimal number");
    for (const char *p = size; p < l2; p++) {
        if (*p < '0' || *p > '9' || __builtin_mul_overflow(out->size, 10, &out->size) ||
            __builtin_add_overflow(out->size, (uint64_t)(*p - '0'), &out->size))
            return pa_error_set(err, PA_ETAMPER, "the checkpoint's size is not a decimal number");
    }
    if (pa_unbase64(l2 + 1, (size_t)(l3 - l2 - 1), out->root, PA_HASH_LEN) != 0)
        return pa_error_set(err, PA_ETAMPER, "the checkpoint's root is not base64 of 32 bytes");
    return 0;
}
