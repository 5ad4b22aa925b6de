/*
 * classmetrics.c
 *	  Binary classification metric aggregates: accuracy, precision, recall,
 *	  f1, mcc (from label pairs), log_loss (from probabilities), roc_auc and
 *	  pr_auc (from scores).  Every state is a float8[] with a combine
 *	  function, so parallel query and Citus can split them (inside an
 *	  aggregate a score state is an expanded object that flattens to it).
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"
#include "utils/jsonb.h"
#include "lib/stringinfo.h"

#include "metrics.h"
#include "mlpipe.h"

PG_FUNCTION_INFO_V1(mlpipe_match_accum);
PG_FUNCTION_INFO_V1(mlpipe_binary_accum);
PG_FUNCTION_INFO_V1(mlpipe_sum_combine);
PG_FUNCTION_INFO_V1(mlpipe_accuracy_final);
PG_FUNCTION_INFO_V1(mlpipe_precision_final);
PG_FUNCTION_INFO_V1(mlpipe_recall_final);
PG_FUNCTION_INFO_V1(mlpipe_f1_final);
PG_FUNCTION_INFO_V1(mlpipe_mcc_final);
PG_FUNCTION_INFO_V1(mlpipe_log_loss_accum);
PG_FUNCTION_INFO_V1(mlpipe_log_loss_final);
PG_FUNCTION_INFO_V1(mlpipe_scores_accum);
PG_FUNCTION_INFO_V1(mlpipe_scores_combine);
PG_FUNCTION_INFO_V1(mlpipe_roc_auc_final);
PG_FUNCTION_INFO_V1(mlpipe_pr_auc_final);
PG_FUNCTION_INFO_V1(mlpipe_roc_curve_final);
PG_FUNCTION_INFO_V1(mlpipe_proba_log_loss_accum);
PG_FUNCTION_INFO_V1(mlpipe_proba_accum);
PG_FUNCTION_INFO_V1(mlpipe_proba_combine);
PG_FUNCTION_INFO_V1(mlpipe_roc_auc_ovr_final);

/* The data of a float8[] state of exactly len elements, checked. */
static double *
FixedState(ArrayType *a, int len)
{
	if (ARR_NDIM(a) != 1 || ARR_DIMS(a)[0] != len || ARR_HASNULL(a) ||
		ARR_ELEMTYPE(a) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("float8[] is not a classification metric state")));
	return (double *) ARR_DATA_PTR(a);
}

/* The state argument, in place inside an aggregate, else a copy. */
static ArrayType *
StateArg(FunctionCallInfo fcinfo)
{
	if (AggCheckCallContext(fcinfo, NULL))
		return PG_GETARG_ARRAYTYPE_P(0);
	return PG_GETARG_ARRAYTYPE_P_COPY(0);
}

/* Equality of two values of the arguments' type, with its default operator. */
static bool
ValuesEqual(FunctionCallInfo fcinfo, Datum a, Datum b)
{
	FmgrInfo   *eq = fcinfo->flinfo->fn_extra;

	if (eq == NULL)
	{
		Oid			typid = get_fn_expr_argtype(fcinfo->flinfo, 1);
		TypeCacheEntry *tc;

		if (!OidIsValid(typid))
			elog(ERROR, "could not determine the label type");
		tc = lookup_type_cache(typid, TYPECACHE_EQ_OPR_FINFO);
		if (!OidIsValid(tc->eq_opr_finfo.fn_oid))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("labels of type %s cannot be compared for equality",
							format_type_be(typid))));
		eq = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(FmgrInfo));
		fmgr_info_copy(eq, &tc->eq_opr_finfo, fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = eq;
	}
	return DatumGetBool(FunctionCall2Coll(eq, PG_GET_COLLATION(), a, b));
}

/* (state [n, correct], y_true, y_pred): strict, so NULL pairs are skipped. */
Datum
mlpipe_match_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *state = StateArg(fcinfo);
	double	   *st = FixedState(state, 2);

	st[0] += 1;
	st[1] += ValuesEqual(fcinfo, PG_GETARG_DATUM(1), PG_GETARG_DATUM(2));
	PG_RETURN_ARRAYTYPE_P(state);
}

/* (state [tp, fp, fn, tn], y_true, y_pred, positive) */
Datum
mlpipe_binary_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *state = StateArg(fcinfo);
	double	   *st = FixedState(state, 4);
	bool		t = ValuesEqual(fcinfo, PG_GETARG_DATUM(1), PG_GETARG_DATUM(3));
	bool		p = ValuesEqual(fcinfo, PG_GETARG_DATUM(2), PG_GETARG_DATUM(3));

	st[t ? (p ? 0 : 2) : (p ? 1 : 3)] += 1;
	PG_RETURN_ARRAYTYPE_P(state);
}

/* Combine counting states: they just add. */
Datum
mlpipe_sum_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a = StateArg(fcinfo);
	ArrayType  *b = PG_GETARG_ARRAYTYPE_P(1);
	int			len = ARR_NDIM(a) == 1 ? ARR_DIMS(a)[0] : 0;
	double	   *sa = FixedState(a, len);
	double	   *sb = FixedState(b, len);

	for (int i = 0; i < len; i++)
		sa[i] += sb[i];
	PG_RETURN_ARRAYTYPE_P(a);
}

Datum
mlpipe_accuracy_final(PG_FUNCTION_ARGS)
{
	double	   *st = FixedState(PG_GETARG_ARRAYTYPE_P(0), 2);

	if (st[0] == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(st[1] / st[0]);
}

/* A ratio that scikit-learn defines as 0 when its denominator is 0. */
static double
Ratio(double num, double den)
{
	return den > 0 ? num / den : 0.0;
}

/* The four counts, or false when no pair was seen. */
static bool
BinaryCounts(FunctionCallInfo fcinfo, double *c)
{
	double	   *st = FixedState(PG_GETARG_ARRAYTYPE_P(0), 4);

	memcpy(c, st, sizeof(double) * 4);
	return (c[0] + c[1] + c[2] + c[3]) > 0;
}

Datum
mlpipe_precision_final(PG_FUNCTION_ARGS)
{
	double		c[4];

	if (!BinaryCounts(fcinfo, c))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(Ratio(c[0], c[0] + c[1]));
}

Datum
mlpipe_recall_final(PG_FUNCTION_ARGS)
{
	double		c[4];

	if (!BinaryCounts(fcinfo, c))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(Ratio(c[0], c[0] + c[2]));
}

Datum
mlpipe_f1_final(PG_FUNCTION_ARGS)
{
	double		c[4];

	if (!BinaryCounts(fcinfo, c))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(Ratio(2 * c[0], 2 * c[0] + c[1] + c[2]));
}

/* Matthews correlation; 0 when a margin is empty, as scikit-learn. */
Datum
mlpipe_mcc_final(PG_FUNCTION_ARGS)
{
	double		c[4];
	double		tp,
				fp,
				fn,
				tn,
				den;

	if (!BinaryCounts(fcinfo, c))
		PG_RETURN_NULL();
	tp = c[0];
	fp = c[1];
	fn = c[2];
	tn = c[3];
	den = sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
	PG_RETURN_FLOAT8(den > 0 ? (tp * tn - fp * fn) / den : 0.0);
}

/* (state [n, sum], y_true boolean, probability of true) */
Datum
mlpipe_log_loss_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *state = StateArg(fcinfo);
	double	   *st = FixedState(state, 2);
	bool		y = PG_GETARG_BOOL(1);
	double		p = PG_GETARG_FLOAT8(2);

	if (isnan(p))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("probability is NaN")));
	/* clipped to [eps, 1 - eps] as scikit-learn does */
	p = Min(Max(p, DBL_EPSILON), 1.0 - DBL_EPSILON);
	st[0] += 1;
	st[1] -= y ? log(p) : log(1.0 - p);
	PG_RETURN_ARRAYTYPE_P(state);
}

Datum
mlpipe_log_loss_final(PG_FUNCTION_ARGS)
{
	double	   *st = FixedState(PG_GETARG_ARRAYTYPE_P(0), 2);

	if (st[0] == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(st[1] / st[0]);
}

/*
 * Score states keep every (score, label) pair: [n, cap, s0, l0, s1, l1, ...].
 * Exact, tie-aware AUCs need them all; 16 bytes a row, held against
 * mlpipe.max_memory.
 */
static double *
ScoresData(ArrayType *a)
{
	double	   *d;
	int			len;

	if (ARR_NDIM(a) != 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT8OID ||
		ARR_DIMS(a)[0] < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("float8[] is not a score state")));
	d = (double *) ARR_DATA_PTR(a);
	len = ARR_DIMS(a)[0];
	if (!(d[0] >= 0 && d[1] >= d[0] && 2 + 2 * d[1] == len))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("float8[] is not a score state")));
	return d;
}

/*
 * The bytes of a score state with room for cap pairs, refused past
 * mlpipe.max_memory or 1 GB.
 */
static Size
ScoresBytes(int64 cap)
{
	Size		len = add_size(2, mul_size(2, (Size) cap));
	Size		bytes = add_size(ARR_OVERHEAD_NONULLS(1), mul_size(len, sizeof(double)));

	MlpCheckMemory(bytes, "the score aggregate");
	/* one value may not pass 1 GB: its length header would wrap */
	if (!AllocSizeIsValid(bytes) || len > (Size) INT_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many rows for an exact AUC"),
				 errdetail("The scores of one group are kept in one value of at most 1 GB, about 67 million rows.")));
	return bytes;
}

/* A new score state with room for cap pairs, the first n copied from old. */
static ArrayType *
NewScores(int64 cap, const double *old, int64 n)
{
	Size		bytes = ScoresBytes(cap);
	ArrayType  *a;
	double	   *d;

	/* zeroed: the spare room is part of the value users and workers see */
	a = (ArrayType *) palloc0(bytes);
	MlpInitFloat8Array(a, bytes, (int) (2 + 2 * cap));
	d = (double *) ARR_DATA_PTR(a);
	d[0] = (double) n;
	d[1] = (double) cap;
	if (n > 0)
		memcpy(d + 2, old, sizeof(double) * 2 * n);
	return a;
}

/*
 * Append a pair to flat state a (ours to change), in place while there is
 * room, else into a copy with room for twice the pairs.
 */
static Datum
ScoresAppendFlat(ArrayType *a, double s, bool y)
{
	double	   *d = ScoresData(a);
	int64		n = (int64) d[0];

	if (n == (int64) d[1])
	{
		a = NewScores(Max(64, 2 * n), d + 2, n);
		d = (double *) ARR_DATA_PTR(a);
	}
	d[2 + 2 * n] = s;
	d[3 + 2 * n] = y ? 1.0 : 0.0;
	d[0] = (double) (n + 1);
	PG_RETURN_ARRAYTYPE_P(a);
}

/*
 * Sorting scores.  The AUCs only need, for each distinct score in order,
 * how many positives and negatives have it: with 0/1 labels the positives'
 * scores and the negatives' scores are sorted apart, as 8-byte keys, and
 * walked together one group of equal scores at a time.  The counts of a
 * group are exact integers, so every sum below is the same as over the
 * pairs one by one, in any order within a group.
 *
 * A float8 maps to an unsigned key in the same order: all bits flipped for
 * a negative, the sign bit flipped otherwise; -0 maps as +0 (they compare
 * equal).  NaN has no place in that order and is refused.  The keys are
 * sorted by LSD radix sort, 11 bits a pass, skipping the passes whose digit
 * is the same in every key (a probability's top bits are).
 *
 * States built by hand may hold labels other than 0 and 1; their pairs are
 * sorted by qsort as before, and the sums keep their order.
 */
#define SCORE_SIGN		UINT64CONST(0x8000000000000000)
#define RADIX_BITS		11
#define RADIX_BUCKETS	(1 << RADIX_BITS)
#define RADIX_PASSES	6		/* 66 bits */

static inline uint64
ScoreKey(double s)
{
	uint64		u;

	if (s == 0)
		s = 0.0;				/* -0 sorts as +0 */
	memcpy(&u, &s, sizeof(u));
	return (u & SCORE_SIGN) ? ~u : u | SCORE_SIGN;
}

static inline double
KeyScore(uint64 k)
{
	uint64		u = (k & SCORE_SIGN) ? k & ~SCORE_SIGN : ~k;
	double		s;

	memcpy(&s, &u, sizeof(s));
	return s;
}

/*
 * Inside an aggregate the state is an expanded object that keeps the
 * scores as their sort keys, the positives' and the negatives' apart, in
 * buffers that grow by repalloc: a row appends in place, growing copies
 * nothing the executor sees (a flat state returned larger is copied whole
 * into the aggregate's context, its spare room zeroed), a row takes 8
 * bytes, and the final function sorts the keys as they are.  Where the
 * state leaves the aggregate (a parallel worker's partial state, a copy)
 * it flattens to the float8[] above, without spare room, the positives
 * first.  cap is the room the flat state would have had, grown the same
 * way, so the same rows are refused.
 *
 * Small states stay flat, as they were: each object has a memory context
 * of its own, and a hash aggregate sums its context's children for every
 * new group, so one per group would make many small groups quadratic.
 *
 * Pairs that keys cannot hold (a NaN score or a label other than 0 and 1,
 * only in states built by hand) turn the object into plain pairs.
 */
#define SCORES_OBJECT_ROWS	65536
typedef struct ScoresObject
{
	ExpandedObjectHeader hdr;
	int64		n;				/* pairs */
	int64		cap;			/* a flat state's room, for its limits */
	bool		keyed;
	uint64	   *key[2];			/* keyed: [0] the negatives', [1] the positives' */
	int64		nkey[2];
	int64		keycap[2];
	double	   *pairs;			/* not keyed: score, label, ... */
	int64		paircap;
} ScoresObject;

static Size
ScoresFlatSize(ExpandedObjectHeader *eohptr)
{
	ScoresObject *so = (ScoresObject *) eohptr;

	return ARR_OVERHEAD_NONULLS(1) + sizeof(double) * (2 + 2 * (Size) so->n);
}

static void
ScoresFlatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	ScoresObject *so = (ScoresObject *) eohptr;
	ArrayType  *a = (ArrayType *) result;
	double	   *d;

	Assert(allocated_size == ScoresFlatSize(eohptr));
	MlpInitFloat8Array(a, allocated_size, (int) (2 + 2 * so->n));
	d = (double *) ARR_DATA_PTR(a);
	d[0] = (double) so->n;
	d[1] = (double) so->n;
	d += 2;
	if (!so->keyed)
	{
		if (so->n > 0)
			memcpy(d, so->pairs, sizeof(double) * 2 * so->n);
		return;
	}
	for (int p = 1; p >= 0; p--)
		for (int64 i = 0; i < so->nkey[p]; i++)
		{
			*d++ = KeyScore(so->key[p][i]);
			*d++ = (double) p;
		}
}

static const ExpandedObjectMethods ScoresMethods = {
	ScoresFlatSize,
	ScoresFlatten
};

/* The score object a datum points to, or NULL for a flat state. */
static inline ScoresObject *
ScoresObjectOf(Datum d)
{
	ExpandedObjectHeader *eoh;

	if (!VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
		return NULL;
	eoh = DatumGetEOHP(d);
	return eoh->eoh_methods == &ScoresMethods ? (ScoresObject *) eoh : NULL;
}

/* Raise the room a flat state would have to cap, within its limits. */
static void
ScoresObjectRoom(ScoresObject *so, int64 cap)
{
	(void) ScoresBytes(cap);
	so->cap = cap;
}

/* Let buffer *buf (of *bufcap elements of size each) hold at least need. */
static void
GrowBuffer(ScoresObject *so, void **buf, int64 *bufcap, int64 need, Size size)
{
	int64		cap = Max(need, Max(16, 2 * *bufcap));
	Size		bytes = mul_size(size, (Size) cap);

	if (*buf == NULL)
		*buf = MemoryContextAllocExtended(so->hdr.eoh_context, bytes, MCXT_ALLOC_HUGE);
	else
		*buf = repalloc_huge(*buf, bytes);
	*bufcap = cap;
}

/* Append one key: of a positive when p. */
static inline void
ScoresPushKey(ScoresObject *so, int p, uint64 k)
{
	if (unlikely(so->nkey[p] == so->keycap[p]))
		GrowBuffer(so, (void **) &so->key[p], &so->keycap[p], so->nkey[p] + 1,
				   sizeof(uint64));
	so->key[p][so->nkey[p]++] = k;
	so->n++;
}

/* Append one pair to an object of plain pairs. */
static void
ScoresPushPair(ScoresObject *so, double s, double l)
{
	if (so->n == so->paircap)
		GrowBuffer(so, (void **) &so->pairs, &so->paircap, so->n + 1,
				   sizeof(double) * 2);
	so->pairs[2 * so->n] = s;
	so->pairs[2 * so->n + 1] = l;
	so->n++;
}

/* Turn a keyed object into plain pairs, the positives first. */
static void
ScoresToPairs(ScoresObject *so)
{
	int64		n = so->n;

	so->n = 0;
	so->keyed = false;
	GrowBuffer(so, (void **) &so->pairs, &so->paircap, n, sizeof(double) * 2);
	for (int p = 1; p >= 0; p--)
	{
		for (int64 i = 0; i < so->nkey[p]; i++)
			ScoresPushPair(so, KeyScore(so->key[p][i]), (double) p);
		if (so->key[p])
			pfree(so->key[p]);
		so->key[p] = NULL;
		so->nkey[p] = so->keycap[p] = 0;
	}
}

/* Append nb flat pairs (score, label, ...). */
static void
ScoresAppendPairs(ScoresObject *so, const double *b, int64 nb)
{
	int64		npos = 0;
	uint64	   *kp;
	uint64	   *kn;

	if (so->keyed)
	{
		for (int64 i = 0; i < nb; i++)
		{
			double		l = b[2 * i + 1];

			if (isnan(b[2 * i]) || (l != 0 && l != 1))
			{
				ScoresToPairs(so);
				break;
			}
			npos += (l == 1);
		}
	}
	if (!so->keyed)
	{
		for (int64 i = 0; i < nb; i++)
			ScoresPushPair(so, b[2 * i], b[2 * i + 1]);
		return;
	}
	if (so->nkey[1] + npos > so->keycap[1])
		GrowBuffer(so, (void **) &so->key[1], &so->keycap[1], so->nkey[1] + npos,
				   sizeof(uint64));
	if (so->nkey[0] + nb - npos > so->keycap[0])
		GrowBuffer(so, (void **) &so->key[0], &so->keycap[0], so->nkey[0] + nb - npos,
				   sizeof(uint64));
	kp = so->key[1] + so->nkey[1];
	kn = so->key[0] + so->nkey[0];
	for (int64 i = 0; i < nb; i++)
	{
		uint64		k = ScoreKey(b[2 * i]);

		if (b[2 * i + 1] == 1)
			*kp++ = k;
		else
			*kn++ = k;
	}
	so->nkey[1] += npos;
	so->nkey[0] += nb - npos;
	so->n += nb;
}

/* Append the pairs of another score object. */
static void
ScoresAppendObject(ScoresObject *so, const ScoresObject *b)
{
	if (!b->keyed)
	{
		ScoresAppendPairs(so, b->pairs, b->n);
		return;
	}
	/* positives first, as ScoresFlatten and ScoresToPairs write them */
	for (int p = 1; p >= 0; p--)
	{
		if (!so->keyed)
		{
			for (int64 i = 0; i < b->nkey[p]; i++)
				ScoresPushPair(so, KeyScore(b->key[p][i]), (double) p);
			continue;
		}
		if (b->nkey[p] == 0)
			continue;
		if (so->nkey[p] + b->nkey[p] > so->keycap[p])
			GrowBuffer(so, (void **) &so->key[p], &so->keycap[p],
					   so->nkey[p] + b->nkey[p], sizeof(uint64));
		memcpy(so->key[p] + so->nkey[p], b->key[p], sizeof(uint64) * b->nkey[p]);
		so->nkey[p] += b->nkey[p];
		so->n += b->nkey[p];
	}
}

/* A new, empty score object in a context under cxt, with a flat state's room cap. */
static ScoresObject *
NewScoresObject(MemoryContext cxt, int64 cap)
{
	MemoryContext objcxt = AllocSetContextCreate(cxt, "mlpipe scores",
												 ALLOCSET_SMALL_SIZES);
	ScoresObject *so = MemoryContextAllocZero(objcxt, sizeof(ScoresObject));

	EOH_init_header(&so->hdr, &ScoresMethods, objcxt);
	so->keyed = true;
	so->cap = cap;
	return so;
}

/*
 * The pairs of a flat score state or of an object of plain pairs, read
 * only: n, and where they are (score, label, score, label, ...); NULL for
 * a keyed object.
 */
static const double *
ScoresPairs(FunctionCallInfo fcinfo, int argno, int64 *n)
{
	ScoresObject *so = ScoresObjectOf(PG_GETARG_DATUM(argno));
	double	   *d;

	if (so)
	{
		*n = so->n;
		return so->keyed ? NULL : so->pairs;
	}
	d = ScoresData(PG_GETARG_ARRAYTYPE_P(argno));
	*n = (int64) d[0];
	return d + 2;
}

/*
 * The state argument of a transition or combine call inside an aggregate,
 * as a score object to change in place: the argument itself when it is
 * one (the aggregate's own, read-write), else a new one under the
 * aggregate's context with the state's pairs and room, which the aggregate
 * adopts when it is returned.
 */
static ScoresObject *
ScoresStateObject(FunctionCallInfo fcinfo, MemoryContext aggcxt)
{
	Datum		d = PG_GETARG_DATUM(0);
	ScoresObject *so = ScoresObjectOf(d);
	ScoresObject *copy;
	double	   *flat;

	if (likely(so != NULL) && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)))
		return so;
	if (so)
	{
		copy = NewScoresObject(aggcxt, so->n);
		ScoresAppendObject(copy, so);
		return copy;
	}
	flat = ScoresData(PG_GETARG_ARRAYTYPE_P(0));
	copy = NewScoresObject(aggcxt, (int64) flat[1]);
	ScoresAppendPairs(copy, flat + 2, (int64) flat[0]);
	return copy;
}

/*
 * (state, y_true boolean, score): append in place while there is room;
 * otherwise grow the state to twice the pairs.  Inside an aggregate the
 * state is changed in place and, once it outgrows SCORES_OBJECT_ROWS,
 * becomes a score object; outside, a flat copy, larger when full.
 */
Datum
mlpipe_scores_accum(PG_FUNCTION_ARGS)
{
	double		s = PG_GETARG_FLOAT8(2);
	bool		y = PG_GETARG_BOOL(1);
	MemoryContext aggcxt;
	ArrayType  *state;
	double	   *d;
	int64		n;

	if (isnan(s))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("score is NaN")));
	if (AggCheckCallContext(fcinfo, &aggcxt))
	{
		ScoresObject *so = ScoresObjectOf(PG_GETARG_DATUM(0));

		if (so == NULL)
		{
			state = PG_GETARG_ARRAYTYPE_P(0);
			d = ScoresData(state);
			n = (int64) d[0];
			if (n < (int64) d[1] || 2 * n <= SCORES_OBJECT_ROWS)
				return ScoresAppendFlat(state, s, y);
		}
		so = ScoresStateObject(fcinfo, aggcxt);
		if (unlikely(so->n == so->cap))
			ScoresObjectRoom(so, Max(64, 2 * so->n));
		if (likely(so->keyed))
			ScoresPushKey(so, y, ScoreKey(s));
		else
			ScoresPushPair(so, s, y ? 1.0 : 0.0);
		PG_RETURN_DATUM(EOHPGetRWDatum(&so->hdr));
	}
	return ScoresAppendFlat(PG_GETARG_ARRAYTYPE_P_COPY(0), s, y);
}

/*
 * Combine two score states: all pairs of both.  Inside an aggregate,
 * past SCORES_OBJECT_ROWS, the first becomes a score object and grows in
 * place, its room to exactly their number.
 */
Datum
mlpipe_scores_combine(PG_FUNCTION_ARGS)
{
	ScoresObject *ao = ScoresObjectOf(PG_GETARG_DATUM(0));
	ScoresObject *bo = ScoresObjectOf(PG_GETARG_DATUM(1));
	int64		na;
	int64		nb;
	const double *a;
	const double *b;
	MemoryContext aggcxt;
	ArrayType  *out;
	double	   *d;

	if (AggCheckCallContext(fcinfo, &aggcxt))
	{
		na = ao ? ao->n : (int64) ScoresData(PG_GETARG_ARRAYTYPE_P(0))[0];
		nb = bo ? bo->n : (int64) ScoresData(PG_GETARG_ARRAYTYPE_P(1))[0];
		if (ao != NULL || na + nb > SCORES_OBJECT_ROWS)
		{
			ScoresObject *so = ScoresStateObject(fcinfo, aggcxt);

			if (so->n + nb > so->cap)
				ScoresObjectRoom(so, so->n + nb);
			if (bo)
				ScoresAppendObject(so, bo);
			else
				ScoresAppendPairs(so, ScoresData(PG_GETARG_ARRAYTYPE_P(1)) + 2, nb);
			PG_RETURN_DATUM(EOHPGetRWDatum(&so->hdr));
		}
	}
	/* flat states (an object flattens as an argument) */
	a = ScoresData(PG_GETARG_ARRAYTYPE_P(0));
	na = (int64) a[0];
	a += 2;
	d = ScoresData(PG_GETARG_ARRAYTYPE_P(1));
	nb = (int64) d[0];
	b = d + 2;
	out = NewScores(na + nb, a, na);
	d = (double *) ARR_DATA_PTR(out);
	if (nb > 0)
		memcpy(d + 2 + 2 * na, b, sizeof(double) * 2 * nb);
	d[0] = (double) (na + nb);
	PG_RETURN_ARRAYTYPE_P(out);
}

typedef struct ScorePair
{
	double		score;
	double		label;
} ScorePair;

static int
CompareScore(const void *a, const void *b)
{
	double		x = ((const ScorePair *) a)->score;
	double		y = ((const ScorePair *) b)->score;

	return (x > y) - (x < y);
}

/*
 * The sorted keys of the positives, pos[0 .. npos), and of the negatives,
 * neg[0 .. n - npos), each ascending; buf and tmp hold them (n keys each).
 */
typedef struct ScoreKeys
{
	int64		n;
	int64		npos;
	const uint64 *pos;
	const uint64 *neg;
	uint64	   *buf;
	uint64	   *tmp;
} ScoreKeys;

typedef enum
{
	KEYS_OK,
	KEYS_NAN,					/* a score is NaN */
	KEYS_LABELS					/* a label is neither 0 nor 1 */
} KeysResult;

/* Room for the keys of n scores, within mlpipe.max_memory. */
static void
ScoreKeysAlloc(ScoreKeys *sk, int64 n)
{
	Size		bytes = mul_size(sizeof(uint64), (Size) Max(n, 1));

	MlpCheckMemory(bytes, "sorting the scores");
	sk->buf = MemoryContextAllocExtended(CurrentMemoryContext, bytes, MCXT_ALLOC_HUGE);
	sk->tmp = MemoryContextAllocExtended(CurrentMemoryContext, bytes, MCXT_ALLOC_HUGE);
}

static void
ScoreKeysFree(ScoreKeys *sk)
{
	pfree(sk->buf);
	pfree(sk->tmp);
}

#define RADIX_MIN_KEYS	1024

static int
CompareKey(const void *a, const void *b)
{
	uint64		x = *(const uint64 *) a;
	uint64		y = *(const uint64 *) b;

	return (x > y) - (x < y);
}

/*
 * Sort the n keys at src by LSD radix sort, through a and b (room for n
 * keys each; b may be src).  Returns where the sorted keys are: src when
 * they were in order, else a or b.  Under RADIX_MIN_KEYS keys, qsort.
 */
static const uint64 *
RadixSortKeys(const uint64 *src, uint64 *a, uint64 *b, int64 n)
{
	uint32	   *cnt;
	uint32	   *c0,
			   *c1,
			   *c2,
			   *c3,
			   *c4,
			   *c5;
	uint64	   *dst = a;

	if (n < 2)
		return src;
	if (n < RADIX_MIN_KEYS)
	{
		/* few keys: the counts would cost more than the sort */
		memcpy(a, src, sizeof(uint64) * n);
		qsort(a, n, sizeof(uint64), CompareKey);
		return a;
	}
	/* the digit counts of every pass, in one read */
	cnt = palloc0(sizeof(uint32) * RADIX_PASSES * RADIX_BUCKETS);
	c0 = cnt;
	c1 = c0 + RADIX_BUCKETS;
	c2 = c1 + RADIX_BUCKETS;
	c3 = c2 + RADIX_BUCKETS;
	c4 = c3 + RADIX_BUCKETS;
	c5 = c4 + RADIX_BUCKETS;
	StaticAssertStmt(RADIX_PASSES == 6, "six digit counts");
	for (int64 i = 0; i < n; i++)
	{
		uint64		k = src[i];

		c0[k & (RADIX_BUCKETS - 1)]++;
		c1[(k >> RADIX_BITS) & (RADIX_BUCKETS - 1)]++;
		c2[(k >> (2 * RADIX_BITS)) & (RADIX_BUCKETS - 1)]++;
		c3[(k >> (3 * RADIX_BITS)) & (RADIX_BUCKETS - 1)]++;
		c4[(k >> (4 * RADIX_BITS)) & (RADIX_BUCKETS - 1)]++;
		c5[(k >> (5 * RADIX_BITS)) & (RADIX_BUCKETS - 1)]++;
	}
	for (int d = 0; d < RADIX_PASSES; d++)
	{
		uint32	   *c = cnt + d * RADIX_BUCKETS;
		int			shift = d * RADIX_BITS;
		uint32		sum = 0;

		/* a digit every key shares leaves the order as it is */
		if (c[(src[0] >> shift) & (RADIX_BUCKETS - 1)] == (uint32) n)
			continue;
		CHECK_FOR_INTERRUPTS();
		for (int b = 0; b < RADIX_BUCKETS; b++)
		{
			uint32		t = c[b];

			c[b] = sum;
			sum += t;
		}
		for (int64 i = 0; i < n; i++)
		{
			uint64		k = src[i];

			dst[c[(k >> shift) & (RADIX_BUCKETS - 1)]++] = k;
		}
		src = dst;
		dst = (dst == a) ? b : a;
	}
	pfree(cnt);
	return src;
}

/*
 * Sort the keys of n scores, score[i * sstride], whose labels are
 * label[i * lstride]: a row is positive when its label equals positive.
 * Unless any_label, a label other than 0 or 1 gives KEYS_LABELS (the
 * caller then sorts pairs).  sk has room for n keys (ScoreKeysAlloc).
 */
static KeysResult
SortScoreKeys(ScoreKeys *sk, const double *score, Size sstride,
			  const double *label, Size lstride, int64 n, double positive,
			  bool any_label)
{
	int64		ip = 0;
	int64		in = n;
	uint64	   *buf = sk->buf;

	/* digit counts fit 32 bits: the states are under 1 GB */
	if (n > (int64) PG_UINT32_MAX)
		return KEYS_LABELS;
	/* positives from the front, negatives from the back */
	for (int64 i = 0; i < n; i++)
	{
		double		s = score[i * sstride];
		double		l = label[i * lstride];
		int			p = (l == positive);

		if (unlikely(isnan(s)))
			return KEYS_NAN;
		if (unlikely(!any_label && l != 0 && l != 1))
			return KEYS_LABELS;
		buf[p ? ip : in - 1] = ScoreKey(s);
		ip += p;
		in -= 1 - p;
	}
	sk->n = n;
	sk->npos = ip;
	CHECK_FOR_INTERRUPTS();
	sk->pos = RadixSortKeys(buf, sk->tmp, buf, ip);
	sk->neg = RadixSortKeys(buf + ip, sk->tmp + ip, buf + ip, n - ip);
	return KEYS_OK;
}

/*
 * Walks over the groups of equal scores of sorted keys, from the lowest
 * (up) or the highest: next unvisited positive and negative, counted from
 * the start going up, from the end going down.
 */
typedef struct GroupWalk
{
	const ScoreKeys *sk;
	int64		pi;
	int64		ni;
} GroupWalk;

static inline bool
NextGroupUp(GroupWalk *w, uint64 *key, int64 *pos, int64 *cnt)
{
	const ScoreKeys *sk = w->sk;
	int64		npos = sk->npos;
	int64		nneg = sk->n - sk->npos;
	int64		p0 = w->pi;
	int64		n0 = w->ni;
	uint64		k;

	if (w->pi < npos && (w->ni >= nneg || sk->pos[w->pi] <= sk->neg[w->ni]))
		k = sk->pos[w->pi];
	else if (w->ni < nneg)
		k = sk->neg[w->ni];
	else
		return false;
	while (w->pi < npos && sk->pos[w->pi] == k)
		w->pi++;
	while (w->ni < nneg && sk->neg[w->ni] == k)
		w->ni++;
	*key = k;
	*pos = w->pi - p0;
	*cnt = *pos + (w->ni - n0);
	return true;
}

static inline bool
NextGroupDown(GroupWalk *w, uint64 *key, int64 *pos, int64 *cnt)
{
	const ScoreKeys *sk = w->sk;
	int64		p0 = w->pi;
	int64		n0 = w->ni;
	uint64		k;

	if (w->pi > 0 && (w->ni == 0 || sk->pos[w->pi - 1] >= sk->neg[w->ni - 1]))
		k = sk->pos[w->pi - 1];
	else if (w->ni > 0)
		k = sk->neg[w->ni - 1];
	else
		return false;
	while (w->pi > 0 && sk->pos[w->pi - 1] == k)
		w->pi--;
	while (w->ni > 0 && sk->neg[w->ni - 1] == k)
		w->ni--;
	*key = k;
	*pos = p0 - w->pi;
	*cnt = *pos + (n0 - w->ni);
	return true;
}

static void
WalkUp(GroupWalk *w, const ScoreKeys *sk)
{
	w->sk = sk;
	w->pi = 0;
	w->ni = 0;
}

static void
WalkDown(GroupWalk *w, const ScoreKeys *sk)
{
	w->sk = sk;
	w->pi = sk->npos;
	w->ni = sk->n - sk->npos;
}

/* The exact, tie-aware AUC of n (score, 0/1 label) pairs, sorted by score. */
static double
PairsAuc(const ScorePair *p, int64 n, double npos)
{
	double		rank_sum = 0;
	int64		i = 0;

	while (i < n)
	{
		int64		j = i;
		double		pos = 0;

		while (j < n && p[j].score == p[i].score)
			pos += p[j++].label;
		rank_sum += pos * ((double) (i + 1) + (double) j) / 2.0;
		i = j;
	}
	return (rank_sum - npos * (npos + 1) / 2.0) / (npos * ((double) n - npos));
}

/* The same from sorted keys: each group adds its positives times its mean rank. */
static double
KeysAuc(const ScoreKeys *sk)
{
	GroupWalk	w;
	uint64		key;
	int64		pos;
	int64		cnt;
	double		rank_sum = 0;
	double		npos = (double) sk->npos;
	int64		i = 0;

	WalkUp(&w, sk);
	while (NextGroupUp(&w, &key, &pos, &cnt))
	{
		int64		j = i + cnt;

		rank_sum += (double) pos * ((double) (i + 1) + (double) j) / 2.0;
		i = j;
	}
	return (rank_sum - npos * (npos + 1) / 2.0) / (npos * ((double) sk->n - npos));
}

/*
 * Average precision of n pairs sorted by ascending score: the sum over
 * descending score thresholds of precision times the recall gained.
 */
static double
PairsAveragePrecision(const ScorePair *p, int64 n, double npos)
{
	double		tp = 0;
	double		fp = 0;
	double		ap = 0;
	double		prev_recall = 0;
	int64		i = n - 1;

	while (i >= 0)
	{
		int64		j = i;
		double		recall;

		while (j >= 0 && p[j].score == p[i].score)
		{
			tp += p[j].label;
			fp += 1 - p[j].label;
			j--;
		}
		recall = tp / npos;
		ap += (recall - prev_recall) * (tp / (tp + fp));
		prev_recall = recall;
		i = j;
	}
	return ap;
}

/* The same from sorted keys. */
static double
KeysAveragePrecision(const ScoreKeys *sk)
{
	GroupWalk	w;
	uint64		key;
	int64		pos;
	int64		cnt;
	double		tp = 0;
	double		fp = 0;
	double		ap = 0;
	double		prev_recall = 0;
	double		npos = (double) sk->npos;

	WalkDown(&w, sk);
	while (NextGroupDown(&w, &key, &pos, &cnt))
	{
		double		recall;

		tp += (double) pos;
		fp += (double) (cnt - pos);
		recall = tp / npos;
		ap += (recall - prev_recall) * (tp / (tp + fp));
		prev_recall = recall;
	}
	return ap;
}

/*
 * The scores of a state, sorted: as keys (pairs NULL) when every label is
 * 0 or 1, else as pairs by ascending score.  npos: the sum of the labels.
 * NaN scores are refused.
 */
typedef struct SortedScores
{
	int64		n;
	double		npos;
	ScoreKeys	keys;
	ScorePair  *pairs;
} SortedScores;

static void
SortedStateScores(FunctionCallInfo fcinfo, SortedScores *ss)
{
	int64		n;
	const double *d = ScoresPairs(fcinfo, 0, &n);
	KeysResult	r;

	ss->n = n;
	ss->npos = 0;
	ss->pairs = NULL;
	if (n == 0)
		return;
	ScoreKeysAlloc(&ss->keys, n);
	if (d == NULL)
	{
		/* a keyed object: its keys sorted, left as they are */
		ScoresObject *so = ScoresObjectOf(PG_GETARG_DATUM(0));
		ScoreKeys  *sk = &ss->keys;
		int64		np = so->nkey[1];

		sk->n = n;
		sk->npos = np;
		ss->npos = (double) np;
		CHECK_FOR_INTERRUPTS();
		sk->pos = RadixSortKeys(so->key[1], sk->buf, sk->tmp, np);
		sk->neg = RadixSortKeys(so->key[0], sk->buf + np, sk->tmp + np, n - np);
		return;
	}
	r = SortScoreKeys(&ss->keys, d, 2, d + 1, 2, n, 1.0, false);
	if (r == KEYS_NAN)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("score is NaN")));
	if (r == KEYS_OK)
	{
		ss->npos = (double) ss->keys.npos;
		return;
	}
	ScoreKeysFree(&ss->keys);
	ss->pairs = MemoryContextAllocExtended(CurrentMemoryContext,
										   mul_size(sizeof(ScorePair), (Size) n),
										   MCXT_ALLOC_HUGE);
	memcpy(ss->pairs, d, sizeof(ScorePair) * n);
	for (int64 i = 0; i < n; i++)
	{
		if (isnan(ss->pairs[i].score))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("score is NaN")));
		ss->npos += ss->pairs[i].label;
	}
	CHECK_FOR_INTERRUPTS();
	qsort(ss->pairs, n, sizeof(ScorePair), CompareScore);
}

/*
 * ROC AUC and average precision of n (score, label) pairs in any order
 * (sorted here), labels 0 or 1; NaN when a class is missing or a score is
 * NaN.  For training's stored metrics.
 */
void
MlpBinaryScores(const double *score, const double *label, int64 n, double *auc,
				double *ap)
{
	ScoreKeys	sk;
	KeysResult	r;

	*auc = *ap = NAN;
	if (n == 0)
		return;
	ScoreKeysAlloc(&sk, n);
	r = SortScoreKeys(&sk, score, 1, label, 1, n, 1.0, false);
	if (r == KEYS_OK && sk.npos > 0)
	{
		*ap = KeysAveragePrecision(&sk);
		if (sk.npos < n)
			*auc = KeysAuc(&sk);
	}
	ScoreKeysFree(&sk);
	if (r == KEYS_LABELS)
	{
		/* labels other than 0 and 1: pairs, as the aggregates sort them */
		ScorePair  *p = MemoryContextAllocExtended(CurrentMemoryContext,
												   mul_size(sizeof(ScorePair), (Size) n),
												   MCXT_ALLOC_HUGE);
		double		npos = 0;
		bool		nan = false;

		for (int64 i = 0; i < n; i++)
		{
			p[i].score = score[i];
			p[i].label = label[i];
			npos += label[i];
			nan |= isnan(score[i]);
		}
		if (npos != 0 && !nan)
		{
			CHECK_FOR_INTERRUPTS();
			qsort(p, n, sizeof(ScorePair), CompareScore);
			*ap = PairsAveragePrecision(p, n, npos);
			if (npos < (double) n)
				*auc = PairsAuc(p, n, npos);
		}
		pfree(p);
	}
}

/*
 * Area under the ROC curve from the rank sum of the positives (ties get
 * their average rank), which equals the trapezoidal area scikit-learn
 * computes; NULL when one class is missing.
 */
Datum
mlpipe_roc_auc_final(PG_FUNCTION_ARGS)
{
	SortedScores ss;

	SortedStateScores(fcinfo, &ss);
	if (ss.n == 0 || ss.npos == 0 || ss.npos == (double) ss.n)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(ss.pairs ? PairsAuc(ss.pairs, ss.n, ss.npos) : KeysAuc(&ss.keys));
}

/*
 * Average precision, as scikit-learn's average_precision_score: the sum
 * over descending score thresholds of precision times the recall gained.
 */
Datum
mlpipe_pr_auc_final(PG_FUNCTION_ARGS)
{
	SortedScores ss;

	SortedStateScores(fcinfo, &ss);
	if (ss.n == 0 || ss.npos == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(ss.pairs ? PairsAveragePrecision(ss.pairs, ss.n, ss.npos) :
					 KeysAveragePrecision(&ss.keys));
}

/*
 * The ROC curve as scikit-learn 1.2's roc_curve(drop_intermediate=True)
 * gives it: one point per distinct score, from the highest, with the
 * cumulative false and true positive rates; points on a straight segment
 * between their neighbours dropped; a first point (0, 0) at the highest
 * score plus 1.  {"threshold": [...], "fpr": [...], "tpr": [...]}, or NULL
 * when a class is missing.
 */
Datum
mlpipe_roc_curve_final(PG_FUNCTION_ARGS)
{
	SortedScores ss;
	int64		n;
	double	   *thr;
	double	   *tps;
	double	   *fps;
	int64		m = 0;
	double		tp = 0;
	double		fp = 0;
	StringInfoData s;

	SortedStateScores(fcinfo, &ss);
	n = ss.n;
	if (n == 0 || ss.npos == 0 || ss.npos == (double) n)
		PG_RETURN_NULL();
	thr = palloc(sizeof(double) * (n + 1));
	tps = palloc(sizeof(double) * (n + 1));
	fps = palloc(sizeof(double) * (n + 1));
	if (ss.pairs == NULL)
	{
		GroupWalk	w;
		uint64		key;
		int64		pos;
		int64		cnt;

		WalkDown(&w, &ss.keys);
		while (NextGroupDown(&w, &key, &pos, &cnt))
		{
			tp += (double) pos;
			fp += (double) (cnt - pos);
			thr[m] = KeyScore(key);
			tps[m] = tp;
			fps[m] = fp;
			m++;
		}
	}
	else
	{
		const ScorePair *p = ss.pairs;

		for (int64 i = n - 1; i >= 0;)
		{
			int64		j = i;

			while (j >= 0 && p[j].score == p[i].score)
			{
				tp += p[j].label;
				fp += 1 - p[j].label;
				j--;
			}
			thr[m] = p[i].score;
			tps[m] = tp;
			fps[m] = fp;
			m++;
			i = j;
		}
	}
	initStringInfo(&s);
	for (int pass = 0; pass < 3; pass++)
	{
		appendStringInfoString(&s, pass == 0 ? "{\"threshold\": [" :
							   pass == 1 ? "], \"fpr\": [" : "], \"tpr\": [");
		/* the added first point */
		if (pass == 0)
			MlpAppendJsonNumber(&s, thr[0] + 1);
		else
			appendStringInfoString(&s, "0");
		for (int64 k = 0; k < m; k++)
		{
			/* kept: the ends, and where the second difference is not 0 */
			if (k > 0 && k < m - 1 &&
				fps[k + 1] - 2 * fps[k] + fps[k - 1] == 0 &&
				tps[k + 1] - 2 * tps[k] + tps[k - 1] == 0)
				continue;
			appendStringInfoString(&s, ", ");
			MlpAppendJsonNumber(&s, pass == 0 ? thr[k] :
								pass == 1 ? fps[k] / fps[m - 1] : tps[k] / tps[m - 1]);
		}
	}
	appendStringInfoString(&s, "]}");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(s.data)));
}

/*
 * The position of a row's true label among the classes its probabilities
 * are in the order of (compared as the text the label's type prints), and
 * the probabilities, checked: one per class, finite, at least 0.
 */
static int
ProbaRow(FunctionCallInfo fcinfo, double **proba, int *k)
{
	ArrayType  *pa = PG_GETARG_ARRAYTYPE_P(2);
	ArrayType  *ca = PG_GETARG_ARRAYTYPE_P(3);
	Datum	   *cls;
	bool	   *nulls;
	int			nc;
	char	   *label;
	Oid			func;
	bool		isvarlena;
	int			found = -1;

	if (ARR_NDIM(pa) != 1 || ARR_HASNULL(pa) || ARR_NDIM(ca) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("probabilities and classes must be one-dimensional arrays without NULLs")));
	deconstruct_array(ca, TEXTOID, -1, false, TYPALIGN_INT, &cls, &nulls, &nc);
	*k = ARR_DIMS(pa)[0];
	if (nc != *k || *k < 2)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%d probabilities for %d classes", *k, nc),
				 errhint("Give one probability per class, in the order of the classes (at least 2).")));
	getTypeOutputInfo(get_fn_expr_argtype(fcinfo->flinfo, 1), &func, &isvarlena);
	label = OidOutputFunctionCall(func, PG_GETARG_DATUM(1));
	for (int i = 0; i < nc; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("classes must not contain NULL")));
		if (strcmp(TextDatumGetCString(cls[i]), label) == 0)
			found = i;
	}
	if (found < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("label \"%s\" is not among the classes", label)));
	*proba = (double *) ARR_DATA_PTR(pa);
	for (int i = 0; i < *k; i++)
		if (!isfinite((*proba)[i]) || (*proba)[i] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("probability %g is not a finite number of at least 0", (*proba)[i])));
	return found;
}

/*
 * (state [n, sum], y_true, proba, classes): scikit-learn 1.2's log_loss of
 * many classes: probabilities clipped to [eps, 1 - eps] (eps the float8
 * machine epsilon, scikit-learn's "auto"), each row
 * normalised to sum 1, then -log of the true class's.
 */
Datum
mlpipe_proba_log_loss_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *state = StateArg(fcinfo);
	double	   *st = FixedState(state, 2);
	double	   *p;
	int			k;
	int			t = ProbaRow(fcinfo, &p, &k);
	double		eps = DBL_EPSILON;
	double		sum = 0;

	for (int i = 0; i < k; i++)
		sum += Min(Max(p[i], eps), 1 - eps);
	st[0] += 1;
	st[1] -= log(Min(Max(p[t], eps), 1 - eps) / sum);
	PG_RETURN_ARRAYTYPE_P(state);
}

/* A new probability state: [n, cap, k], then cap rows of (class, k probabilities). */
static ArrayType *
NewProba(int64 cap, int k, const double *old, int64 n)
{
	Size		len = add_size(3, mul_size((Size) cap, (Size) k + 1));
	Size		bytes = add_size(ARR_OVERHEAD_NONULLS(1), mul_size(len, sizeof(double)));
	ArrayType  *a;
	double	   *d;

	MlpCheckMemory(bytes, "the probability aggregate");
	if (!AllocSizeIsValid(bytes) || len > (Size) INT_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many rows for an exact AUC"),
				 errdetail("The probabilities of one group are kept in one value of at most 1 GB.")));
	a = (ArrayType *) palloc0(bytes);
	MlpInitFloat8Array(a, bytes, (int) len);
	d = (double *) ARR_DATA_PTR(a);
	d[0] = (double) n;
	d[1] = (double) cap;
	d[2] = (double) k;
	if (n > 0)
		memcpy(d + 3, old + 3, sizeof(double) * (Size) n * (k + 1));
	return a;
}

/* The data of a probability state, checked. */
static double *
ProbaData(ArrayType *a)
{
	double	   *d;
	int			len;

	if (ARR_NDIM(a) != 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT8OID ||
		ARR_DIMS(a)[0] < 3)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("float8[] is not a probability state")));
	d = (double *) ARR_DATA_PTR(a);
	len = ARR_DIMS(a)[0];
	if (!(d[0] >= 0 && d[1] >= d[0] && d[2] >= 0 && d[2] <= 100000 &&
		  3 + d[1] * (d[2] + 1) == len))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("float8[] is not a probability state")));
	return d;
}

/* (state, y_true, proba, classes): keep the row for the final AUC. */
Datum
mlpipe_proba_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *state = StateArg(fcinfo);
	double	   *d = ProbaData(state);
	int64		n = (int64) d[0];
	double	   *p;
	int			k;
	int			t = ProbaRow(fcinfo, &p, &k);

	if (d[2] != 0 && (int) d[2] != k)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("rows give %d and %d probabilities", (int) d[2], k)));
	if (d[2] == 0 || n == (int64) d[1])
	{
		state = NewProba(Max(64, 2 * n), k, d, n);
		d = (double *) ARR_DATA_PTR(state);
	}
	d[3 + (Size) n * (k + 1)] = t;
	memcpy(d + 4 + (Size) n * (k + 1), p, sizeof(double) * k);
	d[0] = (double) (n + 1);
	PG_RETURN_ARRAYTYPE_P(state);
}

/* Combine two probability states: all rows of both. */
Datum
mlpipe_proba_combine(PG_FUNCTION_ARGS)
{
	double	   *a = ProbaData(PG_GETARG_ARRAYTYPE_P(0));
	double	   *b = ProbaData(PG_GETARG_ARRAYTYPE_P(1));
	int64		na = (int64) a[0];
	int64		nb = (int64) b[0];
	int			k = (int) Max(a[2], b[2]);
	ArrayType  *out;
	double	   *d;

	if (na > 0 && nb > 0 && a[2] != b[2])
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("rows give %d and %d probabilities", (int) a[2], (int) b[2])));
	out = NewProba(Max(na + nb, 1), k, na > 0 ? a : b, na > 0 ? na : nb);
	d = (double *) ARR_DATA_PTR(out);
	if (na > 0 && nb > 0)
		memcpy(d + 3 + (Size) na * (k + 1), b + 3, sizeof(double) * (Size) nb * (k + 1));
	d[0] = (double) (na + nb);
	PG_RETURN_ARRAYTYPE_P(out);
}

/*
 * One-vs-rest ROC AUC over many classes, macro averaged, as scikit-learn's
 * roc_auc_score(multi_class="ovr"); NULL when a class has no row or every
 * row (its AUC is undefined).
 */
Datum
mlpipe_roc_auc_ovr_final(PG_FUNCTION_ARGS)
{
	double	   *d = ProbaData(PG_GETARG_ARRAYTYPE_P(0));
	int64		n = (int64) d[0];
	int			k = (int) d[2];
	ScoreKeys	sk;
	KeysResult	r;
	double		sum = 0;

	if (n == 0)
		PG_RETURN_NULL();
	ScoreKeysAlloc(&sk, n);
	for (int c = 0; c < k; c++)
	{
		CHECK_FOR_INTERRUPTS();
		/* the class's probability, and whether the row is of the class */
		r = SortScoreKeys(&sk, d + 4 + c, (Size) k + 1, d + 3, (Size) k + 1, n,
						  (double) c, true);
		if (r == KEYS_NAN)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("probability is NaN")));
		if (r != KEYS_OK)
			elog(ERROR, "too many rows to sort");
		if (sk.npos == 0 || sk.npos == n)
			PG_RETURN_NULL();
		sum += KeysAuc(&sk);
	}
	PG_RETURN_FLOAT8(sum / k);
}
