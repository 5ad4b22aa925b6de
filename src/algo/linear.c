/*
 * linear.c
 *	  linear_regression, ridge, lasso and elastic_net.
 *
 * All four fit from the same sufficient statistics (centred co-moments of
 * the features and the target), so one pass over the training rows is the
 * whole cost of reading the data.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "comoments.h"
#include "estimator.h"
#include "linsolve.h"

#define REFINE_STEPS 3
/* refine when the standardised system's condition number passes 1e7 */
#define REFINE_RCOND 1e-7

PG_FUNCTION_INFO_V1(mlpipe_linear_solve);

typedef struct LinearState
{
	int			p;
	double		intercept;
	double	   *coef;
} LinearState;

static const MlpParamSpec ridge_params[] = {
	{"alpha", MLP_PARAM_FLOAT, 1.0, 0.0, 1e300, false},
};

static const MlpParamSpec lasso_params[] = {
	{"alpha", MLP_PARAM_FLOAT, 1.0, 0.0, 1e300, true},
	{"max_iter", MLP_PARAM_INT, 1000, 1, 100000000, false},
	{"tol", MLP_PARAM_FLOAT, 1e-4, 0.0, 1.0, true},
};

static const MlpParamSpec enet_params[] = {
	{"alpha", MLP_PARAM_FLOAT, 1.0, 0.0, 1e300, true},
	{"l1_ratio", MLP_PARAM_FLOAT, 0.5, 0.0, 1.0, false},
	{"max_iter", MLP_PARAM_INT, 1000, 1, 100000000, false},
	{"tol", MLP_PARAM_FLOAT, 1e-4, 0.0, 1.0, true},
};

/* Map an estimator and its hyperparameter vector to solver parameters. */
static MlpLinearParams
LinearParams(const MlpEstimator *est, const double *hp)
{
	MlpLinearParams prm = {MLP_LIN_OLS, 0, 0, 0, 0};

	if (est == &mlp_ridge)
	{
		prm.kind = MLP_LIN_RIDGE;
		prm.alpha = hp[0];
	}
	else if (est == &mlp_lasso)
	{
		prm.kind = MLP_LIN_LASSO;
		prm.alpha = hp[0];
		prm.l1_ratio = 1.0;
		prm.max_iter = (int) hp[1];
		prm.tol = hp[2];
	}
	else if (est == &mlp_elastic_net)
	{
		prm.kind = MLP_LIN_ELASTIC_NET;
		prm.alpha = hp[0];
		prm.l1_ratio = hp[1];
		prm.max_iter = (int) hp[2];
		prm.tol = hp[3];
	}
	return prm;
}

/* Overflowing data gives no usable model: say so rather than store one. */
static void
NonFinite(const MlpEstimator *est)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s produced non-finite coefficients", est->name),
			 errdetail("Sums of squares of the data overflow float8."),
			 errhint("Rescale the features or the target in a source query.")));
}

/*
 * Solve from the co-moments.  OLS and ridge then take a few steps of
 * iterative refinement against the data itself (the corrected semi-normal
 * equations): the Gram matrix alone limits accuracy to cond(X)^2 times the
 * rounding unit, the refined answer is as good as a QR factorisation of X.
 * Well-conditioned systems are already exact to about 1e-9 relative or
 * better, and skip the extra passes.
 */
static void *
LinearFitStats(const MlpEstimator *est, const double *st, const double *hp,
			   MlpResidualFn residual, void *arg)
{
	int			p = COMOM_K(st) - 1;
	MlpLinearParams prm = LinearParams(est, hp);
	MlpLinearFit fit;
	LinearState *s = palloc(sizeof(LinearState));

	LinearSolve(st, &prm, &fit);
	if (!fit.converged)
		ereport(WARNING,
				(errmsg_plural("%s did not converge in %d iteration",
							   "%s did not converge in %d iterations",
							   fit.n_iter, est->name, fit.n_iter),
				 errhint("Raise max_iter or tol in hyperparams.")));

	if ((prm.kind == MLP_LIN_OLS || prm.kind == MLP_LIN_RIDGE) &&
		(fit.rank_deficient || fit.rcond < REFINE_RCOND) && residual != NULL)
	{
		double		alpha = (prm.kind == MLP_LIN_RIDGE) ? prm.alpha : 0.0;
		double	   *g = palloc(sizeof(double) * p);
		double	   *delta = palloc(sizeof(double) * p);

		for (int step = 0; step < REFINE_STEPS; step++)
		{
			double		dmax = 0;
			double		bmax = 0;

			memset(g, 0, sizeof(double) * p);
			residual(arg, fit.coef, g);
			for (int j = 0; j < p; j++)
				g[j] -= alpha * fit.coef[j];
			LinearSolveRhs(st, alpha, g, delta, NULL);
			for (int j = 0; j < p; j++)
			{
				fit.coef[j] += delta[j];
				dmax = Max(dmax, fabs(delta[j]));
				bmax = Max(bmax, fabs(fit.coef[j]));
			}
			if (dmax <= 1e-15 * bmax)
				break;
		}
		fit.intercept = LinearIntercept(st, fit.coef);
		pfree(g);
		pfree(delta);
	}

	if (!isfinite(fit.intercept))
		NonFinite(est);
	for (int j = 0; j < p; j++)
		if (!isfinite(fit.coef[j]))
			NonFinite(est);
	if (fit.rank_deficient)
		ereport(NOTICE,
				(errmsg("features are collinear; %s used the minimum-norm solution",
						est->name),
				 errdetail("The coefficients are one of many that fit equally well; predictions are unaffected."),
				 errhint("Leave out redundant features, or use ridge with alpha > 0.")));

	s->p = p;
	s->intercept = fit.intercept;
	s->coef = fit.coef;
	return s;
}

/* Intercept plus the dot product with the coefficients. */
static double
LinearPredict(const void *state, const double *x)
{
	const LinearState *s = state;
	double		a[4] = {0, 0, 0, 0};
	int			j = 0;

	/* four independent sums: the loop vectorises, the order is fixed */
	for (; j + 4 <= s->p; j += 4)
	{
		a[0] += s->coef[j] * x[j];
		a[1] += s->coef[j + 1] * x[j + 1];
		a[2] += s->coef[j + 2] * x[j + 2];
		a[3] += s->coef[j + 3] * x[j + 3];
	}
	for (; j < s->p; j++)
		a[j & 3] += s->coef[j] * x[j];
	return s->intercept + ((a[0] + a[1]) + (a[2] + a[3]));
}

/* The intercept and the coefficients themselves (see MlpEstimator). */
static const double *
LinearView(const void *state, double *intercept)
{
	const LinearState *s = state;

	*intercept = s->intercept;
	return s->coef;
}

/* Payload: u32 p, f64 intercept, f64 coef[p]. */
static void
LinearSerialize(const void *state, MlpWriter *w)
{
	const LinearState *s = state;

	mlp_put_u32(w, (uint32) s->p);
	mlp_put_f64(w, s->intercept);
	for (int j = 0; j < s->p; j++)
		mlp_put_f64(w, s->coef[j]);
}

/* Read and check a linear payload written by LinearSerialize. */
static void *
LinearDeserialize(MlpCursor *c, int nfeatures, const char **error)
{
	uint32		p;
	LinearState *s;

	if (!mlp_get_u32(c, &p) || p != (uint32) nfeatures)
	{
		*error = "linear model size does not match its features";
		return NULL;
	}
	if ((Size) p * 8 + 8 != c->len - c->pos)
	{
		*error = "linear model payload has the wrong length";
		return NULL;
	}
	s = palloc(sizeof(LinearState));
	s->p = (int) p;
	s->coef = palloc(sizeof(double) * Max(p, 1));
	mlp_get_f64(c, &s->intercept);
	for (uint32 j = 0; j < p; j++)
		mlp_get_f64(c, &s->coef[j]);
	if (!isfinite(s->intercept))
	{
		*error = "linear model has a non-finite coefficient";
		return NULL;
	}
	for (uint32 j = 0; j < p; j++)
		if (!isfinite(s->coef[j]))
		{
			*error = "linear model has a non-finite coefficient";
			return NULL;
		}
	return s;
}

/* The intercept, then one coefficient per feature. */
static void
LinearCoefficients(const void *state, char **features, MlpCoefEmit emit,
				   void *arg)
{
	const LinearState *s = state;

	emit(arg, "intercept", NULL, s->intercept);
	for (int j = 0; j < s->p; j++)
		emit(arg, features[j], NULL, s->coef[j]);
}

const MlpEstimator mlp_linear_regression = {
	"linear_regression", 1, MLP_TASK_REGRESSION, NULL, 0,
	LinearFitStats, LinearPredict, LinearSerialize, LinearDeserialize,
	LinearCoefficients, LinearView
};

const MlpEstimator mlp_ridge = {
	"ridge", 2, MLP_TASK_REGRESSION, ridge_params, lengthof(ridge_params),
	LinearFitStats, LinearPredict, LinearSerialize, LinearDeserialize,
	LinearCoefficients, LinearView
};

const MlpEstimator mlp_lasso = {
	"lasso", 3, MLP_TASK_REGRESSION, lasso_params, lengthof(lasso_params),
	LinearFitStats, LinearPredict, LinearSerialize, LinearDeserialize,
	LinearCoefficients, LinearView
};

const MlpEstimator mlp_elastic_net = {
	"elastic_net", 4, MLP_TASK_REGRESSION, enet_params, lengthof(enet_params),
	LinearFitStats, LinearPredict, LinearSerialize, LinearDeserialize,
	LinearCoefficients, LinearView
};

/*
 * mlpipe_linear_solve(stats, algorithm, hyperparams) -> float8[]
 * The intercept and coefficients from a mlpipe_linear_stats state, so a
 * model can be fitted wherever the aggregate can run (parallel, Citus).
 */
Datum
mlpipe_linear_solve(PG_FUNCTION_ARGS)
{
	double	   *st = ComomentsStateData(PG_GETARG_ARRAYTYPE_P(0));
	char	   *algorithm = text_to_cstring(PG_GETARG_TEXT_PP(1));
	const MlpEstimator *est = MlpFindEstimator(algorithm);
	double		hp[8];
	MlpLinearParams prm;
	MlpLinearFit fit;
	Datum	   *out;
	int			p = COMOM_K(st) - 1;

	if (est == NULL || est->fit_stats != LinearFitStats)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" is not a linear algorithm", algorithm),
				 errhint("Use linear_regression, ridge, lasso or elastic_net.")));
	MlpParseHyperparams(est, PG_GETARG_JSONB_P(2), hp);
	if (p < 1 || COMOM_N(st) <= p)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("linear statistics cover %.0f rows for %d features",
						COMOM_N(st), p),
				 errdetail("A model needs more rows than features.")));
	prm = LinearParams(est, hp);
	LinearSolve(st, &prm, &fit);
	if (!fit.converged)
		ereport(WARNING,
				(errmsg_plural("%s did not converge in %d iteration",
							   "%s did not converge in %d iterations",
							   fit.n_iter, est->name, fit.n_iter),
				 errhint("Raise max_iter or tol in hyperparams.")));
	if (!isfinite(fit.intercept))
		NonFinite(est);
	for (int j = 0; j < p; j++)
		if (!isfinite(fit.coef[j]))
			NonFinite(est);
	out = palloc(sizeof(Datum) * (p + 1));
	out[0] = Float8GetDatum(fit.intercept);
	for (int j = 0; j < p; j++)
		out[j + 1] = Float8GetDatum(fit.coef[j]);
	PG_RETURN_ARRAYTYPE_P(construct_array(out, p + 1, FLOAT8OID, sizeof(float8),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
