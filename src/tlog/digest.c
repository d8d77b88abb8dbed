/*
 * digest.c - one SHA-256 over the projection tables, so that two parties who
 * hold the same log can check, without sending the rows, that their tables
 * are the same: the server answers it (GET /api/v1/log/digest, `log export`'s
 * `digest` file), a replica computes it over its own tables after a pull
 * (src/replica/), and both run this one function.
 *
 * Each table is read in primary-key order and every value is written with its
 * type and length (an integer as 8 bytes big-endian, text and blobs with a
 * 4-byte length), so that no two different tables hash the same bytes.  The
 * column names are hashed first: a table of another shape never matches.  The
 * whole digest hashes the log's size and each table's name, row count and hash.
 *
 * The tables are the ones `log verify` compares (the built-in regions, then
 * every registered module's), read in one snapshot with the log's size.
 */
#include <assert.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "pairaid/tlog.h"

static void put_u64(EVP_MD_CTX *h, uint64_t v)
{
    unsigned char b[8];
    for (int i = 7; i >= 0; i--, v >>= 8)
        b[i] = (unsigned char)(v & 0xff);
    EVP_DigestUpdate(h, b, sizeof(b));
}

static void put_bytes(EVP_MD_CTX *h, char tag, const void *p, size_t n)
{
    unsigned char head[5] = {(unsigned char)tag, (unsigned char)(n >> 24), (unsigned char)(n >> 16),
                             (unsigned char)(n >> 8), (unsigned char)n};
    EVP_DigestUpdate(h, head, sizeof(head));
    if (n > 0)
        EVP_DigestUpdate(h, p, n);
}

static void put_value(EVP_MD_CTX *h, sqlite3_stmt *stmt, int col)
{
    switch (sqlite3_column_type(stmt, col)) {
    case SQLITE_INTEGER:
        EVP_DigestUpdate(h, "i", 1);
        put_u64(h, (uint64_t)sqlite3_column_int64(stmt, col));
        break;
    case SQLITE_FLOAT: {
        double d = sqlite3_column_double(stmt, col);
        uint64_t bits;
        static_assert(sizeof(bits) == sizeof(d), "a double is 8 bytes");
        memcpy(&bits, &d, sizeof(bits));
        EVP_DigestUpdate(h, "r", 1);
        put_u64(h, bits);
        break;
    }
    case SQLITE_TEXT:
        put_bytes(h, 't', sqlite3_column_text(stmt, col), (size_t)sqlite3_column_bytes(stmt, col));
        break;
    case SQLITE_BLOB:
        put_bytes(h, 'b', sqlite3_column_blob(stmt, col), (size_t)sqlite3_column_bytes(stmt, col));
        break;
    default:
        EVP_DigestUpdate(h, "n", 1);
    }
}

/* "ORDER BY" over the table's primary key (PRAGMA table_info); the names come
 * from the schema, never from input. */
static int key_order(struct pa_db *db, const char *table, char *order, size_t size,
                     struct pa_error *err)
{
    char sql[128], names[16][64];
    snprintf(sql, sizeof(sql), "PRAGMA table_info(\"%s\")", table);
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(pa_db_sqlite(db), sql, -1, &stmt, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "reading the schema");
    int nkey = 0, step;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        int pk = sqlite3_column_int(stmt, 5);
        if (pk > 0 && pk <= 16) {
            snprintf(names[pk - 1], sizeof(names[0]), "%s", sqlite3_column_text(stmt, 1));
            nkey = pk > nkey ? pk : nkey;
        }
    }
    sqlite3_finalize(stmt);
    if (step != SQLITE_DONE)
        return pa_db_fail(db, err, "reading the schema");
    order[0] = '\0';
    for (int i = 0; i < nkey; i++)
        snprintf(order + strlen(order), size - strlen(order), "%s\"%s\"", i ? ", " : "", names[i]);
    return nkey > 0 ? 0 : pa_error_set(err, PA_EINTERNAL, "table %s has no primary key", table);
}

static int digest_table(struct pa_db *db, const char *table, struct pa_digest_table *out,
                        struct pa_error *err)
{
    char order[512], sql[1024];
    int rc = key_order(db, table, order, sizeof(order), err);
    if (rc != 0)
        return rc;
    snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\" ORDER BY %s", table, order);
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(pa_db_sqlite(db), sql, -1, &stmt, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "reading the tables");
    EVP_MD_CTX *h = EVP_MD_CTX_new();
    if (h == NULL || EVP_DigestInit_ex(h, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(h);
        sqlite3_finalize(stmt);
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    int ncol = sqlite3_column_count(stmt);
    for (int c = 0; c < ncol; c++) {
        const char *name = sqlite3_column_name(stmt, c);
        put_bytes(h, 'c', name, strlen(name));
    }
    snprintf(out->name, sizeof(out->name), "%s", table);
    out->rows = 0;
    int step;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        for (int c = 0; c < ncol; c++)
            put_value(h, stmt, c);
        out->rows++;
    }
    if (step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading the tables");
    sqlite3_finalize(stmt);
    EVP_DigestFinal_ex(h, out->hash, NULL);
    EVP_MD_CTX_free(h);
    return rc;
}

static int digest_all(struct pa_db *db, struct pa_digest *out, struct pa_error *err)
{
    int64_t size = 0;
    int rc = pa_tlog_size(db, &size, err);
    out->size = size;
    out->ntables = 0;
    for (int i = -1; rc == 0 && (i < 0 || pa_tlog__table(i)); i++) {
        if (out->ntables == PA_DIGEST_TABLES_MAX)
            return pa_error_set(err, PA_EINTERNAL, "more than %d projection tables",
                                PA_DIGEST_TABLES_MAX);
        const char *table = i < 0 ? "regions" : pa_tlog__table(i);
        rc = digest_table(db, table, &out->tables[out->ntables++], err);
    }
    if (rc != 0)
        return rc;
    EVP_MD_CTX *h = EVP_MD_CTX_new();
    if (h == NULL || EVP_DigestInit_ex(h, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(h);
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    put_u64(h, (uint64_t)out->size);
    for (int t = 0; t < out->ntables; t++) {
        put_bytes(h, 'T', out->tables[t].name, strlen(out->tables[t].name));
        put_u64(h, (uint64_t)out->tables[t].rows);
        EVP_DigestUpdate(h, out->tables[t].hash, PA_HASH_LEN);
    }
    EVP_DigestFinal_ex(h, out->digest, NULL);
    EVP_MD_CTX_free(h);
    return 0;
}

int pa_tlog_digest(struct pa_db *db, struct pa_digest *out, struct pa_error *err)
{
    PA_ASSERT(db != NULL && out != NULL);
    memset(out, 0, sizeof(*out));
    /* a reader outside a transaction gets one snapshot for the size and every
     * table, so that a concurrent write cannot put them out of step */
    bool own = !pa_db_in_transaction(db);
    int rc = own ? pa_db_exec(db, "BEGIN", err) : 0;
    if (rc == 0)
        rc = digest_all(db, out, err);
    if (own && rc == 0)
        rc = pa_db_exec(db, "COMMIT", err);
    if (own && rc != 0 && pa_db_in_transaction(db))
        sqlite3_exec(pa_db_sqlite(db), "ROLLBACK", NULL, NULL, NULL);
    PA_ASSERT(rc != 0 || out->ntables > 0);
    return rc;
}

static json_t *b64(const pa_hash h)
{
    char text[64];
    pa_base64(h, PA_HASH_LEN, text, sizeof(text));
    return json_string(text);
}

json_t *pa_digest_json(const struct pa_digest *d)
{
    json_t *tables = json_array();
    for (int t = 0; tables && t < d->ntables; t++) {
        json_t *row = json_pack("{s:s, s:I, s:o}", "name", d->tables[t].name, "rows",
                                (json_int_t)d->tables[t].rows, "digest", b64(d->tables[t].hash));
        if (row == NULL || json_array_append_new(tables, row) != 0) {
            json_decref(tables);
            return NULL;
        }
    }
    if (tables == NULL)
        return NULL;
    return json_pack("{s:I, s:o, s:o}", "size", (json_int_t)d->size, "digest", b64(d->digest),
                     "tables", tables);
}

static int parse_hash(const json_t *j, pa_hash out)
{
    const char *text = json_string_value(j);
    return text && pa_unbase64(text, strlen(text), out, PA_HASH_LEN) == 0 ? 0 : -1;
}

int pa_digest_parse(const json_t *j, struct pa_digest *out, struct pa_error *err)
{
    memset(out, 0, sizeof(*out));
    json_int_t size = -1;
    json_t *digest = NULL, *tables = NULL;
    if (json_unpack((json_t *)j, "{s:I, s:o, s:o}", "size", &size, "digest", &digest, "tables",
                    &tables) != 0 ||
        size < 0 || parse_hash(digest, out->digest) != 0 || !json_is_array(tables) ||
        json_array_size(tables) > PA_DIGEST_TABLES_MAX)
        return pa_error_set(err, PA_EIO, "the digest answer is not {size, digest, tables}");
    out->size = size;
    size_t i;
    json_t *row;
    json_array_foreach(tables, i, row)
    {
        struct pa_digest_table *t = &out->tables[out->ntables++];
        const char *name = NULL;
        json_int_t rows = -1;
        json_t *hash = NULL;
        if (json_unpack(row, "{s:s, s:I, s:o}", "name", &name, "rows", &rows, "digest", &hash) !=
                0 ||
            strlen(name) >= sizeof(t->name) || rows < 0 || parse_hash(hash, t->hash) != 0)
            return pa_error_set(err, PA_EIO, "the digest answer is not {size, digest, tables}");
        snprintf(t->name, sizeof(t->name), "%s", name);
        t->rows = rows;
    }
    return 0;
}
