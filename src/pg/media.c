/*
 * media.c - photos and attachments on PostgreSQL: a file written to a
 * process's media folder goes to pairaid_media within the next commit, and
 * every process fetches, when it catches up, the files its folder lacks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "pg_int.h"

int pa_pg__media_written(struct pa_db *db, void *state, const char *name, struct pa_error *err)
{
    (void)db;
    struct upstream *u = state;
    if (u->nmedia_new == u->media_cap) {
        int cap = u->media_cap ? 2 * u->media_cap : 8;
        char **grown = realloc(u->media_new, (size_t)cap * sizeof(*grown));
        if (grown == NULL)
            return pa_error_set(err, PA_ENOMEM, "out of memory");
        u->media_new = grown;
        u->media_cap = cap;
    }
    if ((u->media_new[u->nmedia_new] = strdup(name)) == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    u->nmedia_new++;
    return 0;
}

static int read_file(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    long size = -1;
    if (f && fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    *data = size >= 0 ? malloc((size_t)size + 1) : NULL;
    bool ok = *data && fseek(f, 0, SEEK_SET) == 0 && fread(*data, 1, (size_t)size, f) == (size_t)size;
    if (f)
        fclose(f);
    *len = ok ? (size_t)size : 0;
    if (!ok) {
        free(*data);
        *data = NULL;
    }
    return ok ? 0 : -1;
}

/* The files written by this process go to PostgreSQL, within the transaction
 * whose events name them (or a later one). */
int pa_pg__push_media(struct pa_db *db, struct upstream *u, struct pa_error *err)
{
    int rc = 0;
    while (rc == 0 && u->nmedia_new > 0) {
        const char *name = u->media_new[u->nmedia_new - 1];
        char path[4200], *data;
        size_t len;
        snprintf(path, sizeof(path), "%s/%s", pa_db_media_dir(db), name);
        if (read_file(path, &data, &len) != 0)
            return pa_error_set(err, PA_EIO, "cannot read '%s'", path);
        const char *values[2] = {name, data};
        int lengths[2] = {0, (int)len}, formats[2] = {0, 1};
        PGresult *res = PQexecParams(u->conn,
                                     "INSERT INTO pairaid_media(name, bytes) VALUES ($1, $2) "
                                     "ON CONFLICT (name) DO NOTHING",
                                     2, NULL, values, lengths, formats, 0);
        rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : pa_pg__fail(u->conn, err, "writing a photo");
        PQclear(res);
        free(data);
        if (rc == 0)
            free(u->media_new[--u->nmedia_new]);
    }
    return rc;
}

static int write_file(const char *dir, const char *name, const char *data, size_t len)
{
    char path[4200], tmp[4300];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    snprintf(tmp, sizeof(tmp), "%s/.%s.%08x.tmp", dir, name, randombytes_random());
    mkdir(dir, 0755);
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(data, 1, len, f) == len;
    if (f)
        ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Other processes' new files, fetched only when this media folder lacks them. */
int pa_pg__pull_media(struct pa_db *db, struct upstream *u, struct pa_error *err)
{
    char from[24];
    snprintf(from, sizeof(from), "%lld", (long long)u->media_seen);
    const char *values[1] = {from};
    PGresult *res = PQexecParams(u->conn,
                                 "SELECT id, name FROM pairaid_media WHERE id > $1::bigint ORDER BY id",
                                 1, NULL, values, NULL, NULL, 0);
    int rc = PQresultStatus(res) == PGRES_TUPLES_OK ? 0 : pa_pg__fail(u->conn, err, "reading a photo");
    const char *dir = pa_db_media_dir(db);
    for (int row = 0; rc == 0 && row < PQntuples(res); row++) {
        const char *name = PQgetvalue(res, row, 1);
        char path[4200];
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        if (dir[0] != '\0' && access(path, F_OK) != 0) {
            const char *id[1] = {PQgetvalue(res, row, 0)};
            PGresult *one = PQexecParams(u->conn,
                                         "SELECT bytes FROM pairaid_media WHERE id = $1::bigint", 1,
                                         NULL, id, NULL, NULL, 1);
            if (PQresultStatus(one) != PGRES_TUPLES_OK || PQntuples(one) != 1)
                rc = pa_pg__fail(u->conn, err, "reading a photo");
            else if (write_file(dir, name, PQgetvalue(one, 0, 0), (size_t)PQgetlength(one, 0, 0)) != 0)
                rc = pa_error_set(err, PA_EIO, "cannot write '%s'", path);
            PQclear(one);
        }
        if (rc == 0)
            u->media_seen = strtoll(PQgetvalue(res, row, 0), NULL, 10);
    }
    PQclear(res);
    return rc;
}
