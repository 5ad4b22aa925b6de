/*
 * naive_bayes.c
 *	  naive_bayes: Gaussian naive Bayes for numeric features, as
 *	  scikit-learn's GaussianNB, and categorical naive Bayes for the
 *	  one-hot groups of encoded columns, as its CategoricalNB.
 *
 * Per class its share of the training rows (the prior); per numeric
 * feature the mean and the population variance of the class's rows, every
 * variance raised by var_smoothing times the largest numeric feature
 * variance over all training rows; per one-hot group (a text, enum or
 * hash-encoded column) the class's count of each category, smoothed:
 * (count + alpha) / (class rows + alpha * categories).  A row's class
 * probabilities are the softmax of log prior - sum over numeric features
 * of (log(2 pi var) + (x - mean)^2 / var) / 2 + sum over groups of the
 * log probability of the row's category (a row with none in a group, an
 * unseen value, gets nothing from it).
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
	double	   *var;			/* k x p, smoothing included (1 in groups) */
	int			ngroups;		/* one-hot groups, categorical */
	int		   *first;			/* per group: its first feature */
	int		   *width;			/* per group: its features (categories) */
	int			total;			/* sum of the widths */
	double	   *logp;			/* k x total: log P(category | class) */
	/* derived, not stored */
	bool	   *gaussian;		/* p: not in a group */
	double	   *base;			/* k: log prior - sum log(2 pi var) / 2 */
} NbState;

static const MlpParamSpec nb_params[] = {
	{"var_smoothing", MLP_PARAM_FLOAT, 1e-9, 0.0, 1.0, false},
	{"alpha", MLP_PARAM_FLOAT, 1.0, 1e-10, 1e300, false},
};

/* Mark the features outside the groups: the Gaussian ones. */
static void
NbMarkGaussian(NbState *s)
{
	s->gaussian = palloc(sizeof(bool) * Max(s->p, 1));
	for (int j = 0; j < s->p; j++)
		s->gaussian[j] = true;
	for (int g = 0; g < s->ngroups; g++)
		for (int v = 0; v < s->width[g]; v++)
			s->gaussian[s->first[g] + v] = false;
}

/* The per-class constant of the log likelihood: once per model rather than per row. */
static void
NbPrepare(NbState *s)
{
	s->base = palloc(sizeof(double) * s->k);
	for (int c = 0; c < s->k; c++)
	{
		double		b = log(s->prior[c]);

		for (int j = 0; j < s->p; j++)
			if (s->gaussian[j])
				b -= 0.5 * log(2.0 * M_PI * s->var[(Size) c * s->p + j]);
		s->base[c] = b;
	}
}

/*
 * A row's category in group g: its one-hot feature that is set (the
 * largest and above 0, so standardised 0/1 columns work too), or -1.
 */
static int
NbCategory(const NbState *s, int g, const double *x)
{
	int			best = -1;
	double		top = 0;

	for (int v = 0; v < s->width[g]; v++)
		if (x[s->first[g] + v] > top)
		{
			top = x[s->first[g] + v];
			best = v;
		}
	return best;
}

/*
 * Class-conditional counts and moments of the training rows (the blocks of
 * the mlpipe_nb_stats aggregate, updated by its code), then GaussianNB's
 * priors, means and smoothed variances from them; and per one-hot group
 * the categories' counts per class.
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
	double	   *count;

	s->k = k;
	s->p = p;
	s->prior = palloc(sizeof(double) * k);
	s->mean = palloc(mul_size(sizeof(double), (Size) k * p));
	s->var = palloc(mul_size(sizeof(double), (Size) k * p));
	s->ngroups = part->ngroups;
	s->first = palloc(sizeof(int) * Max(s->ngroups, 1));
	s->width = palloc(sizeof(int) * Max(s->ngroups, 1));
	for (int g = 0; g < s->ngroups; g++)
	{
		s->first[g] = part->group_first[g];
		s->width[g] = part->group_width[g];
		s->total += s->width[g];
	}
	s->logp = palloc0(mul_size(sizeof(double), (Size) k * Max(s->total, 1)));
	count = palloc0(mul_size(sizeof(double), (Size) k * Max(s->total, 1)));
	NbMarkGaussian(s);
	for (int c = 0; c < k; c++)
		blocks[c * NBST_BLOCK(p)] = c;
	for (int64 i = 0; i < part->m.nrows; i++)
	{
		int			c = (int) y[i];
		int			off = 0;

		if ((i & 0x3fff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (part->is_test[i])
			continue;
		PartRowFeatures(part, i, center, scale, x);
		NbStatsAddRow(blocks + c * NBST_BLOCK(p), p, x);
		for (int g = 0; g < s->ngroups; g++)
		{
			int			v = NbCategory(s, g, x);

			if (v >= 0)
				count[(Size) c * s->total + off + v] += 1;
			off += s->width[g];
		}
	}
	for (int c = 0; c < k; c++)
		if (blocks[c * NBST_BLOCK(p) + 1] == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a class has no training row"),
					 errhint("Use a stratified split, or more rows.")));
	NbStatsSolve(blocks, k, p, hp[0], s->gaussian, s->prior, s->mean, s->var);
	for (int c = 0; c < k; c++)
	{
		double		nc = blocks[c * NBST_BLOCK(p) + 1];
		int			off = 0;

		for (int j = 0; j < p; j++)
		{
			Size		i = (Size) c * p + j;

			if (!s->gaussian[j])
			{
				/* a group's feature: its numbers are not used */
				s->mean[i] = 0;
				s->var[i] = 1;
			}
			else if (!(s->var[i] > 0) || !isfinite(s->var[i]))
				/* a feature constant within a class and no smoothing: no density */
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("naive_bayes found a feature with no variance within a class"),
						 errhint("Keep var_smoothing above 0.")));
		}
		for (int g = 0; g < s->ngroups; g++)
		{
			for (int v = 0; v < s->width[g]; v++)
			{
				Size		i = (Size) c * s->total + off + v;

				s->logp[i] = log((count[i] + hp[1]) / (nc + hp[1] * s->width[g]));
			}
			off += s->width[g];
		}
	}
	NbPrepare(s);
	pfree(blocks);
	pfree(count);
	pfree(x);
	return s;
}

/* Class probabilities: the softmax of the joint log likelihoods. */
static void
NbPredictProba(const void *state, const double *x, double *proba)
{
	const NbState *s = state;
	double		top = -INFINITY;
	double		sum = 0;
	int			cat[64];
	int		   *cats = s->ngroups <= (int) lengthof(cat) ? cat :
		palloc(sizeof(int) * s->ngroups);

	/* each group's category, the same for every class */
	for (int g = 0, off = 0; g < s->ngroups; off += s->width[g], g++)
	{
		int			v = NbCategory(s, g, x);

		cats[g] = v < 0 ? -1 : off + v;
	}
	for (int c = 0; c < s->k; c++)
	{
		const double *mc = s->mean + (Size) c * s->p;
		const double *vc = s->var + (Size) c * s->p;
		const double *lc = s->logp + (Size) c * s->total;
		double		q = 0;
		double		jll;

		for (int j = 0; j < s->p; j++)
			if (s->gaussian[j])
			{
				double		d = x[j] - mc[j];

				q += d * d / vc[j];
			}
		jll = s->base[c] - 0.5 * q;
		for (int g = 0; g < s->ngroups; g++)
			if (cats[g] >= 0)
				jll += lc[cats[g]];
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
	if (cats != cat)
		pfree(cats);
}

/*
 * Payload: u32 k, u32 p, f64 prior[k], f64 mean[k p], f64 var[k p]; then,
 * only when there are one-hot groups (so a numeric model's bytes are as
 * before): u32 ngroups, per group u32 first and u32 width, and f64
 * logp[k total].
 */
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
	if (s->ngroups == 0)
		return;
	mlp_put_u32(w, (uint32) s->ngroups);
	for (int g = 0; g < s->ngroups; g++)
	{
		mlp_put_u32(w, (uint32) s->first[g]);
		mlp_put_u32(w, (uint32) s->width[g]);
	}
	for (Size i = 0; i < (Size) s->k * s->total; i++)
		mlp_put_f64(w, s->logp[i]);
}

/*
 * Read and check a payload: priors in (0, 1], finite means, variances > 0;
 * groups in order, inside the features, not overlapping; log
 * probabilities finite and at most 0.
 */
static void *
NbDeserialize(MlpCursor *c, int nfeatures, const char **error)
{
	NbState    *s = palloc0(sizeof(NbState));
	uint32		k;
	uint32		p;
	uint32		ng;
	Size		gauss_bytes;

	if (!mlp_get_u32(c, &k) || !mlp_get_u32(c, &p) || k < 2 || k > 1000 ||
		p != (uint32) nfeatures ||
		c->len - c->pos < (gauss_bytes = (Size) 8 * (k + 2 * (Size) k * p)) ||
		(c->len - c->pos > gauss_bytes && c->len - c->pos < gauss_bytes + 4))
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
	s->first = palloc(sizeof(int));
	s->width = palloc(sizeof(int));
	s->logp = palloc(sizeof(double));
	if (c->pos < c->len)
	{
		uint32		next = 0;

		mlp_get_u32(c, &ng);
		if (ng < 1 || ng > p || c->len - c->pos < (Size) 8 * ng)
		{
			*error = "naive_bayes payload has the wrong size";
			return NULL;
		}
		s->ngroups = (int) ng;
		s->first = palloc(sizeof(int) * ng);
		s->width = palloc(sizeof(int) * ng);
		for (uint32 g = 0; g < ng; g++)
		{
			uint32		f;
			uint32		w;

			mlp_get_u32(c, &f);
			mlp_get_u32(c, &w);
			if (f < next || w < 1 || w > p || f > p - w)
			{
				*error = "naive_bayes has an invalid one-hot group";
				return NULL;
			}
			next = f + w;
			s->first[g] = (int) f;
			s->width[g] = (int) w;
			s->total += (int) w;
		}
		if (c->len - c->pos != (Size) 8 * k * (Size) s->total)
		{
			*error = "naive_bayes payload has the wrong size";
			return NULL;
		}
		s->logp = palloc(sizeof(double) * (Size) k * s->total);
		for (Size i = 0; i < (Size) k * s->total; i++)
		{
			mlp_get_f64(c, &s->logp[i]);
			if (!isfinite(s->logp[i]) || s->logp[i] > 0)
			{
				*error = "naive_bayes has an invalid category probability";
				return NULL;
			}
		}
	}
	NbMarkGaussian(s);
	NbPrepare(s);
	return s;
}

/* How many classes a fitted model has. */
static int
NbClasses(const void *state)
{
	return ((const NbState *) state)->k;
}

const MlpEstimator mlp_naive_bayes = {
	"naive_bayes", 5, MLP_TASK_CLASSIFICATION, nb_params, lengthof(nb_params),
	NULL, NULL, NbSerialize, NbDeserialize, NULL, NULL,
	NbFitRows, NbPredictProba, NbClasses
};
