/*
 * nbstats.c
 *	  naive Bayes's class-conditional counts and moments: the
 *	  mlpipe_nb_stats aggregate (float8[] state updated in place, a combine
 *	  function for parallel plans and Citus), mlpipe_nb_solve, and the
 *	  update, merge and solve steps that training uses too.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "mlpipe.h"
#include "nbstats.h"

PG_FUNCTION_INFO_V1(mlpipe_nb_stats_accum);
PG_FUNCTION_INFO_V1(mlpipe_nb_stats_combine);
PG_FUNCTION_INFO_V1(mlpipe_nb_solve);

/* Welford's one-row update of a class block. */
void
NbStatsAddRow(double *block, int p, const double *x)
{
	double		n = block[1] + 1;
	double	   *mean = block + 2;
	double	   *m2 = block + 2 + p;

	for (int j = 0; j < p; j++)
	{
		double		d = x[j] - mean[j];

		mean[j] += d / n;
		m2[j] += d * (x[j] - mean[j]);
	}
	block[1] = n;
}

/* Chan et al.'s pairwise merge of two blocks of one class: into += from. */
void
NbStatsMergeBlock(double *into, const double *from, int p)
{
	double		na = into[1];
	double		nb = from[1];
	double		n = na + nb;

	if (nb == 0)
		return;
	if (na == 0)
	{
		memcpy(into + 1, from + 1, sizeof(double) * (NBST_BLOCK(p) - 1));
		return;
	}
	for (int j = 0; j < p; j++)
	{
		double		d = from[2 + j] - into[2 + j];

		into[2 + p + j] += from[2 + p + j] + d * d * na * nb / n;
		into[2 + j] += d * nb / n;
	}
	into[1] = n;
}

/*
 * GaussianNB's fitted values from k class blocks, in the blocks' order:
 * each class's share of the rows, its means, and its population variances
 * plus var_smoothing times the largest variance of a feature over all rows
 * (of the features marked gaussian, when that is not NULL).
 */
void
NbStatsSolve(const double *blocks, int k, int p, double var_smoothing,
			 const bool *gaussian, double *prior, double *mean, double *var)
{
	double	   *all = palloc0(sizeof(double) * NBST_BLOCK(p));
	double		eps = 0;

	for (int c = 0; c < k; c++)
		NbStatsMergeBlock(all, blocks + c * NBST_BLOCK(p), p);
	for (int j = 0; j < p; j++)
		if (gaussian == NULL || gaussian[j])
			eps = Max(eps, all[2 + p + j] / all[1]);
	eps *= var_smoothing;
	for (int c = 0; c < k; c++)
	{
		const double *b = blocks + c * NBST_BLOCK(p);

		prior[c] = b[1] / all[1];
		for (int j = 0; j < p; j++)
		{
			mean[(Size) c * p + j] = b[2 + j];
			var[(Size) c * p + j] = b[2 + p + j] / b[1] + eps;
		}
	}
	pfree(all);
}

/* Check a float8[] claims to be a naive Bayes state, and return its data. */
static double *
StateData(ArrayType *a)
{
	int			n;
	double	   *d;

	if (ARR_NDIM(a) != 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("naive Bayes statistics must be a one-dimensional float8 array without NULLs")));
	n = ARR_DIMS(a)[0];
	d = (double *) ARR_DATA_PTR(a);
	if (n < 2 || d[0] < 1 || d[0] > 9999 || d[0] != floor(d[0]) ||
		d[1] < 0 || d[1] > NBST_MAX_CLASSES || d[1] != floor(d[1]) ||
		(Size) n != 2 + (Size) d[1] * NBST_BLOCK((int) d[0]))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("float8[] is not a naive Bayes statistics state"),
				 errhint("Pass the result of mlpipe_nb_stats.")));
	for (int c = 0; c < (int) d[1]; c++)
	{
		const double *b = d + 2 + c * NBST_BLOCK((int) d[0]);

		if (!isfinite(b[0]) || !(b[1] >= 1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("float8[] is not a naive Bayes statistics state"),
					 errdetail("A class block has no rows or no label.")));
	}
	return d;
}

/* A state array of p features and k class blocks (zeroed) in cxt. */
static ArrayType *
NewState(int p, int k, MemoryContext cxt)
{
	Size		len = 2 + (Size) k * NBST_BLOCK(p);
	Size		nbytes = add_size(ARR_OVERHEAD_NONULLS(1), mul_size(len, sizeof(double)));
	ArrayType  *a = (ArrayType *) MemoryContextAllocZero(cxt, nbytes);

	MlpInitFloat8Array(a, nbytes, (int) len);
	((double *) ARR_DATA_PTR(a))[0] = p;
	((double *) ARR_DATA_PTR(a))[1] = k;
	return a;
}

/*
 * The block of label y in the state, adding one (in a new, larger array
 * in cxt) for a label not seen before.
 */
static double *
BlockFor(ArrayType **state, double y, MemoryContext cxt)
{
	double	   *d = (double *) ARR_DATA_PTR(*state);
	int			p = (int) d[0];
	int			k = (int) d[1];
	ArrayType  *grown;

	for (int c = 0; c < k; c++)
		if (d[2 + c * NBST_BLOCK(p)] == y)
			return d + 2 + c * NBST_BLOCK(p);
	if (k == NBST_MAX_CLASSES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("naive Bayes statistics hold at most %d classes", NBST_MAX_CLASSES)));
	grown = NewState(p, k + 1, cxt);
	memcpy(ARR_DATA_PTR(grown), d, sizeof(double) * (2 + (Size) k * NBST_BLOCK(p)));
	d = (double *) ARR_DATA_PTR(grown);
	d[1] = k + 1;
	d[2 + k * NBST_BLOCK(p)] = y;
	*state = grown;
	return d + 2 + k * NBST_BLOCK(p);
}

/*
 * Transition: (state, label, x[]) -> state.  Rows with a NULL anywhere are
 * skipped, as the regr_* aggregates do; labels are numbers (class codes).
 * Inside an aggregate the state is updated in place until a new label
 * needs a larger array: that one is made in the per-row context, and the
 * executor copies it into the aggregate's and frees the old state, so
 * growing keeps one state, not every size it had.
 */
Datum
mlpipe_nb_stats_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *state;
	ArrayType  *x;
	double	   *d;
	double	   *block;
	double		y;
	int			p;
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	x = PG_GETARG_ARRAYTYPE_P(2);
	if (ARR_NDIM(x) == 0 || ARR_HASNULL(x))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (ARR_NDIM(x) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("feature array must be one-dimensional")));
	p = ARR_DIMS(x)[0];
	if (p < 1 || p > 9999)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("feature array must have between 1 and 9999 elements")));
	y = PG_GETARG_FLOAT8(1);
	if (!isfinite(y))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("naive Bayes statistics need a finite label")));
	for (int j = 0; j < p; j++)
		if (!isfinite(((double *) ARR_DATA_PTR(x))[j]))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("naive Bayes statistics need finite values"),
					 errdetail("A row holds NaN or Infinity.")));
	if (PG_ARGISNULL(0))
		state = NewState(p, 0, CurrentMemoryContext);
	else
	{
		state = PG_GETARG_ARRAYTYPE_P(0);
		if (!AggCheckCallContext(fcinfo, NULL))
			state = PG_GETARG_ARRAYTYPE_P_COPY(0);
	}
	d = StateData(state);
	if ((int) d[0] != p)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("feature array has %d elements, earlier rows had %d", p, (int) d[0])));
	block = BlockFor(&state, y, CurrentMemoryContext);
	NbStatsAddRow(block, p, (double *) ARR_DATA_PTR(x));
	PG_RETURN_ARRAYTYPE_P(state);
}

/*
 * Combine two partial states (parallel workers, Citus shards), class by
 * class; new and grown states are made in the per-row context as above.
 */
Datum
mlpipe_nb_stats_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a;
	ArrayType  *b;
	double	   *sb;
	int			p;
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = PG_GETARG_ARRAYTYPE_P(1);
	sb = StateData(b);
	p = (int) sb[0];
	if (PG_ARGISNULL(0))
	{
		/* copy b into the aggregate's context: it becomes our state */
		a = NewState(p, (int) sb[1], CurrentMemoryContext);
		memcpy(ARR_DATA_PTR(a), sb, sizeof(double) * ARR_DIMS(b)[0]);
		PG_RETURN_ARRAYTYPE_P(a);
	}
	a = PG_GETARG_ARRAYTYPE_P(0);
	if (!AggCheckCallContext(fcinfo, NULL))
		a = PG_GETARG_ARRAYTYPE_P_COPY(0);
	if ((int) StateData(a)[0] != p)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("cannot combine naive Bayes statistics of %d and %d features",
						(int) StateData(a)[0], p)));
	for (int c = 0; c < (int) sb[1]; c++)
	{
		const double *from = sb + 2 + c * NBST_BLOCK(p);

		NbStatsMergeBlock(BlockFor(&a, from[0], CurrentMemoryContext), from, p);
	}
	PG_RETURN_ARRAYTYPE_P(a);
}

/* for sorting the classes of a state by label */
static int
CompareLabels(const void *a, const void *b, void *arg)
{
	const double *d = arg;
	int			p = (int) d[0];
	double		x = d[2 + *(const int *) a * NBST_BLOCK(p)];
	double		y = d[2 + *(const int *) b * NBST_BLOCK(p)];

	return (x > y) - (x < y);
}

/*
 * mlpipe_nb_solve(stats, var_smoothing) -> (class, prior, feature, mean,
 * var): GaussianNB's class_prior_, theta_ and var_, classes by label.
 */
Datum
mlpipe_nb_solve(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	double		smoothing = PG_GETARG_FLOAT8(1);
	double	   *d = StateData(a);
	int			p = (int) d[0];
	int			k = (int) d[1];
	double	   *prior = palloc(sizeof(double) * Max(k, 1));
	double	   *mean = palloc(mul_size(sizeof(double), (Size) Max(k, 1) * p));
	double	   *var = palloc(mul_size(sizeof(double), (Size) Max(k, 1) * p));
	int		   *order = palloc(sizeof(int) * Max(k, 1));

	if (!(smoothing >= 0 && smoothing <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("var_smoothing must be between 0 and 1")));
	InitMaterializedSRF(fcinfo, 0);
	NbStatsSolve(d + 2, k, p, smoothing, NULL, prior, mean, var);
	for (int c = 0; c < k; c++)
		order[c] = c;
	qsort_arg(order, k, sizeof(int), CompareLabels, d);
	for (int i = 0; i < k; i++)
	{
		int			c = order[i];

		for (int j = 0; j < p; j++)
		{
			Datum		values[5];
			bool		nulls[5] = {0};

			values[0] = Float8GetDatum(d[2 + c * NBST_BLOCK(p)]);
			values[1] = Float8GetDatum(prior[c]);
			values[2] = Int32GetDatum(j + 1);
			values[3] = Float8GetDatum(mean[(Size) c * p + j]);
			values[4] = Float8GetDatum(var[(Size) c * p + j]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}
