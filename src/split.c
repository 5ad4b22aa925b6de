/*
 * split.c
 *	  mlpipe_split_test: the training split's decision for one row, so that
 *	  mlpipe_split (and any query) can reproduce the holdout of a training;
 *	  mlpipe_split_key: a row's key, from which mlpipe_split reproduces a
 *	  stratified split.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include "source.h"

PG_FUNCTION_INFO_V1(mlpipe_split_test);
PG_FUNCTION_INFO_V1(mlpipe_split_key);

/* per call site: the hashed columns of the last row type seen */
typedef struct SplitCall
{
	MemoryContext cxt;			/* holds this struct and its arrays */
	Oid			rowtype;
	int32		rowtypmod;
	char	   *split;
	int64		seed;
	TupleDesc	desc;
	MlpColumns	cols;
	uint64	   *salt;
	uint64		h0;
	Datum	   *values;
	bool	   *nulls;
} SplitCall;

/*
 * The seeded hash of a row under a split's columns, with the per-call-site
 * state (the hashed columns of the row type) cached in fn_extra.
 */
static uint64
RowSplitHash(FunctionCallInfo fcinfo, HeapTupleHeader rec, const char *split,
			 int64 seed, uint64 *h0)
{
	Oid			tupType = HeapTupleHeaderGetTypeId(rec);
	int32		tupTypmod = HeapTupleHeaderGetTypMod(rec);
	SplitCall  *sc = fcinfo->flinfo->fn_extra;
	HeapTupleData tuple;

	if (sc == NULL || sc->rowtype != tupType || sc->rowtypmod != tupTypmod ||
		strcmp(sc->split, split) != 0 || sc->seed != seed)
	{
		MemoryContext cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt,
												  "mlpipe split test",
												  ALLOCSET_SMALL_SIZES);
		MemoryContext old = MemoryContextSwitchTo(cxt);
		TupleDesc	td = lookup_rowtype_tupdesc(tupType, tupTypmod);
		MlpSourceSpec spec;

		/* the previous row type or settings are done with */
		if (sc)
		{
			MemoryContextDelete(sc->cxt);
			fcinfo->flinfo->fn_extra = NULL;
		}

		memset(&spec, 0, sizeof(spec));
		MlpParseSplit(split, &spec);
		if (spec.split == MLP_SPLIT_ORDER || spec.split == MLP_SPLIT_STRATIFIED)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 spec.split == MLP_SPLIT_ORDER ?
					 errmsg("an order split is decided over the whole source, not row by row") :
					 errmsg("a stratified split is decided over the whole source, not row by row"),
					 errhint("Use mlpipe_split(), which takes the whole source.")));
		sc = palloc0(sizeof(SplitCall));
		sc->cxt = cxt;
		sc->rowtype = tupType;
		sc->rowtypmod = tupTypmod;
		sc->split = pstrdup(split);
		sc->seed = seed;
		sc->desc = CreateTupleDescCopy(td);
		ReleaseTupleDesc(td);
		MlpHashColumns(sc->desc, &spec, &sc->cols);
		sc->h0 = MlpSplitSeed(seed);
		sc->salt = palloc(sizeof(uint64) * Max(sc->cols.nhash, 1));
		for (int c = 0; c < sc->cols.nhash; c++)
			sc->salt[c] = MlpColumnSalt(sc->h0, sc->cols.hash_name[c]);
		sc->values = palloc(sizeof(Datum) * Max(sc->desc->natts, 1));
		sc->nulls = palloc(sizeof(bool) * Max(sc->desc->natts, 1));
		fcinfo->flinfo->fn_extra = sc;
		MemoryContextSwitchTo(old);
	}
	tuple.t_len = HeapTupleHeaderGetDatumLength(rec);
	ItemPointerSetInvalid(&(tuple.t_self));
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = rec;
	heap_deform_tuple(&tuple, sc->desc, sc->values, sc->nulls);
	*h0 = sc->h0;
	return MlpRowHash(&sc->cols, sc->salt, sc->h0, sc->values, sc->nulls);
}

/*
 * mlpipe_split_test(row record, test_size float8, split text, seed bigint)
 * -> whether mlpipe_train would put this row in the test split.
 */
Datum
mlpipe_split_test(PG_FUNCTION_ARGS)
{
	HeapTupleHeader rec = PG_GETARG_HEAPTUPLEHEADER(0);
	double		test_size = PG_GETARG_FLOAT8(1);
	char	   *split = text_to_cstring(PG_GETARG_TEXT_PP(2));
	int64		seed = PG_GETARG_INT64(3);
	uint64		h0;
	uint64		h;

	if (!(test_size >= 0 && test_size < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("test_size must be at least 0 and less than 1")));
	h = RowSplitHash(fcinfo, rec, split, seed, &h0);
	PG_RETURN_BOOL(MlpSplitIsTest(h, h0, MlpSplitThreshold(test_size)));
}

/*
 * mlpipe_split_key(row record, seed bigint) -> the row's key under the
 * random split (signed): a stratified split makes, in each class, the rows
 * with the lowest keys its test rows.
 */
Datum
mlpipe_split_key(PG_FUNCTION_ARGS)
{
	HeapTupleHeader rec = PG_GETARG_HEAPTUPLEHEADER(0);
	int64		seed = PG_GETARG_INT64(1);
	uint64		h0;
	uint64		h = RowSplitHash(fcinfo, rec, "random", seed, &h0);

	PG_RETURN_INT64((int64) MlpSplitKey(h, h0));
}
