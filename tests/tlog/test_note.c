/*
 * test_note.c - keys, signed notes and checkpoints against known answers: the
 * example key and note of Go's golang.org/x/mod/sumdb/note documentation, the
 * verifier-key example of the C2SP signed-note specification, and the Ed25519
 * test vectors of RFC 8032 section 7.1; then round trips and refusals.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "pairaid/note.h"

static const char go_skey[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char go_vkey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char go_text[] = "If you think cryptography is the answer to your problem,\n"
                              "then you don't know what your problem is.\n";
static const char go_sig[] =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

static void go_note_example(void **state)
{
    (void)state;
    struct pa_signer *signer;
    struct pa_error err;
    assert_int_equal(pa_signer_parse(go_skey, &signer, &err), 0);
    char vkey[256];
    pa_verifier_format(pa_signer_verifier(signer), vkey, sizeof(vkey));
    assert_string_equal(vkey, go_vkey);
    char *line = NULL;
    assert_int_equal(pa_note_sign(go_text, signer, &line, &err), 0);
    assert_string_equal(line, go_sig);
    free(line);
    pa_signer_free(signer);

    char note_text[512];
    snprintf(note_text, sizeof(note_text), "%s\n%s", go_text, go_sig);
    struct pa_note note;
    struct pa_verifier v;
    assert_int_equal(pa_verifier_parse(go_vkey, &v, &err), 0);
    assert_int_equal(pa_note_parse(note_text, &note, &err), 0);
    assert_string_equal(note.text, go_text);
    assert_int_equal(note.nsigs, 1);
    assert_int_equal(pa_note_verify_signature(&note, 0, &v, &err), 0);
    note.text[0] = 'i'; /* a changed text no longer verifies */
    assert_int_equal(pa_note_verify_signature(&note, 0, &v, &err), PA_ETAMPER);
    pa_note_release(&note);
}

/* A checkpoint of the eight CT test leaves signed with the Go example key: Ed25519
 * is deterministic, so docs/audit-log.md can print this for anyone to reproduce. */
static void checkpoint_vector(void **state)
{
    (void)state;
    struct pa_signer *signer;
    assert_int_equal(pa_signer_parse(go_skey, &signer, NULL), 0);
    struct pa_checkpoint c = {.size = 8};
    snprintf(c.origin, sizeof(c.origin), "pairaid/WX-LYG");
    assert_int_equal(pa_unbase64("XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=", 44, c.root, 32), 0);
    char *text, *line;
    assert_int_equal(pa_checkpoint_text(&c, &text, NULL), 0);
    assert_int_equal(pa_note_sign(text, signer, &line, NULL), 0);
    assert_string_equal(line, "\xE2\x80\x94 PeterNeumann x08go6GIZxQFjL5goNX2hgpZDGwgjcbHSxAWbMGHWFEK"
                              "l2tDrOb85JNnfcmZqI+URhSIjr1FuwN/fs6xsCe6sUSYbgA=\n");
    free(text);
    free(line);
    pa_signer_free(signer);
}

static void c2sp_example(void **state)
{
    (void)state;
    static const char vkey[] =
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
    static const char note_text[] = "This is an example message.\n\n"
                                    "\xE2\x80\x94 example.com/foo "
                                    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXs"
                                    "YjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
    struct pa_verifier v;
    struct pa_note note;
    assert_int_equal(pa_verifier_parse(vkey, &v, NULL), 0);
    assert_int_equal(v.hash, 0x530d903a);
    assert_int_equal(pa_note_parse(note_text, &note, NULL), 0);
    assert_int_equal(pa_note_verify_signature(&note, 0, &v, NULL), 0);
    pa_note_release(&note);
}

static void hex(const char *text, unsigned char *out, size_t size)
{
    size_t len = 0;
    assert_int_equal(sodium_hex2bin(out, size, text, strlen(text), NULL, &len, NULL), 0);
    assert_int_equal(len, size);
}

/* RFC 8032 section 7.1, TEST 1-3, through the private-key format pairaid reads. */
static void rfc8032_vectors(void **state)
{
    (void)state;
    static const struct {
        const char *seed, *public_key, *message, *signature;
    } vectors[] = {
        {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701"
         "cf9b46bd25bf5f0595bbe24655141438e7a100b"},
        {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d"
         "0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
        {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
         "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
         "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f7609"
         "84dc6594a7c15e9716ed28dc027beceea1ec40a"},
    };
    for (size_t i = 0; i < PA_ARRAY_LEN(vectors); i++) {
        unsigned char seed[33] = {0x01}, pk[32], sig[64], got[64], msg[2];
        hex(vectors[i].seed, seed + 1, 32);
        hex(vectors[i].public_key, pk, 32);
        hex(vectors[i].signature, sig, 64);
        size_t mlen = strlen(vectors[i].message) / 2;
        if (mlen)
            hex(vectors[i].message, msg, mlen);
        char b64[64], skey[256], name[16];
        pa_base64(seed, sizeof(seed), b64, sizeof(b64));
        snprintf(name, sizeof(name), "rfc8032-%zu", i + 1);
        snprintf(skey, sizeof(skey), "PRIVATE+KEY+%s+%08x+%s", name, pa_key_hash(name, pk), b64);
        struct pa_signer *signer;
        assert_int_equal(pa_signer_parse(skey, &signer, NULL), 0);
        assert_memory_equal(pa_signer_verifier(signer)->public_key, pk, 32);
        pa_signer_free(signer);
        /* the signature itself is libsodium's; pairaid checks it the same way */
        unsigned char sk[64];
        crypto_sign_seed_keypair(pk, sk, seed + 1);
        crypto_sign_detached(got, NULL, msg, mlen, sk);
        assert_memory_equal(got, sig, 64);
        assert_int_equal(crypto_sign_verify_detached(sig, msg, mlen, pk), 0);
    }
}

static void generated_keys_sign_and_verify(void **state)
{
    (void)state;
    char *skey, *vkey, *line;
    struct pa_signer *signer;
    struct pa_verifier v;
    assert_int_equal(pa_key_generate("wuxi.example/finance", &skey, &vkey, NULL), 0);
    assert_true(strncmp(skey, "PRIVATE+KEY+wuxi.example/finance+", 33) == 0);
    assert_int_equal(pa_signer_parse(skey, &signer, NULL), 0);
    assert_int_equal(pa_verifier_parse(vkey, &v, NULL), 0);
    assert_int_equal(pa_note_sign("pairaid/WX-LYG\n12\nAAAA\n", signer, &line, NULL), 0);
    char note_text[512];
    snprintf(note_text, sizeof(note_text), "pairaid/WX-LYG\n12\nAAAA\n\n%s", line);
    struct pa_note note;
    assert_int_equal(pa_note_parse(note_text, &note, NULL), 0);
    assert_int_equal(pa_note_verify_signature(&note, 0, &v, NULL), 0);
    pa_note_release(&note);
    /* refusals */
    assert_int_equal(pa_key_generate("has space", &skey, &vkey, NULL) != 0, 1);
    assert_int_equal(pa_key_generate("a+b", &skey, &vkey, NULL) != 0, 1);
    assert_int_not_equal(pa_note_sign("no newline", signer, &line, NULL), 0);
    struct pa_verifier bad;
    char tampered[256];
    pa_verifier_format(&v, tampered, sizeof(tampered));
    tampered[strlen(v.name) + 1] = tampered[strlen(v.name) + 1] == 'a' ? 'b' : 'a'; /* hash digit */
    assert_int_not_equal(pa_verifier_parse(tampered, &bad, NULL), 0);
    assert_int_not_equal(pa_verifier_parse("name+12345678", &bad, NULL), 0);
    /* found by fuzz/fuzz_log.c: a byte outside the base64 alphabet was accepted */
    assert_int_not_equal(pa_verifier_parse("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq\331"
                                           "LDE4izWy10TW", &bad, NULL), 0);
    assert_int_not_equal(pa_signer_parse(vkey, &signer, NULL) == 0, 1);
    pa_signer_free(signer);
    free(skey);
    free(vkey);
    free(line);
}

static void checkpoints(void **state)
{
    (void)state;
    struct pa_checkpoint c = {.size = 1234567}, back;
    snprintf(c.origin, sizeof(c.origin), "pairaid/WX-LYG");
    for (int i = 0; i < PA_HASH_LEN; i++)
        c.root[i] = (unsigned char)i;
    char *text;
    assert_int_equal(pa_checkpoint_text(&c, &text, NULL), 0);
    assert_string_equal(text,
                        "pairaid/WX-LYG\n1234567\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
    assert_int_equal(pa_checkpoint_parse(text, &back, NULL), 0);
    assert_string_equal(back.origin, c.origin);
    assert_int_equal(back.size, c.size);
    assert_memory_equal(back.root, c.root, PA_HASH_LEN);
    free(text);
    static const char *const bad[] = {
        "",
        "o\n",
        "o\n12\n",
        "\n12\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "o\n012\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "o\n-1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "o\n99999999999999999999999\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "o\n12\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\n",
        NULL};
    for (int i = 0; bad[i]; i++)
        if (pa_checkpoint_parse(bad[i], &back, NULL) == 0)
            fail_msg("accepted checkpoint %d", i);
    struct pa_note note;
    static const char *const bad_notes[] = {"text\n",
                                            "text\n\n",
                                            "text\n\nnot a signature\n",
                                            "text\n\n\xE2\x80\x94 name AAAA\n",
                                            "text\n\n\xE2\x80\x94 name\n",
                                            NULL};
    for (int i = 0; bad_notes[i]; i++)
        if (pa_note_parse(bad_notes[i], &note, NULL) == 0)
            fail_msg("accepted note %d", i);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(go_note_example), cmocka_unit_test(c2sp_example),
        cmocka_unit_test(checkpoint_vector),
        cmocka_unit_test(rfc8032_vectors), cmocka_unit_test(generated_keys_sign_and_verify),
        cmocka_unit_test(checkpoints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
