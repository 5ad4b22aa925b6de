/*
 * source.c
 *	  Run a source query and stream its rows into one column-major float8
 *	  matrix.
 *
 * Rows arrive through a DestReceiver given to SPI, so they are converted as
 * the executor produces them: no SPI tuple table, no second copy, and the
 * planner is free to use a parallel plan.
 */
#include "postgres.h"

#include <math.h>

#include "access/tupdesc.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "storage/lmgr.h"
#include "tcop/dest.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"

#include "mlpipe.h"
#include "source.h"

#define INITIAL_ROWS 1024

typedef struct MatrixReceiver
{
	DestReceiver pub;
	const MlpSourceSpec *spec;
	MlpDataset *ds;
	MemoryContext cxt;			/* where the matrix lives */
	MemoryContext rowcxt;		/* reset per row when conversions allocate */
	bool		started;
	int			ncols;
	int		   *attno;			/* 0-based attribute of each matrix column */
	MlpNumKind *kind;
	int64	   *nnull;
	int			natts_needed;
	bool		needs_rowcxt;
} MatrixReceiver;

/* The conversion for a type (domains resolved), or MLP_NUM_NONE. */
MlpNumKind
MlpNumKindOf(Oid typid)
{
	switch (getBaseType(typid))
	{
		case FLOAT8OID:
			return MLP_NUM_FLOAT8;
		case FLOAT4OID:
			return MLP_NUM_FLOAT4;
		case INT2OID:
			return MLP_NUM_INT2;
		case INT4OID:
			return MLP_NUM_INT4;
		case INT8OID:
			return MLP_NUM_INT8;
		case NUMERICOID:
			return MLP_NUM_NUMERIC;
		case BOOLOID:
			return MLP_NUM_BOOL;
		default:
			return MLP_NUM_NONE;
	}
}

/* A non-NULL Datum of the given kind as float8 (numeric may allocate). */
double
MlpDatumToFloat8(Datum d, MlpNumKind kind)
{
	switch (kind)
	{
		case MLP_NUM_FLOAT8:
			return DatumGetFloat8(d);
		case MLP_NUM_FLOAT4:
			return (double) DatumGetFloat4(d);
		case MLP_NUM_INT2:
			return (double) DatumGetInt16(d);
		case MLP_NUM_INT4:
			return (double) DatumGetInt32(d);
		case MLP_NUM_INT8:
			return (double) DatumGetInt64(d);
		case MLP_NUM_NUMERIC:
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8, d));
		case MLP_NUM_BOOL:
			return DatumGetBool(d) ? 1.0 : 0.0;
		case MLP_NUM_NONE:
			break;
	}
	elog(ERROR, "unexpected numeric kind %d", (int) kind);
	return 0;
}

/* Refuse anything but one SELECT (no data-modifying WITH either). */
static void
CheckSelectOnly(const char *query)
{
	List	   *stmts = raw_parser(query, RAW_PARSE_DEFAULT);
	RawStmt    *raw;
	SelectStmt *sel;

	if (list_length(stmts) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source must be a single query"),
				 errdetail("The source text holds %d statements.", list_length(stmts))));
	raw = linitial_node(RawStmt, stmts);
	if (!IsA(raw->stmt, SelectStmt))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source must be a table, a view or a SELECT query")));
	sel = (SelectStmt *) raw->stmt;
	if (sel->withClause)
	{
		ListCell   *lc;

		foreach(lc, sel->withClause->ctes)
		{
			CommonTableExpr *cte = lfirst_node(CommonTableExpr, lc);

			if (!IsA(cte->ctequery, SelectStmt))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("source query must not modify data")));
		}
	}
	if (sel->intoClause)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source query must not be SELECT INTO")));
}

/*
 * True when the text can only be a statement: white space, a parenthesis or
 * a semicolon outside double quotes.  A table name never has those.
 */
static bool
LooksLikeQuery(const char *s)
{
	bool		quoted = false;

	for (; *s; s++)
	{
		if (*s == '"')
			quoted = !quoted;
		else if (!quoted && (isspace((unsigned char) *s) || *s == '(' || *s == ';'))
			return true;
	}
	return false;
}

/*
 * The query for a source: statement text is checked to be one SELECT and
 * used as is; anything else is a table or view name, which must exist.
 */
char *
MlpSourceQuery(const char *source)
{
	if (LooksLikeQuery(source))
	{
		CheckSelectOnly(source);
		return pstrdup(source);
	}
	else
	{
		List	   *names = stringToQualifiedNameList(source);
		RangeVar   *rv = makeRangeVarFromNameList(names);
		Oid			relid = RangeVarGetRelid(rv, AccessShareLock, true);

		if (!OidIsValid(relid))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("relation \"%s\" does not exist", source),
					 errhint("A source is a table or view name, or a SELECT query.")));
		return psprintf("SELECT * FROM %s",
						quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
												   get_rel_name(relid)));
	}
}

/* Index of the attribute called name in the result, or -1. */
static int
FindColumn(TupleDesc td, const char *name, bool *ambiguous)
{
	int			found = -1;

	*ambiguous = false;
	for (int i = 0; i < td->natts; i++)
	{
		Form_pg_attribute a = TupleDescAttr(td, i);

		if (a->attisdropped || strcmp(NameStr(a->attname), name) != 0)
			continue;
		if (found >= 0)
			*ambiguous = true;
		found = i;
	}
	return found;
}

/* True if name is in the list of C strings. */
static bool
InList(List *l, const char *name)
{
	ListCell   *lc;

	foreach(lc, l)
		if (strcmp((char *) lfirst(lc), name) == 0)
		return true;
	return false;
}

/* Resolve a column that must exist and be numeric. */
static int
RequireColumn(TupleDesc td, const char *name, const char *role)
{
	bool		ambiguous;
	int			i = FindColumn(td, name, &ambiguous);

	if (i < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("%s column \"%s\" does not exist in the source", role, name)));
	if (ambiguous)
		ereport(ERROR,
				(errcode(ERRCODE_AMBIGUOUS_COLUMN),
				 errmsg("source has more than one column named \"%s\"", name)));
	return i;
}

/* The feature type error, with the way out in the hint. */
static void
UnsupportedFeature(const char *name, Oid typid)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("feature column \"%s\" has type %s, which is not supported",
					name, format_type_be(typid)),
			 errdetail("Features must be numeric or boolean."),
			 errhint("Leave the column out with exclude => ARRAY['%s'], or cast it in a source query.",
					 name)));
}

/* Map the result's columns to matrix columns, once the row type is known. */
static void
ReceiverStartup(DestReceiver *self, int operation, TupleDesc td)
{
	MatrixReceiver *r = (MatrixReceiver *) self;
	const MlpSourceSpec *spec = r->spec;
	MlpDataset *ds = r->ds;
	MemoryContext old = MemoryContextSwitchTo(r->cxt);
	int			tcol;
	int			p = 0;
	ListCell   *lc;
	int		   *cols = palloc(sizeof(int) * (td->natts + 1));

	if (r->started)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source must be a single query")));
	r->started = true;

	tcol = RequireColumn(td, spec->target, "target");
	if (MlpNumKindOf(TupleDescAttr(td, tcol)->atttypid) == MLP_NUM_NONE ||
		MlpNumKindOf(TupleDescAttr(td, tcol)->atttypid) == MLP_NUM_BOOL)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("target column \"%s\" has type %s, but regression needs a numeric target",
						spec->target,
						format_type_be(TupleDescAttr(td, tcol)->atttypid)),
				 errhint("Cast the target to a number in a source query.")));

	foreach(lc, spec->exclude)
		(void) RequireColumn(td, (char *) lfirst(lc), "excluded");

	if (spec->features != NIL)
	{
		foreach(lc, spec->features)
		{
			char	   *name = lfirst(lc);
			int			i = RequireColumn(td, name, "feature");

			if (i == tcol)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("column \"%s\" is the target and cannot also be a feature",
								name)));
			for (int j = 0; j < p; j++)
				if (cols[j] == i)
					ereport(ERROR,
							(errcode(ERRCODE_DUPLICATE_COLUMN),
							 errmsg("feature \"%s\" is listed twice", name)));
			if (InList(spec->exclude, name))
				continue;
			if (MlpNumKindOf(TupleDescAttr(td, i)->atttypid) == MLP_NUM_NONE)
				UnsupportedFeature(name, TupleDescAttr(td, i)->atttypid);
			cols[p++] = i;
		}
	}
	else
	{
		for (int i = 0; i < td->natts; i++)
		{
			Form_pg_attribute a = TupleDescAttr(td, i);
			bool		ambiguous;

			if (a->attisdropped || i == tcol ||
				InList(spec->exclude, NameStr(a->attname)))
				continue;
			(void) FindColumn(td, NameStr(a->attname), &ambiguous);
			if (ambiguous)
				ereport(ERROR,
						(errcode(ERRCODE_AMBIGUOUS_COLUMN),
						 errmsg("source has more than one column named \"%s\"",
								NameStr(a->attname))));
			if (MlpNumKindOf(a->atttypid) == MLP_NUM_NONE)
				UnsupportedFeature(NameStr(a->attname), a->atttypid);
			cols[p++] = i;
		}
	}
	if (p == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source has no feature columns"),
				 errhint("A model needs at least one column besides the target.")));
	cols[p] = tcol;

	r->ncols = p + 1;
	r->attno = cols;
	r->kind = palloc(sizeof(MlpNumKind) * r->ncols);
	r->nnull = palloc0(sizeof(int64) * r->ncols);
	ds->p = p;
	ds->names = palloc(sizeof(char *) * r->ncols);
	ds->types = palloc(sizeof(char *) * r->ncols);
	r->natts_needed = 0;
	for (int j = 0; j < r->ncols; j++)
	{
		Form_pg_attribute a = TupleDescAttr(td, cols[j]);

		r->kind[j] = MlpNumKindOf(a->atttypid);
		r->needs_rowcxt |= (r->kind[j] == MLP_NUM_NUMERIC);
		ds->names[j] = pstrdup(NameStr(a->attname));
		ds->types[j] = format_type_be(a->atttypid);
		r->natts_needed = Max(r->natts_needed, cols[j] + 1);
	}
	ds->m.ncols = r->ncols;
	ds->m.nrows = 0;
	ds->m.cap = 0;
	ds->m.data = NULL;
	MemoryContextSwitchTo(old);
}

/* Grow the matrix (capacity doubling), within mlpipe.max_memory. */
static void
GrowMatrix(MatrixReceiver *r)
{
	MlpMatrix  *m = &r->ds->m;
	Size		rowbytes = mul_size(sizeof(double), (Size) m->ncols);
	Size		limit = mul_size((Size) mlpipe_max_memory_kb, 1024);
	int64		newcap = m->cap ? m->cap * 2 : INITIAL_ROWS;
	double	   *nd;

	if ((Size) newcap > limit / rowbytes)
		newcap = (int64) (limit / rowbytes);
	if (newcap <= m->nrows)
		MlpCheckMemory(mul_size(rowbytes, (Size) m->nrows + 1),
					   "the training data");
	nd = MemoryContextAllocExtended(r->cxt, mul_size(rowbytes, (Size) newcap),
									MCXT_ALLOC_HUGE);
	for (int j = 0; j < m->ncols; j++)
		if (m->nrows > 0)
			memcpy(nd + (Size) j * newcap, m->data + (Size) j * m->cap,
				   sizeof(double) * m->nrows);
	if (m->data)
		pfree(m->data);
	m->data = nd;
	m->cap = newcap;
}

/* One row into the matrix. */
static bool
ReceiverSlot(TupleTableSlot *slot, DestReceiver *self)
{
	MatrixReceiver *r = (MatrixReceiver *) self;
	MlpMatrix  *m = &r->ds->m;
	int64		i = m->nrows;
	MemoryContext old = NULL;

	CHECK_FOR_INTERRUPTS();
	if (i == m->cap)
		GrowMatrix(r);
	slot_getsomeattrs(slot, r->natts_needed);
	if (r->needs_rowcxt)
		old = MemoryContextSwitchTo(r->rowcxt);
	for (int j = 0; j < r->ncols; j++)
	{
		int			a = r->attno[j];
		double		v;

		if (slot->tts_isnull[a])
		{
			r->nnull[j]++;
			v = 0;
		}
		else
		{
			v = MlpDatumToFloat8(slot->tts_values[a], r->kind[j]);
			if (unlikely(!isfinite(v)))
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("column \"%s\" holds %s in row %lld of the source",
								r->ds->names[j], isnan(v) ? "NaN" : "Infinity",
								(long long) (i + 1)),
						 errhint("Filter such rows out in a source query.")));
		}
		m->data[(Size) j * m->cap + i] = v;
	}
	if (r->needs_rowcxt)
	{
		MemoryContextSwitchTo(old);
		MemoryContextReset(r->rowcxt);
	}
	m->nrows = i + 1;
	return true;
}

static void
ReceiverShutdown(DestReceiver *self)
{
}

static void
ReceiverDestroy(DestReceiver *self)
{
}

/*
 * Load a source into a dataset allocated in the current memory context.
 * NULLs are counted during the scan and reported per column at the end.
 */
MlpDataset *
MlpLoadSource(const MlpSourceSpec *spec)
{
	MatrixReceiver *r = palloc0(sizeof(MatrixReceiver));
	MlpDataset *ds = palloc0(sizeof(MlpDataset));
	SPIExecuteOptions opts;
	int			rc;

	ds->query = MlpSourceQuery(spec->source);
	r->pub.receiveSlot = ReceiverSlot;
	r->pub.rStartup = ReceiverStartup;
	r->pub.rShutdown = ReceiverShutdown;
	r->pub.rDestroy = ReceiverDestroy;
	r->pub.mydest = DestNone;
	r->spec = spec;
	r->ds = ds;
	r->cxt = CurrentMemoryContext;
	r->rowcxt = AllocSetContextCreate(CurrentMemoryContext, "mlpipe row",
									  ALLOCSET_SMALL_SIZES);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	memset(&opts, 0, sizeof(opts));
	opts.read_only = true;
	opts.dest = (DestReceiver *) r;
	rc = SPI_execute_extended(ds->query, &opts);
	/* SPI reports a SELECT whose rows went to a DestNone receiver as utility */
	if (rc != SPI_OK_SELECT && rc != SPI_OK_UTILITY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source must be a table, a view or a SELECT query")));
	SPI_finish();
	if (!r->started)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source query returned no result columns")));

	for (int j = 0; j < ds->m.ncols; j++)
	{
		if (r->nnull[j] == 0)
			continue;
		if (r->nnull[j] == ds->m.nrows)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("column \"%s\" is NULL in every row", ds->names[j]),
					 errhint("Leave the column out with exclude => ARRAY['%s'].",
							 ds->names[j])));
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("column \"%s\" is NULL in %lld of %lld rows",
						ds->names[j], (long long) r->nnull[j],
						(long long) ds->m.nrows),
				 errhint("Filter those rows out or fill them in a source query, e.g. with coalesce().")));
	}
	MemoryContextDelete(r->rowcxt);
	return ds;
}
