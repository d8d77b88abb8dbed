/*
 * media.c - photos of the key moments, kept in a folder beside the database
 * under their SHA-256, so the same picture is stored once and a record names its
 * content, not a path that can change.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pairaid/registry.h"

#define PHOTO_MAX_BYTES (20 * 1024 * 1024)

static const char *photo_extension(const char *path)
{
    static const char *const allowed[] = {"jpg", "jpeg", "png", "webp", "gif", NULL};
    const char *dot = strrchr(path, '.');
    if (dot == NULL || strchr(dot, '/'))
        return NULL;
    for (int i = 0; allowed[i]; i++)
        if (strcasecmp(dot + 1, allowed[i]) == 0)
            return allowed[i];
    return NULL;
}

static int read_photo(const char *path, unsigned char **data, size_t *len, struct pa_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return pa_error_set(err, PA_ENOTFOUND, "no photo file '%.200s'", path);
    if (st.st_size > PHOTO_MAX_BYTES)
        return pa_error_set(err, PA_EINVAL, "photo '%.200s' is larger than 20 MiB", path);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return pa_error_set(err, PA_EIO, "cannot read photo '%.200s': %s", path, strerror(errno));
    *len = (size_t)st.st_size;
    *data = malloc(*len ? *len : 1);
    bool ok = *data && fread(*data, 1, *len, f) == *len;
    fclose(f);
    if (!ok) {
        free(*data);
        return pa_error_set(err, PA_EIO, "cannot read photo '%.200s'", path);
    }
    return 0;
}

/* Writes to a temporary name and renames, so a half-written photo never appears.
 * The temporary name is unique to this write: the server may store the same
 * picture from two requests at once. */
static int write_media(const char *dir, const char *name, const unsigned char *data, size_t len,
                       struct pa_error *err)
{
    char path[4096], tmp[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (access(path, F_OK) == 0)
        return 0;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return pa_error_set(err, PA_EIO, "cannot create media folder '%s': %s", dir,
                            strerror(errno));
    snprintf(tmp, sizeof(tmp), "%s/.%s.%08x.tmp", dir, name, randombytes_random());
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(data, 1, len, f) == len;
    if (f)
        ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return pa_error_set(err, PA_EIO, "cannot write '%s'", path);
    }
    return 0;
}

/* The extension a picture's first bytes say it has, or NULL: the media folder is
 * served to browsers by extension, so what is stored as .png must be a PNG. */
static const char *sniff_image(const unsigned char *data, size_t len)
{
    if (len >= 8 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "png";
    if (len >= 3 && memcmp(data, "\xff\xd8\xff", 3) == 0)
        return "jpg";
    if (len >= 6 && (memcmp(data, "GIF87a", 6) == 0 || memcmp(data, "GIF89a", 6) == 0))
        return "gif";
    if (len >= 12 && memcmp(data, "RIFF", 4) == 0 && memcmp(data + 8, "WEBP", 4) == 0)
        return "webp";
    return NULL;
}

int pa_media_store_bytes(struct pa_db *db, const void *data, size_t len, char name[80],
                         struct pa_error *err)
{
    PA_ASSERT(db != NULL && name != NULL && (data != NULL || len == 0));
    if (len > PHOTO_MAX_BYTES)
        return pa_error_set(err, PA_ERANGE, "a picture is at most 20 MiB");
    const char *ext = sniff_image(data, len);
    if (ext == NULL)
        return pa_error_set(err, PA_EINVAL, "the file is not a JPEG, PNG, WebP or GIF picture");
    if (pa_db_media_dir(db)[0] == '\0')
        return pa_error_set(err, PA_EINVAL, "an in-memory database has no media folder");
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, data, len);
    char hex[2 * sizeof(hash) + 1];
    sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
    snprintf(name, 80, "%s.%s", hex, ext);
    int rc = write_media(pa_db_media_dir(db), name, data, len, err);
    return rc == 0 ? pa_db_media_written(db, name, err) : rc;
}

bool pa_media_exists(struct pa_db *db, const char *name)
{
    PA_ASSERT(db != NULL && name != NULL);
    size_t hex = strspn(name, "0123456789abcdef");
    if (hex != 64 || name[64] != '.' || strchr(name, '/') || photo_extension(name) == NULL ||
        pa_db_media_dir(db)[0] == '\0')
        return false;
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", pa_db_media_dir(db), name);
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int pa_media_store(struct pa_db *db, const char *path, char name[80], struct pa_error *err)
{
    PA_ASSERT(db != NULL && path != NULL && name != NULL);
    const char *ext = photo_extension(path);
    if (ext == NULL)
        return pa_error_set(err, PA_EINVAL,
                            "photo must be a .jpg, .jpeg, .png, .webp or .gif file");
    if (pa_db_media_dir(db)[0] == '\0')
        return pa_error_set(err, PA_EINVAL, "an in-memory database has no media folder");
    unsigned char *data = NULL, hash[crypto_hash_sha256_BYTES];
    size_t len = 0;
    int rc = read_photo(path, &data, &len, err);
    if (rc != 0)
        return rc;
    crypto_hash_sha256(hash, data, len);
    char hex[2 * sizeof(hash) + 1];
    sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
    snprintf(name, 80, "%s.%s", hex, ext);
    rc = write_media(pa_db_media_dir(db), name, data, len, err);
    free(data);
    return rc == 0 ? pa_db_media_written(db, name, err) : rc;
}
