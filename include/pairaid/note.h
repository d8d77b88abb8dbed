/*
 * note.h - keys, signed notes and checkpoints in the formats of Go's
 * golang.org/x/mod/sumdb/note and C2SP (signed-note, tlog-checkpoint), so that a
 * counterparty can check pairaid's checkpoints with tools pairaid's authors did
 * not write.  Ed25519 through libsodium.
 *
 *   verifier key   NAME+HASH8+BASE64(0x01 || public key)
 *   private key    PRIVATE+KEY+NAME+HASH8+BASE64(0x01 || seed)
 *   signature line "— NAME BASE64(key hash (4 bytes) || signature (64 bytes))\n"
 *   key hash       first 4 bytes of SHA-256(NAME || "\n" || 0x01 || public key)
 *   checkpoint     ORIGIN\nSIZE\nBASE64(ROOT)\n, then a blank line and signatures
 */
#ifndef PAIRAID_NOTE_H
#define PAIRAID_NOTE_H

#include "pairaid/merkle.h"

#define PA_KEY_NAME_MAX 128

struct pa_verifier {
    char name[PA_KEY_NAME_MAX + 1];
    uint32_t hash;
    unsigned char public_key[32];
};

/* A signing key; kept in sodium_malloc memory and wiped when freed. */
struct pa_signer;

/* A new key pair: *private_key and *verifier_key are malloc'd strings. */
int pa_key_generate(const char *name, char **private_key, char **verifier_key,
                    struct pa_error *err);
int pa_signer_parse(const char *private_key, struct pa_signer **out, struct pa_error *err);
void pa_signer_free(struct pa_signer *signer);
const struct pa_verifier *pa_signer_verifier(const struct pa_signer *signer);
/* The key hash: first 4 bytes of SHA-256(name || "\n" || 0x01 || public key). */
uint32_t pa_key_hash(const char *name, const unsigned char public_key[32]);
/* Writes the verifier key string of v into buf (256 bytes suffice). */
void pa_verifier_format(const struct pa_verifier *v, char *buf, size_t size);
int pa_verifier_parse(const char *verifier_key, struct pa_verifier *out, struct pa_error *err);

/* Appends the signature line of `text` (which must end in a newline) to *line,
 * a malloc'd string. */
int pa_note_sign(const char *text, const struct pa_signer *signer, char **line,
                 struct pa_error *err);

/* A note split into its text and signature lines. */
struct pa_note_signature {
    char name[PA_KEY_NAME_MAX + 1];
    uint32_t hash;
    unsigned char signature[64];
};

#define PA_NOTE_MAX_SIGNATURES 16

struct pa_note {
    char *text; /* malloc'd, ends in a newline */
    struct pa_note_signature sigs[PA_NOTE_MAX_SIGNATURES];
    int nsigs;
};

int pa_note_parse(const char *note, struct pa_note *out, struct pa_error *err);
void pa_note_release(struct pa_note *note);
/* Checks signature i against v (which must have the same name and hash). */
int pa_note_verify_signature(const struct pa_note *note, int i, const struct pa_verifier *v,
                             struct pa_error *err);

struct pa_checkpoint {
    char origin[256];
    uint64_t size;
    pa_hash root;
};

/* ORIGIN\nSIZE\nBASE64(ROOT)\n into a malloc'd string. */
int pa_checkpoint_text(const struct pa_checkpoint *c, char **text, struct pa_error *err);
/* Parses a checkpoint's text (extension lines after the root are allowed). */
int pa_checkpoint_parse(const char *text, struct pa_checkpoint *out, struct pa_error *err);

/* Standard base64 of n bytes into out (4 * ((n + 2) / 3) + 1 bytes), and back:
 * exactly `size` bytes or an error. */
void pa_base64(const unsigned char *bin, size_t n, char *out, size_t out_size);
int pa_unbase64(const char *text, size_t len, unsigned char *out, size_t size);

#endif
