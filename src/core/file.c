/*
 * file.c - files written whole or not at all: beside their final name, then
 * renamed, which POSIX makes atomic within a directory.
 */
#include <stdio.h>
#include <unistd.h>

#include "pairaid/core.h"

int pa_file_tmp_path(const char *path, char *buf, size_t size, struct pa_error *err)
{
    if (snprintf(buf, size, "%s.tmp", path) >= (int)size)
        return pa_error_set(err, PA_EINVAL, "output path is too long");
    return 0;
}

int pa_file_write_atomic(const char *path, pa_file_writer write, void *ctx, struct pa_error *err)
{
    char tmp[4096];
    int rc = pa_file_tmp_path(path, tmp, sizeof(tmp), err);
    if (rc != 0)
        return rc;
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return pa_error_set(err, PA_EIO, "cannot write '%s'", path);
    rc = write(f, ctx, err);
    if (fclose(f) != 0 && rc == 0)
        rc = pa_error_set(err, PA_EIO, "cannot write '%s'", path);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = pa_error_set(err, PA_EIO, "cannot write '%s'", path);
    if (rc != 0)
        unlink(tmp);
    return rc;
}
