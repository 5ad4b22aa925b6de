/*
 * load.h
 *	  Create a new table and fill it through COPY FROM's machinery.
 */
#ifndef MLPIPE_LOAD_H
#define MLPIPE_LOAD_H

#include "commands/copy.h"
#include "nodes/pg_list.h"

extern uint64 MlpCreateAndCopy(const char *table, const char *columns,
							   copy_data_source_cb source, List *options);

#endif							/* MLPIPE_LOAD_H */
