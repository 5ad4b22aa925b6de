/*
 * describe.c
 *	  mlpipe_describe(source): a profile of every column in one scan.
 *
 * Rows stream through a DestReceiver.  Each column keeps its count and
 * NULLs, a 64-bit identity per distinct value (with a count, and a copy of the
 * value's text for categorical columns), and for numeric columns every value
 * for the quartiles.  All of that is memory the size of the data, so it is
 * held against mlpipe.max_memory.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "tcop/dest.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "mlpipe.h"
#include "source.h"

PG_FUNCTION_INFO_V1(mlpipe_describe);

#define TOP_VALUES 5

typedef struct ValueCount
{
	uint64		key;			/* hash of the value's binary form */
	int64		count;
	char	   *text;			/* categorical columns only */
} ValueCount;

typedef struct ColumnProfile
{
	char	   *name;
	Oid			typid;
	MlpNumKind	kind;			/* MLP_NUM_NONE: not numeric */
	bool		categorical;	/* text-like, boolean or enum: top values */
	int16		typlen;
	bool		typbyval;
	Oid			outfunc;
	int64		count;
	int64		nulls;
	double	   *values;			/* numeric: every value */
	int64		nvalues;
	int64		cap;
	HTAB	   *distinct;
} ColumnProfile;

typedef struct DescribeReceiver
{
	DestReceiver pub;
	MemoryContext cxt;
	MemoryContext rowcxt;
	int			ncols;
	ColumnProfile *cols;
	Size		bytes;			/* held so far, against mlpipe.max_memory */
	bool		started;
} DescribeReceiver;

/* Text-like, boolean and enum columns are profiled as categories. */
static bool
IsCategorical(Oid typid)
{
	Oid			base = getBaseType(typid);
	char		category;
	bool		preferred;

	get_type_category_preferred(base, &category, &preferred);
	return category == TYPCATEGORY_STRING || category == TYPCATEGORY_BOOLEAN ||
		category == TYPCATEGORY_ENUM;
}

/* Count memory and refuse to pass the budget. */
static void
Charge(DescribeReceiver *r, Size bytes)
{
	r->bytes = add_size(r->bytes, bytes);
	MlpCheckMemory(r->bytes, "describing the source");
}

/* Set up one profile per column, once the row type is known. */
static void
DescribeStartup(DestReceiver *self, int operation, TupleDesc td)
{
	DescribeReceiver *r = (DescribeReceiver *) self;
	MemoryContext old = MemoryContextSwitchTo(r->cxt);

	if (r->started)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source must be a single query")));
	r->started = true;
	r->ncols = td->natts;
	r->cols = palloc0(sizeof(ColumnProfile) * Max(td->natts, 1));
	for (int i = 0; i < td->natts; i++)
	{
		Form_pg_attribute a = TupleDescAttr(td, i);
		ColumnProfile *c = &r->cols[i];
		HASHCTL		ctl;
		bool		isvarlena;

		c->name = pstrdup(NameStr(a->attname));
		c->typid = a->atttypid;
		c->kind = MlpNumKindOf(a->atttypid);
		c->categorical = IsCategorical(a->atttypid);
		c->typlen = a->attlen;
		c->typbyval = a->attbyval;
		getTypeOutputInfo(a->atttypid, &c->outfunc, &isvarlena);
		ctl.keysize = sizeof(uint64);
		ctl.entrysize = sizeof(ValueCount);
		ctl.hcxt = r->cxt;
		c->distinct = hash_create("mlpipe describe", 256, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	MemoryContextSwitchTo(old);
}

/* Count one row into every column's profile. */
static bool
DescribeSlot(TupleTableSlot *slot, DestReceiver *self)
{
	DescribeReceiver *r = (DescribeReceiver *) self;
	MemoryContext old;

	CHECK_FOR_INTERRUPTS();
	slot_getallattrs(slot);
	old = MemoryContextSwitchTo(r->rowcxt);
	for (int i = 0; i < r->ncols; i++)
	{
		ColumnProfile *c = &r->cols[i];
		Datum		d = slot->tts_values[i];
		uint64		key;
		ValueCount *vc;
		bool		found;

		if (slot->tts_isnull[i])
		{
			c->nulls++;
			continue;
		}
		c->count++;
		if (c->kind != MLP_NUM_NONE)
		{
			double		v = MlpDatumToFloat8(d, c->kind);

			if (c->nvalues == c->cap)
			{
				int64		newcap = c->cap ? c->cap * 2 : 1024;

				Charge(r, sizeof(double) * (newcap - c->cap));
				c->values = c->values ?
					repalloc_huge(c->values, sizeof(double) * newcap) :
					MemoryContextAllocExtended(r->cxt, sizeof(double) * newcap,
											   MCXT_ALLOC_HUGE);
				c->cap = newcap;
			}
			c->values[c->nvalues++] = v;
		}
		key = MlpDatumHash(d, c->typlen, c->typbyval);
		vc = hash_search(c->distinct, &key, HASH_ENTER, &found);
		if (!found)
		{
			vc->count = 0;
			vc->text = NULL;
			Charge(r, sizeof(ValueCount) + 16);
			if (c->categorical)
			{
				char	   *t = OidOutputFunctionCall(c->outfunc, d);

				vc->text = MemoryContextStrdup(r->cxt, t);
				Charge(r, strlen(t) + 1);
			}
		}
		vc->count++;
	}
	MemoryContextSwitchTo(old);
	MemoryContextReset(r->rowcxt);
	return true;
}

/* Nothing to flush: the profiles are read after the scan. */
static void
DescribeShutdown(DestReceiver *self)
{
}

/* The receiver lives in the describe context; nothing to free. */
static void
DescribeDestroy(DestReceiver *self)
{
}

/* Order doubles as PostgreSQL does: NaN after everything, equal to NaN. */
static int
CompareDouble(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	return (x > y) - (x < y);
}

/* Quantile q of sorted values, interpolated as percentile_cont does. */
static double
Quantile(const double *v, int64 n, double q)
{
	double		pos = q * (double) (n - 1);
	int64		lo = (int64) floor(pos);
	int64		hi = Min(lo + 1, n - 1);

	if (pos == (double) lo)
		return v[lo];			/* also when v[hi] is infinite */
	return v[lo] + (pos - (double) lo) * (v[hi] - v[lo]);
}

/* Most frequent first; equal counts by value, so the order is stable. */
static int
CompareCount(const void *a, const void *b)
{
	const ValueCount *x = *(const ValueCount *const *) a;
	const ValueCount *y = *(const ValueCount *const *) b;

	if (x->count != y->count)
		return (x->count < y->count) ? 1 : -1;
	return strcmp(x->text, y->text);
}

/* The most frequent values as a JSON array of {"value", "count"}. */
static char *
TopValues(ColumnProfile *c)
{
	long		n = hash_get_num_entries(c->distinct);
	ValueCount **all = palloc(sizeof(ValueCount *) * Max(n, 1));
	HASH_SEQ_STATUS seq;
	ValueCount *vc;
	long		i = 0;
	StringInfoData s;

	hash_seq_init(&seq, c->distinct);
	while ((vc = hash_seq_search(&seq)) != NULL)
		all[i++] = vc;
	qsort(all, n, sizeof(ValueCount *), CompareCount);
	initStringInfo(&s);
	appendStringInfoChar(&s, '[');
	for (i = 0; i < Min(n, TOP_VALUES); i++)
	{
		if (i)
			appendStringInfoString(&s, ", ");
		appendStringInfoString(&s, "{\"value\": ");
		escape_json(&s, all[i]->text);
		appendStringInfo(&s, ", \"count\": " INT64_FORMAT "}", all[i]->count);
	}
	appendStringInfoChar(&s, ']');
	return s.data;
}

/*
 * mlpipe_describe(source) -> one row per column: column, type, count,
 * nulls, distinct, mean, stddev, min, q1, median, q3, max, top_values.
 */
Datum
mlpipe_describe(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *source = text_to_cstring(PG_GETARG_TEXT_PP(0));
	DescribeReceiver *r;
	char	   *query;
	MemoryContext cxt;

	InitMaterializedSRF(fcinfo, 0);
	query = MlpSourceQuery(source);
	cxt = AllocSetContextCreate(CurrentMemoryContext, "mlpipe describe",
								ALLOCSET_DEFAULT_SIZES);
	r = MemoryContextAllocZero(cxt, sizeof(DescribeReceiver));
	r->pub.receiveSlot = DescribeSlot;
	r->pub.rStartup = DescribeStartup;
	r->pub.rShutdown = DescribeShutdown;
	r->pub.rDestroy = DescribeDestroy;
	r->pub.mydest = DestNone;
	r->cxt = cxt;
	r->rowcxt = AllocSetContextCreate(cxt, "mlpipe describe row",
									  ALLOCSET_SMALL_SIZES);

	MlpRunSource(query, (DestReceiver *) r);

	for (int i = 0; i < r->ncols; i++)
	{
		ColumnProfile *c = &r->cols[i];
		Datum		values[13];
		bool		nulls[13] = {0};

		CHECK_FOR_INTERRUPTS();
		values[0] = CStringGetTextDatum(c->name);
		values[1] = CStringGetTextDatum(format_type_be(c->typid));
		values[2] = Int64GetDatum(c->count);
		values[3] = Int64GetDatum(c->nulls);
		values[4] = Int64GetDatum((int64) hash_get_num_entries(c->distinct));
		if (c->kind != MLP_NUM_NONE && c->nvalues > 0)
		{
			double		mean = 0;
			double		m2 = 0;

			/* Welford, for a mean and spread that keep their digits */
			for (int64 k = 0; k < c->nvalues; k++)
			{
				double		d = c->values[k] - mean;

				if ((k & 0xffff) == 0)
					CHECK_FOR_INTERRUPTS();

				mean += d / (double) (k + 1);
				m2 += d * (c->values[k] - mean);
			}
			qsort(c->values, c->nvalues, sizeof(double), CompareDouble);
			values[5] = Float8GetDatum(mean);
			if (c->nvalues > 1)
				values[6] = Float8GetDatum(sqrt(m2 / (double) (c->nvalues - 1)));
			else
				nulls[6] = true;
			values[7] = Float8GetDatum(c->values[0]);
			values[8] = Float8GetDatum(Quantile(c->values, c->nvalues, 0.25));
			values[9] = Float8GetDatum(Quantile(c->values, c->nvalues, 0.5));
			values[10] = Float8GetDatum(Quantile(c->values, c->nvalues, 0.75));
			values[11] = Float8GetDatum(c->values[c->nvalues - 1]);
		}
		else
			for (int k = 5; k <= 11; k++)
				nulls[k] = true;
		if (c->categorical && c->count > 0)
			values[12] = DirectFunctionCall1(jsonb_in, CStringGetDatum(TopValues(c)));
		else
			nulls[12] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	MemoryContextDelete(cxt);
	return (Datum) 0;
}
