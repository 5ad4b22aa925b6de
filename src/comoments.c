/*
 * comoments.c
 *	  Co-moment accumulation (Welford updates, Chan et al. merges) and the
 *	  mlpipe_linear_stats aggregate built on it.
 *
 * Raw sums of squares lose every digit the data's mean shares with its
 * spread; centred co-moments do not, which is what keeps nearly collinear
 * series with large levels solvable.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"

#include "comoments.h"
#include "mlpipe.h"

PG_FUNCTION_INFO_V1(mlpipe_linear_stats_accum);
PG_FUNCTION_INFO_V1(mlpipe_linear_stats_combine);

/* An empty state for k variables. */
void
ComomentsInit(double *st, int k)
{
	memset(st, 0, COMOM_LEN(k) * sizeof(double));
	st[0] = k;
}

/* Welford's one-row update of the means and the upper co-moment triangle. */
void
ComomentsAddRow(double *st, const double *z)
{
	int			k = COMOM_K(st);
	double	   *mean = COMOM_MEAN(st);
	double	   *C = COMOM_C(st);
	double		n = COMOM_N(st) + 1.0;
	double		d[FUNC_MAX_ARGS * 16];
	double	   *dd = d;

	if (k > (int) lengthof(d))
		dd = palloc(sizeof(double) * k);
	for (int i = 0; i < k; i++)
	{
		dd[i] = z[i] - mean[i];
		mean[i] += dd[i] / n;
	}
	/* C += d_old * (z - mean_new)^T, which equals (n-1)/n * d d^T */
	for (int j = 0; j < k; j++)
	{
		double		e = z[j] - mean[j];
		double	   *Cj = C + (Size) j * k;

		for (int i = 0; i <= j; i++)
			Cj[i] += dd[i] * e;
	}
	COMOM_N(st) = n;
	if (dd != d)
		pfree(dd);
}

/* Chan et al.'s pairwise merge: into := into + from. */
void
ComomentsMerge(double *into, const double *from)
{
	int			k = COMOM_K(into);
	double		na = COMOM_N(into);
	double		nb = COMOM_N(from);
	double		n = na + nb;
	double	   *ma = COMOM_MEAN(into);
	const double *mb = from + 2;
	double	   *Ca = COMOM_C(into);
	const double *Cb = from + 2 + k;
	double		f;

	if (nb == 0)
		return;
	if (na == 0)
	{
		memcpy(into, from, COMOM_LEN(k) * sizeof(double));
		return;
	}
	f = na * nb / n;
	for (int j = 0; j < k; j++)
	{
		double		dj = mb[j] - ma[j];

		for (int i = 0; i <= j; i++)
		{
			double		di = mb[i] - ma[i];

			Ca[(Size) j * k + i] += Cb[(Size) j * k + i] + f * di * dj;
		}
	}
	for (int i = 0; i < k; i++)
		ma[i] += (mb[i] - ma[i]) * (nb / n);
	COMOM_N(into) = n;
}

/* Copy the upper triangle to the lower one, for code that wants it whole. */
void
ComomentsSymmetrize(double *st)
{
	int			k = COMOM_K(st);
	double	   *C = COMOM_C(st);

	for (int j = 0; j < k; j++)
		for (int i = 0; i < j; i++)
			C[(Size) i * k + j] = C[(Size) j * k + i];
}

/* Check a float8[] claims to be a co-moment state, and return its data. */
double *
ComomentsStateData(ArrayType *a)
{
	int			n;
	double	   *d;

	if (ARR_NDIM(a) != 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("linear statistics state must be a one-dimensional float8 array without NULLs")));
	n = ARR_DIMS(a)[0];
	d = (double *) ARR_DATA_PTR(a);
	if (n < 3 || d[0] < 1 || d[0] > 10000 || d[0] != floor(d[0]) ||
		(Size) n != COMOM_LEN((int) d[0]) || !(d[1] >= 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("float8[] is not a linear statistics state"),
				 errhint("Pass the result of mlpipe_linear_stats.")));
	return d;
}

/* A new state array of k variables in the given context. */
static ArrayType *
NewState(int k, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	Size		len = COMOM_LEN(k);
	ArrayType  *a;
	Size		nbytes = add_size(ARR_OVERHEAD_NONULLS(1), mul_size(len, sizeof(double)));

	a = (ArrayType *) palloc0(nbytes);
	MlpInitFloat8Array(a, nbytes, (int) len);
	ComomentsInit((double *) ARR_DATA_PTR(a), k);
	MemoryContextSwitchTo(old);
	return a;
}

/*
 * Transition: (state, y, x[]) -> state.  Rows with a NULL anywhere are
 * skipped, as the regr_* aggregates do.  Inside an aggregate the state is
 * updated in place.
 */
Datum
mlpipe_linear_stats_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	ArrayType  *state;
	ArrayType  *x;
	double	   *st;
	int			p;
	double		zbuf[64];
	double	   *z = zbuf;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		aggcxt = NULL;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	x = PG_GETARG_ARRAYTYPE_P(2);
	if (ARR_NDIM(x) != 1 || ARR_HASNULL(x))
	{
		if (ARR_NDIM(x) == 0 || ARR_HASNULL(x))
		{
			if (PG_ARGISNULL(0))
				PG_RETURN_NULL();
			PG_RETURN_DATUM(PG_GETARG_DATUM(0));
		}
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("feature array must be one-dimensional")));
	}
	p = ARR_DIMS(x)[0];
	if (p < 1 || p > 9999)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("feature array must have between 1 and 9999 elements")));

	if (PG_ARGISNULL(0))
		state = NewState(p + 1, aggcxt ? aggcxt : CurrentMemoryContext);
	else if (aggcxt)
		state = PG_GETARG_ARRAYTYPE_P(0);
	else
		state = PG_GETARG_ARRAYTYPE_P_COPY(0);
	st = ComomentsStateData(state);
	if (COMOM_K(st) != p + 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("feature array has %d elements, earlier rows had %d", p,
						COMOM_K(st) - 1)));

	if (p + 1 > (int) lengthof(zbuf))
		z = palloc(sizeof(double) * (p + 1));
	memcpy(z, ARR_DATA_PTR(x), sizeof(double) * p);
	z[p] = PG_GETARG_FLOAT8(1);
	for (int i = 0; i <= p; i++)
		if (!isfinite(z[i]))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("linear statistics need finite values"),
					 errdetail("A row holds NaN or Infinity.")));
	ComomentsAddRow(st, z);
	if (z != zbuf)
		pfree(z);
	PG_RETURN_ARRAYTYPE_P(state);
}

/* Combine two partial states (parallel workers, Citus shards). */
Datum
mlpipe_linear_stats_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	ArrayType  *a;
	ArrayType  *b;
	double	   *sa;
	double	   *sb;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		aggcxt = NULL;
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = PG_GETARG_ARRAYTYPE_P(1);
	sb = ComomentsStateData(b);
	if (PG_ARGISNULL(0))
	{
		/* copy b into the aggregate's context: it becomes our state */
		a = NewState(COMOM_K(sb), aggcxt ? aggcxt : CurrentMemoryContext);
		memcpy(ARR_DATA_PTR(a), sb, COMOM_LEN(COMOM_K(sb)) * sizeof(double));
		PG_RETURN_ARRAYTYPE_P(a);
	}
	a = aggcxt ? PG_GETARG_ARRAYTYPE_P(0) : PG_GETARG_ARRAYTYPE_P_COPY(0);
	sa = ComomentsStateData(a);
	if (COMOM_K(sa) != COMOM_K(sb))
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("cannot combine linear statistics of %d and %d variables",
						COMOM_K(sa), COMOM_K(sb))));
	ComomentsMerge(sa, sb);
	PG_RETURN_ARRAYTYPE_P(a);
}
