/*
 * support.h - helpers shared by the unit tests: a fresh in-memory database with
 * the modules registered, CSV import from a string, and a canonical dump of every
 * projection table (to compare a live database with its replay).
 */
#ifndef PA_TEST_SUPPORT_H
#define PA_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pairaid/pairaid.h"

struct pa_db *test_db(void);
/* Imports csv as kind; returns the library code and keeps the report. */
int test_import(struct pa_db *db, const char *kind, const char *csv,
                struct pa_import_report *report);
/* Every row of every table but events, in key order, as one malloc'd string. */
char *test_dump(struct pa_db *db);
/* Loads the built-in demo; fails the test if it does not load. */
void test_load_demo(struct pa_db *db);

#endif
