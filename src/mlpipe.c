/*
 * mlpipe.c
 *	  Module entry point and settings.
 */
#include "mlpipe.h"

#include <cblas.h>
#include <limits.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "fmgr.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;

int			mlpipe_max_memory_kb = 1024 * 1024;

void		_PG_init(void);

/* Register settings; keep OpenBLAS to one thread inside a backend. */
void
_PG_init(void)
{
	DefineCustomIntVariable("mlpipe.max_memory",
							"Largest amount of memory one training may use for its data.",
							"Training loads the source into memory; past this limit it stops with an error.",
							&mlpipe_max_memory_kb,
							1024 * 1024,
							1024,
							INT_MAX,
							PGC_USERSET,
							GUC_UNIT_KB,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("mlpipe");

	/*
	 * The Makefile links the single-threaded OpenBLAS; should a build pick
	 * a threaded one, keep it to one thread all the same: a backend is one
	 * session's process, beside other backends and parallel workers.
	 */
	openblas_set_num_threads(1);
}

/* Name of a task, as stored in the catalog. */
const char *
MlpTaskName(MlpTask task)
{
	switch (task)
	{
		case MLP_TASK_REGRESSION:
			return "regression";
		case MLP_TASK_CLASSIFICATION:
			return "classification";
		case MLP_TASK_CLUSTERING:
			return "clustering";
		case MLP_TASK_DECOMPOSITION:
			return "decomposition";
	}
	return "unknown";
}

/* Refuse an allocation of bytes for what when it passes mlpipe.max_memory. */
void
MlpCheckMemory(Size bytes, const char *what)
{
	Size		limit = mul_size((Size) mlpipe_max_memory_kb, 1024);

	if (bytes > limit)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s needs more memory than mlpipe.max_memory allows", what),
				 errdetail("It needs %zu kB; the limit is %d kB.",
						   (bytes + 1023) / 1024, mlpipe_max_memory_kb),
				 errhint("Raise mlpipe.max_memory, or train on a sample of the source.")));
}

/*
 * A float8 as a JSON number, in the shortest form that reads back exactly
 * (0.1, not 0.10000000000000001); JSON has no Infinity or NaN, so null.
 */
void
MlpAppendJsonNumber(StringInfo s, double v)
{
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

	if (!isfinite(v))
	{
		appendStringInfoString(s, "null");
		return;
	}
	double_to_shortest_decimal_buf(v, buf);
	appendStringInfoString(s, buf);
}

/*
 * The header of a one-dimensional float8[] of len elements, without NULLs,
 * in bytes already allocated: the aggregates' states are such arrays.
 */
void
MlpInitFloat8Array(ArrayType *a, Size bytes, int len)
{
	memset(a, 0, ARR_OVERHEAD_NONULLS(1));
	SET_VARSIZE(a, bytes);
	a->ndim = 1;
	a->dataoffset = 0;
	a->elemtype = FLOAT8OID;
	ARR_DIMS(a)[0] = len;
	ARR_LBOUND(a)[0] = 1;
}
