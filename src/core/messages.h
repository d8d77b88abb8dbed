/*
 * messages.h - the catalogue's tables (messages.c), read by i18n.c only.
 * Each table is sorted by its key in byte order (strcmp), for bsearch; the
 * test tests/core/messages.py checks the order and that every message in
 * src/ has its twin.
 */
#ifndef PAIRAID_CORE_MESSAGES_H
#define PAIRAID_CORE_MESSAGES_H

#include <stddef.h>

struct pa_msg_entry {
    const char *en; /* the English format, phrase or field name: the key */
    const char *zh;
};

struct pa_msg_code {
    const char *code; /* an HTTP error code of docs/api.md: the key */
    const char *en, *zh;
};

extern const struct pa_msg_entry pa_msg_catalogue[];
extern const size_t pa_msg_catalogue_len;
extern const struct pa_msg_entry pa_msg_fields[];
extern const size_t pa_msg_fields_len;
extern const struct pa_msg_code pa_msg_codes[];
extern const size_t pa_msg_codes_len;

#endif
