/*
 * pairaid.h - the library's front door: every public header, and pa_open(),
 * which wires the modules' event types into the log before opening a database.
 */
#ifndef PAIRAID_PAIRAID_H
#define PAIRAID_PAIRAID_H

#include "pairaid/assess.h"
#include "pairaid/audit.h"
#include "pairaid/auth.h"
#include "pairaid/core.h"
#include "pairaid/io.h"
#include "pairaid/pg.h"
#include "pairaid/ledger.h"
#include "pairaid/registry.h"
#include "pairaid/replica.h"
#include "pairaid/report.h"
#include "pairaid/sheet.h"
#include "pairaid/store.h"
#include "pairaid/tlog.h"

#define PA_VERSION "0.1.0"

/* Registers every module's event types and kinds (once; pa_open does it too),
 * for what needs the kinds without a database (templates). */
void pa_init(void);

/* Registers every module and opens the database (see pa_db_open). */
int pa_open(struct pa_db **out, const char *path, unsigned flags, struct pa_error *err);

#endif
