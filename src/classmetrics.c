/*
 * classmetrics.c
 *	  Binary classification metric aggregates: accuracy, precision, recall,
 *	  f1, mcc (from label pairs), log_loss (from probabilities), roc_auc and
 *	  pr_auc (from scores).  Every state is a float8[] with a combine
 *	  function, so parallel query and Citus can split them.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
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

/* A new score state with room for cap pairs, the first n copied from old. */
static ArrayType *
NewScores(int64 cap, const double *old, int64 n)
{
	Size		len = add_size(2, mul_size(2, (Size) cap));
	Size		bytes = add_size(ARR_OVERHEAD_NONULLS(1), mul_size(len, sizeof(double)));
	ArrayType  *a;
	double	   *d;

	MlpCheckMemory(bytes, "the score aggregate");
	/* one value may not pass 1 GB: its length header would wrap */
	if (!AllocSizeIsValid(bytes) || len > (Size) INT_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many rows for an exact AUC"),
				 errdetail("The scores of one group are kept in one value of at most 1 GB, about 67 million rows.")));
	/* zeroed: the spare room is part of the value users and workers see */
	a = (ArrayType *) palloc0(bytes);
	SET_VARSIZE(a, bytes);
	a->ndim = 1;
	a->dataoffset = 0;
	a->elemtype = FLOAT8OID;
	ARR_DIMS(a)[0] = (int) len;
	ARR_LBOUND(a)[0] = 1;
	d = (double *) ARR_DATA_PTR(a);
	d[0] = (double) n;
	d[1] = (double) cap;
	if (n > 0)
		memcpy(d + 2, old + 2, sizeof(double) * 2 * n);
	return a;
}

/*
 * (state, y_true boolean, score): append in place while there is room;
 * otherwise return a larger copy (allocated per row: the aggregate copies
 * a new state into its own context and frees the old one).
 */
Datum
mlpipe_scores_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *state = StateArg(fcinfo);
	double	   *d = ScoresData(state);
	int64		n = (int64) d[0];
	double		s = PG_GETARG_FLOAT8(2);

	if (isnan(s))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("score is NaN")));
	if (n == (int64) d[1])
	{
		state = NewScores(Max(64, 2 * n), d, n);
		d = (double *) ARR_DATA_PTR(state);
	}
	d[2 + 2 * n] = s;
	d[3 + 2 * n] = PG_GETARG_BOOL(1) ? 1.0 : 0.0;
	d[0] = (double) (n + 1);
	PG_RETURN_ARRAYTYPE_P(state);
}

/* Combine two score states: all pairs of both. */
Datum
mlpipe_scores_combine(PG_FUNCTION_ARGS)
{
	double	   *a = ScoresData(PG_GETARG_ARRAYTYPE_P(0));
	double	   *b = ScoresData(PG_GETARG_ARRAYTYPE_P(1));
	int64		na = (int64) a[0];
	int64		nb = (int64) b[0];
	ArrayType  *out = NewScores(na + nb, a, na);
	double	   *d = (double *) ARR_DATA_PTR(out);

	if (nb > 0)
		memcpy(d + 2 + 2 * na, b + 2, sizeof(double) * 2 * nb);
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

/* The pairs of a score state, sorted by ascending score. */
static ScorePair *
SortedPairs(FunctionCallInfo fcinfo, int64 *n, double *npos)
{
	double	   *d = ScoresData(PG_GETARG_ARRAYTYPE_P(0));
	ScorePair  *p;

	*n = (int64) d[0];
	*npos = 0;
	if (*n == 0)
		return NULL;
	p = MemoryContextAllocExtended(CurrentMemoryContext,
								   sizeof(ScorePair) * (*n), MCXT_ALLOC_HUGE);
	memcpy(p, d + 2, sizeof(ScorePair) * (*n));
	for (int64 i = 0; i < *n; i++)
		*npos += p[i].label;
	CHECK_FOR_INTERRUPTS();
	qsort(p, *n, sizeof(ScorePair), CompareScore);
	return p;
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

/*
 * ROC AUC and average precision of n (score, 0/1 label) pairs in any
 * order (sorted here); NaN when a class is missing.  For training's
 * stored metrics.
 */
void
MlpBinaryScores(const double *score, const double *label, int64 n, double *auc,
				double *ap)
{
	ScorePair  *p = MemoryContextAllocExtended(CurrentMemoryContext,
											   sizeof(ScorePair) * Max(n, 1),
											   MCXT_ALLOC_HUGE);
	double		npos = 0;

	for (int64 i = 0; i < n; i++)
	{
		p[i].score = score[i];
		p[i].label = label[i];
		npos += label[i];
	}
	*auc = *ap = NAN;
	if (n == 0 || npos == 0)
		return;
	CHECK_FOR_INTERRUPTS();
	qsort(p, n, sizeof(ScorePair), CompareScore);
	*ap = PairsAveragePrecision(p, n, npos);
	if (npos < (double) n)
		*auc = PairsAuc(p, n, npos);
	pfree(p);
}

/*
 * Area under the ROC curve from the rank sum of the positives (ties get
 * their average rank), which equals the trapezoidal area scikit-learn
 * computes; NULL when one class is missing.
 */
Datum
mlpipe_roc_auc_final(PG_FUNCTION_ARGS)
{
	int64		n;
	double		npos;
	ScorePair  *p = SortedPairs(fcinfo, &n, &npos);

	if (n == 0 || npos == 0 || npos == (double) n)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(PairsAuc(p, n, npos));
}

/*
 * Average precision, as scikit-learn's average_precision_score: the sum
 * over descending score thresholds of precision times the recall gained.
 */
Datum
mlpipe_pr_auc_final(PG_FUNCTION_ARGS)
{
	int64		n;
	double		npos;
	ScorePair  *p = SortedPairs(fcinfo, &n, &npos);

	if (n == 0 || npos == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(PairsAveragePrecision(p, n, npos));
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
	int64		n;
	double		npos;
	ScorePair  *p = SortedPairs(fcinfo, &n, &npos);
	double	   *thr;
	double	   *tps;
	double	   *fps;
	int64		m = 0;
	double		tp = 0;
	double		fp = 0;
	StringInfoData s;

	if (n == 0 || npos == 0 || npos == (double) n)
		PG_RETURN_NULL();
	thr = palloc(sizeof(double) * (n + 1));
	tps = palloc(sizeof(double) * (n + 1));
	fps = palloc(sizeof(double) * (n + 1));
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
	SET_VARSIZE(a, bytes);
	a->ndim = 1;
	a->dataoffset = 0;
	a->elemtype = FLOAT8OID;
	ARR_DIMS(a)[0] = (int) len;
	ARR_LBOUND(a)[0] = 1;
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
	ScorePair  *p;
	double		sum = 0;

	if (n == 0)
		PG_RETURN_NULL();
	p = MemoryContextAllocExtended(CurrentMemoryContext, sizeof(ScorePair) * n,
								   MCXT_ALLOC_HUGE);
	for (int c = 0; c < k; c++)
	{
		double		npos = 0;

		CHECK_FOR_INTERRUPTS();
		for (int64 i = 0; i < n; i++)
		{
			const double *row = d + 3 + (Size) i * (k + 1);

			p[i].label = (row[0] == c) ? 1.0 : 0.0;
			p[i].score = row[1 + c];
			npos += p[i].label;
		}
		if (npos == 0 || npos == (double) n)
			PG_RETURN_NULL();
		qsort(p, n, sizeof(ScorePair), CompareScore);
		sum += PairsAuc(p, n, npos);
	}
	PG_RETURN_FLOAT8(sum / k);
}
