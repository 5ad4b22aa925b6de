/*
 * datasets.c
 *	  mlpipe_load_dataset: the classic small data sets, shipped as CSV files
 *	  installed with the extension (share/extension/mlpipe_datasets/).
 *
 * The rows go in through COPY's own machinery with a read callback, so the
 * caller needs no right to read server files: the file is ours, its name is
 * not the caller's to choose.
 */
#include "postgres.h"

#include "access/table.h"
#include "catalog/namespace.h"
#include "commands/copy.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_node.h"
#include "parser/parse_relation.h"
#include "storage/fd.h"
#include "utils/builtins.h"
#include "utils/regproc.h"
#include "utils/lsyscache.h"
#include "executor/executor.h"

#include "load.h"

PG_FUNCTION_INFO_V1(mlpipe_load_dataset);

typedef struct DatasetDef
{
	const char *name;
	const char *feature_type;	/* every column but the last */
	const char *target_type;	/* the last column */
} DatasetDef;

static const DatasetDef datasets[] = {
	{"iris", "float8", "text"},
	{"wine", "float8", "text"},
	{"breast_cancer", "float8", "text"},
	{"diabetes", "float8", "float8"},
	{"digits", "smallint", "integer"},
};

/* the file COPY reads through ReadDataset; one load at a time per backend */
static FILE *dataset_file = NULL;

/* COPY's data source: raw bytes of the shipped file. */
static int
ReadDataset(void *outbuf, int minread, int maxread)
{
	size_t		n = fread(outbuf, 1, maxread, dataset_file);

	if (ferror(dataset_file))
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not read data set file: %m")));
	return (int) n;
}

/* The column list of a CREATE TABLE, from the file's header line. */
static char *
ColumnsFromHeader(FILE *f, const char *path, const DatasetDef *def)
{
	char		line[8192];
	StringInfoData cols;
	List	   *names = NIL;
	ListCell   *lc;
	char	   *tok;
	char	   *save;

	if (fgets(line, sizeof(line), f) == NULL || strchr(line, '\n') == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("data set file \"%s\" has no header line", path)));
	line[strcspn(line, "\r\n")] = '\0';
	for (tok = strtok_r(line, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		names = lappend(names, pstrdup(tok));
	if (list_length(names) < 2)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("data set file \"%s\" has a bad header line", path)));
	initStringInfo(&cols);
	foreach(lc, names)
	{
		bool		last = (lnext(names, lc) == NULL);

		appendStringInfo(&cols, "%s%s %s", cols.len ? ", " : "",
						 quote_identifier((char *) lfirst(lc)),
						 last ? def->target_type : def->feature_type);
	}
	return cols.data;
}

/* The names of the data sets, for hints. */
static char *
DatasetNames(void)
{
	StringInfoData s;

	initStringInfo(&s);
	for (int i = 0; i < (int) lengthof(datasets); i++)
		appendStringInfo(&s, "%s%s", i ? ", " : "", datasets[i].name);
	return s.data;
}

/* mlpipe_load_dataset(name, table_name => NULL) -> rows loaded */
Datum
mlpipe_load_dataset(PG_FUNCTION_ARGS)
{
	char	   *name;
	char	   *table;
	const DatasetDef *def = NULL;
	char		share[MAXPGPATH];
	char	   *path;
	FILE	   *f;
	char	   *columns;
	volatile uint64 rows = 0;
	List	   *options;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("data set name must not be NULL")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	for (int i = 0; i < (int) lengthof(datasets); i++)
		if (strcmp(datasets[i].name, name) == 0)
			def = &datasets[i];
	if (def == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown data set \"%s\"", name),
				 errhint("Data sets: %s.", DatasetNames())));
	table = PG_ARGISNULL(1) ? name : text_to_cstring(PG_GETARG_TEXT_PP(1));

	get_share_path(my_exec_path, share);
	path = psprintf("%s/extension/mlpipe_datasets/%s.csv", share, def->name);
	f = AllocateFile(path, "r");
	if (f == NULL)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open data set file \"%s\": %m", path),
				 errhint("The data sets are installed by \"make install\".")));
	columns = ColumnsFromHeader(f, path, def);
	rewind(f);

	options = list_make2(makeDefElem("format", (Node *) makeString("csv"), -1),
						 makeDefElem("header", (Node *) makeString("true"), -1));
	dataset_file = f;
	PG_TRY();
	{
		rows = MlpCreateAndCopy(table, columns, ReadDataset, options);
	}
	PG_FINALLY();
	{
		dataset_file = NULL;
	}
	PG_END_TRY();
	FreeFile(f);
	PG_RETURN_INT64((int64) rows);
}
