/*
 * metrics.c
 *	  Regression metrics: kernels and the parallel-safe aggregates
 *	  mlpipe_mse, mlpipe_rmse, mlpipe_mae and mlpipe_r2.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"

#include "metrics.h"

PG_FUNCTION_INFO_V1(mlpipe_regression_accum);
PG_FUNCTION_INFO_V1(mlpipe_regression_combine);
PG_FUNCTION_INFO_V1(mlpipe_mse_final);
PG_FUNCTION_INFO_V1(mlpipe_rmse_final);
PG_FUNCTION_INFO_V1(mlpipe_mae_final);
PG_FUNCTION_INFO_V1(mlpipe_r2_final);

/* One pair: Welford for y's spread, plain sums for the errors. */
void
RegMetricsAccum(double *st, double y, double yhat)
{
	double		n = st[0] + 1.0;
	double		d = y - st[1];
	double		e = y - yhat;

	st[1] += d / n;
	st[2] += d * (y - st[1]);
	st[3] += e * e;
	st[4] += fabs(e);
	st[0] = n;
}

/* Chan's merge for the spread; the error sums just add. */
void
RegMetricsMerge(double *into, const double *from)
{
	double		na = into[0];
	double		nb = from[0];
	double		n = na + nb;
	double		d;

	if (nb == 0)
		return;
	if (na == 0)
	{
		memcpy(into, from, sizeof(double) * REGM_LEN);
		return;
	}
	d = from[1] - into[1];
	into[1] += d * nb / n;
	into[2] += from[2] + d * d * na * nb / n;
	into[3] += from[3];
	into[4] += from[4];
	into[0] = n;
}

/* The metrics; r2 follows scikit-learn when y is constant (1 if exact, else 0). */
MlpRegMetrics
RegMetricsFinal(const double *st)
{
	MlpRegMetrics m;
	double		n = st[0];

	m.mse = st[3] / n;
	m.rmse = sqrt(m.mse);
	m.mae = st[4] / n;
	if (st[2] > 0)
		m.r2 = 1.0 - st[3] / st[2];
	else
		m.r2 = (st[3] == 0) ? 1.0 : 0.0;
	return m;
}

/* The state array's data, after checking its shape. */
static double *
RegState(ArrayType *a)
{
	if (ARR_NDIM(a) != 1 || ARR_DIMS(a)[0] != REGM_LEN || ARR_HASNULL(a) ||
		ARR_ELEMTYPE(a) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("float8[] is not a regression metrics state")));
	return (double *) ARR_DATA_PTR(a);
}

/* Transition (state, y_true, y_pred); strict, so NULL pairs are skipped. */
Datum
mlpipe_regression_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *state;
	double		y = PG_GETARG_FLOAT8(1);
	double		yhat = PG_GETARG_FLOAT8(2);

	if (AggCheckCallContext(fcinfo, NULL))
		state = PG_GETARG_ARRAYTYPE_P(0);
	else
		state = PG_GETARG_ARRAYTYPE_P_COPY(0);
	RegMetricsAccum(RegState(state), y, yhat);
	PG_RETURN_ARRAYTYPE_P(state);
}

/* Combine two partial states. */
Datum
mlpipe_regression_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a;
	ArrayType  *b = PG_GETARG_ARRAYTYPE_P(1);

	if (AggCheckCallContext(fcinfo, NULL))
		a = PG_GETARG_ARRAYTYPE_P(0);
	else
		a = PG_GETARG_ARRAYTYPE_P_COPY(0);
	RegMetricsMerge(RegState(a), RegState(b));
	PG_RETURN_ARRAYTYPE_P(a);
}

/* Shared final step: NULL over no rows, as avg() does. */
static bool
RegFinal(FunctionCallInfo fcinfo, MlpRegMetrics *m)
{
	double	   *st = RegState(PG_GETARG_ARRAYTYPE_P(0));

	if (st[0] == 0)
		return false;
	*m = RegMetricsFinal(st);
	return true;
}

/* r2 needs two pairs (scikit-learn returns NaN below that; SQL says NULL). */
static bool
R2Final(FunctionCallInfo fcinfo, MlpRegMetrics *m)
{
	double	   *st = RegState(PG_GETARG_ARRAYTYPE_P(0));

	if (st[0] < 2)
		return false;
	*m = RegMetricsFinal(st);
	return true;
}

/* Final: mean squared error. */
Datum
mlpipe_mse_final(PG_FUNCTION_ARGS)
{
	MlpRegMetrics m;

	if (!RegFinal(fcinfo, &m))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(m.mse);
}

/* Final: root mean squared error. */
Datum
mlpipe_rmse_final(PG_FUNCTION_ARGS)
{
	MlpRegMetrics m;

	if (!RegFinal(fcinfo, &m))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(m.rmse);
}

/* Final: mean absolute error. */
Datum
mlpipe_mae_final(PG_FUNCTION_ARGS)
{
	MlpRegMetrics m;

	if (!RegFinal(fcinfo, &m))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(m.mae);
}

/* Final: coefficient of determination. */
Datum
mlpipe_r2_final(PG_FUNCTION_ARGS)
{
	MlpRegMetrics m;

	if (!R2Final(fcinfo, &m))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(m.r2);
}
