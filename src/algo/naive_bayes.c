/*
 * naive_bayes.c
 *	  naive_bayes: Gaussian naive Bayes, as scikit-learn's GaussianNB.
 *
 * Per class its share of the training rows (the prior) and, per feature,
 * the mean and the population variance of its rows; every variance is
 * raised by var_smoothing times the largest feature variance over all
 * training rows.  A row's class probabilities are the softmax of
 * log prior - sum over features of (log(2 pi var) + (x - mean)^2 / var) / 2.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "miscadmin.h"

#include "estimator.h"
#include "nbstats.h"
#include "part.h"

typedef struct NbState
{
	int			k;				/* classes */
	int			p;				/* features */
	double	   *prior;			/* k */
	double	   *mean;			/* k x p, a class's row after another */
	double	   *var;			/* k x p, smoothing included */
	double	   *base;			/* k: log prior - sum log(2 pi var) / 2, not stored */
} NbState;

static const MlpParamSpec nb_params[] = {
	{"var_smoothing", MLP_PARAM_FLOAT, 1e-9, 0.0, 1.0, false},
};

/* The per-class constant of the log likelihood, once per model rather than per row. */
static void
NbPrepare(NbState *s)
{
	s->base = palloc(sizeof(double) * s->k);
	for (int c = 0; c < s->k; c++)
	{
		double		b = log(s->prior[c]);

		for (int j = 0; j < s->p; j++)
			b -= 0.5 * log(2.0 * M_PI * s->var[(Size) c * s->p + j]);
		s->base[c] = b;
	}
}

/*
 * Class-conditional counts and moments of the training rows (the blocks of
 * the mlpipe_nb_stats aggregate, updated by its code), then GaussianNB's
 * priors, means and smoothed variances from them.
 */
static void *
NbFitRows(const MlpEstimator *est, const MlpPart *part, const double *center,
		  const double *scale, int nclasses, const double *hp)
{
	int			p = part->p;
	int			k = nclasses;
	NbState    *s = palloc0(sizeof(NbState));
	double	   *blocks = palloc0(mul_size(sizeof(double), mul_size((Size) k, NBST_BLOCK(p))));
	double	   *x = palloc(sizeof(double) * Max(p, 1));
	const double *y = PartCol(part, p);

	s->k = k;
	s->p = p;
	s->prior = palloc(sizeof(double) * k);
	s->mean = palloc(mul_size(sizeof(double), (Size) k * p));
	s->var = palloc(mul_size(sizeof(double), (Size) k * p));
	for (int c = 0; c < k; c++)
		blocks[c * NBST_BLOCK(p)] = c;
	for (int64 i = 0; i < part->m.nrows; i++)
	{
		if ((i & 0x3fff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (part->is_test[i])
			continue;
		PartRowFeatures(part, i, center, scale, x);
		NbStatsAddRow(blocks + (int) y[i] * NBST_BLOCK(p), p, x);
	}
	for (int c = 0; c < k; c++)
		if (blocks[c * NBST_BLOCK(p) + 1] == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a class has no training row"),
					 errhint("Use a stratified split, or more rows.")));
	NbStatsSolve(blocks, k, p, hp[0], s->prior, s->mean, s->var);
	for (int64 i = 0; i < (int64) k * p; i++)
	{
		/* a feature constant within a class and no smoothing: no density */
		if (!(s->var[i] > 0) || !isfinite(s->var[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("naive_bayes found a feature with no variance within a class"),
					 errhint("Keep var_smoothing above 0.")));
	}
	pfree(blocks);
	pfree(x);
	NbPrepare(s);
	return s;
}

/* Class probabilities: the softmax of the joint log likelihoods. */
static void
NbPredictProba(const void *state, const double *x, double *proba)
{
	const NbState *s = state;
	double		top = -INFINITY;
	double		sum = 0;

	for (int c = 0; c < s->k; c++)
	{
		const double *mc = s->mean + (Size) c * s->p;
		const double *vc = s->var + (Size) c * s->p;
		double		q = 0;
		double		jll;

		for (int j = 0; j < s->p; j++)
		{
			double		d = x[j] - mc[j];

			q += d * d / vc[j];
		}
		jll = s->base[c] - 0.5 * q;
		proba[c] = jll;
		top = Max(top, jll);
	}
	for (int c = 0; c < s->k; c++)
	{
		proba[c] = exp(proba[c] - top);
		sum += proba[c];
	}
	for (int c = 0; c < s->k; c++)
		proba[c] /= sum;
}

/* The most probable class, as a number (regression-style callers). */
static double
NbPredict(const void *state, const double *x)
{
	const NbState *s = state;
	double	   *proba = palloc(sizeof(double) * s->k);
	int			best = 0;

	NbPredictProba(state, x, proba);
	for (int c = 1; c < s->k; c++)
		if (proba[c] > proba[best])
			best = c;
	pfree(proba);
	return (double) best;
}

/* Payload: u32 k, u32 p, f64 prior[k], f64 mean[k p], f64 var[k p]. */
static void
NbSerialize(const void *state, MlpWriter *w)
{
	const NbState *s = state;

	mlp_put_u32(w, (uint32) s->k);
	mlp_put_u32(w, (uint32) s->p);
	for (int c = 0; c < s->k; c++)
		mlp_put_f64(w, s->prior[c]);
	for (Size i = 0; i < (Size) s->k * s->p; i++)
		mlp_put_f64(w, s->mean[i]);
	for (Size i = 0; i < (Size) s->k * s->p; i++)
		mlp_put_f64(w, s->var[i]);
}

/* Read and check a payload: priors in (0, 1], finite means, variances > 0. */
static void *
NbDeserialize(MlpCursor *c, int nfeatures, const char **error)
{
	NbState    *s = palloc0(sizeof(NbState));
	uint32		k;
	uint32		p;

	if (!mlp_get_u32(c, &k) || !mlp_get_u32(c, &p) || k < 2 || k > 1000 ||
		p != (uint32) nfeatures ||
		c->len - c->pos != (Size) 8 * (k + 2 * (Size) k * p))
	{
		*error = "naive_bayes payload has the wrong size";
		return NULL;
	}
	s->k = (int) k;
	s->p = (int) p;
	s->prior = palloc(sizeof(double) * k);
	s->mean = palloc(sizeof(double) * (Size) k * p);
	s->var = palloc(sizeof(double) * (Size) k * p);
	for (uint32 i = 0; i < k; i++)
	{
		mlp_get_f64(c, &s->prior[i]);
		if (!(s->prior[i] > 0 && s->prior[i] <= 1))
		{
			*error = "naive_bayes has an invalid prior";
			return NULL;
		}
	}
	for (Size i = 0; i < (Size) k * p; i++)
	{
		mlp_get_f64(c, &s->mean[i]);
		if (!isfinite(s->mean[i]))
		{
			*error = "naive_bayes has a non-finite mean";
			return NULL;
		}
	}
	for (Size i = 0; i < (Size) k * p; i++)
	{
		mlp_get_f64(c, &s->var[i]);
		if (!(s->var[i] > 0) || !isfinite(s->var[i]))
		{
			*error = "naive_bayes has an invalid variance";
			return NULL;
		}
	}
	NbPrepare(s);
	return s;
}

/* How many classes a fitted model has. */
static int
NbClasses(const void *state)
{
	return ((const NbState *) state)->k;
}

/* naive_bayes fits from rows: it has no use for co-moments. */
static void *
NbFitStats(const MlpEstimator *est, const double *st, const double *hp,
		   MlpResidualFn residual, void *arg)
{
	elog(ERROR, "naive_bayes fits from rows");
	return NULL;
}

const MlpEstimator mlp_naive_bayes = {
	"naive_bayes", 5, MLP_TASK_CLASSIFICATION, nb_params, lengthof(nb_params),
	NbFitStats, NbPredict, NbSerialize, NbDeserialize, NULL, NULL,
	NbFitRows, NbPredictProba, NbClasses
};
