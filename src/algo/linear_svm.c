/*
 * linear_svm.c
 *	  linear_svm: L2-regularised linear support vector classification with
 *	  the hinge or the squared hinge loss, one-vs-rest for many classes, as
 *	  scikit-learn's LinearSVC (liblinear).
 *
 * Each binary problem minimises |w|^2 / 2 + C sum_i loss(y_i (w.x_i + b))
 * by dual coordinate descent (Hsieh et al., 2008), with the intercept as
 * the weight of a constant feature 1 that is regularised like the others,
 * as liblinear does.  Two classes have one problem (the second class
 * positive), more have one per class.  With probability, a Platt sigmoid
 * fitted to each problem's decision values on the training rows turns
 * them into probabilities (normalised to sum 1 over many classes), as
 * scikit-learn's CalibratedClassifierCV(method="sigmoid") on a fitted
 * model; without it the model gives decision values, not probabilities.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "miscadmin.h"
#include "utils/memutils.h"

#include "estimator.h"
#include "mlpipe.h"
#include "part.h"

typedef struct SvmState
{
	int			k;				/* classes */
	int			p;				/* features */
	int			nv;				/* weight vectors: 1 for two classes, else k */
	bool		calibrated;		/* has Platt sigmoids */
	double	   *w;				/* nv x (p + 1): weights, then the intercept */
	double	   *platt;			/* nv x 2: A, B of 1 / (1 + exp(A f + B)) */
} SvmState;

static const char *const svm_losses[] = {"squared_hinge", "hinge", NULL};
static const char *const svm_weights[] = {"none", "balanced", NULL};

enum
{
	SVM_C, SVM_LOSS, SVM_CLASS_WEIGHT, SVM_PROBABILITY, SVM_MAX_ITER, SVM_TOL
};

static const MlpParamSpec svm_params[] = {
	{"C", MLP_PARAM_FLOAT, 1.0, 0.0, 1e300, true},
	{"loss", MLP_PARAM_CHOICE, 0, 0, 1, false, svm_losses},
	{"class_weight", MLP_PARAM_CHOICE, 0, 0, 1, false, svm_weights},
	{"probability", MLP_PARAM_BOOL, 0, 0, 1, false},
	{"max_iter", MLP_PARAM_INT, 1000, 1, 100000000, false},
	{"tol", MLP_PARAM_FLOAT, 1e-4, 0.0, 1.0, true},
};

/*
 * One binary problem by dual coordinate descent: X is n rows of d = p + 1
 * values (the last 1), y is +1 or -1, cost[i] row i's C.  Stops when the
 * spread of the projected gradient over a sweep is below tol.  Returns
 * false when max_iter sweeps did not get there.
 */
static bool
DualCd(const double *X, int64 n, int d, const double *y, const double *cost,
	   bool squared, int max_iter, double tol, double *w)
{
	double	   *alpha = MemoryContextAllocExtended(CurrentMemoryContext,
												   sizeof(double) * (Size) n,
												   MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	double	   *qd = MemoryContextAllocExtended(CurrentMemoryContext,
												sizeof(double) * (Size) n, MCXT_ALLOC_HUGE);
	int64	   *order = MemoryContextAllocExtended(CurrentMemoryContext,
												   sizeof(int64) * (Size) n, MCXT_ALLOC_HUGE);
	uint64		seed = 0;
	bool		converged = false;

	memset(w, 0, sizeof(double) * d);
	for (int64 i = 0; i < n; i++)
	{
		const double *xi = X + (Size) i * d;

		/* the L2 loss's dual adds 1 / (2 C) to the diagonal; its bound is infinite */
		qd[i] = MlpDot(xi, xi, d) + (squared ? 0.5 / cost[i] : 0);
		order[i] = i;
	}
	for (int it = 0; it < max_iter && !converged; it++)
	{
		double		pgmax = -INFINITY;
		double		pgmin = INFINITY;

		CHECK_FOR_INTERRUPTS();
		/* a fresh random order each sweep */
		for (int64 i = n - 1; i > 0; i--)
		{
			int64		j = (int64) (MlpRandomNext(&seed) % (uint64) (i + 1));
			int64		t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (int64 s = 0; s < n; s++)
		{
			int64		i = order[s];
			const double *xi = X + (Size) i * d;
			double		upper = squared ? INFINITY : cost[i];
			double		g = y[i] * MlpDot(w, xi, d) - 1 + (squared ? alpha[i] * 0.5 / cost[i] : 0);
			double		pg = g;

			if ((s & 0x3fff) == 0)
				CHECK_FOR_INTERRUPTS();
			if (alpha[i] == 0)
				pg = Min(g, 0);
			else if (alpha[i] == upper)
				pg = Max(g, 0);
			pgmax = Max(pgmax, pg);
			pgmin = Min(pgmin, pg);
			if (fabs(pg) > 1e-12)
			{
				double		old = alpha[i];
				double		delta;

				alpha[i] = Min(Max(old - g / qd[i], 0.0), upper);
				delta = (alpha[i] - old) * y[i];
				for (int j = 0; j < d; j++)
					w[j] += delta * xi[j];
			}
		}
		if (n == 0 || pgmax - pgmin <= tol)
			converged = true;
	}
	pfree(alpha);
	pfree(qd);
	pfree(order);
	return converged;
}

/*
 * Platt's sigmoid for decision values f and targets (+1 / -1), by Newton's
 * method with a backtracking line search on the regularised targets of
 * Lin, Lin and Weng (2007): minimises the log loss of 1 / (1 + exp(A f + B)).
 */
static void
FitPlatt(const double *f, const double *y, int64 n, double *ab)
{
	double		prior1 = 0;
	double		prior0;
	double		hi;
	double		lo;
	double		a = 0;
	double		b;
	double		fval = 0;

	for (int64 i = 0; i < n; i++)
		prior1 += y[i] > 0;
	prior0 = n - prior1;
	hi = (prior1 + 1) / (prior1 + 2);
	lo = 1 / (prior0 + 2);
	b = log((prior0 + 1) / (prior1 + 1));
	/* the objective at (a, b), stably */
#define PLATT_TERM(fa) do { \
		double z_ = (fa); \
		double t_ = y[i] > 0 ? hi : lo; \
		fval += z_ >= 0 ? t_ * z_ + log1p(exp(-z_)) : (t_ - 1) * z_ + log1p(exp(z_)); \
	} while (0)
	for (int64 i = 0; i < n; i++)
		PLATT_TERM(f[i] * a + b);
	for (int it = 0; it < 100; it++)
	{
		double		h11 = 1e-12,
					h22 = 1e-12,
					h21 = 0,
					g1 = 0,
					g2 = 0;
		double		det,
					da,
					db,
					gd,
					step;

		for (int64 i = 0; i < n; i++)
		{
			double		z = f[i] * a + b;
			double		t = y[i] > 0 ? hi : lo;
			double		p,
						q,
						d1,
						d2;

			if ((i & 0xffff) == 0)
				CHECK_FOR_INTERRUPTS();
			/* p = 1 / (1 + exp(z)), q = 1 - p, computed without overflow */
			if (z >= 0)
			{
				p = exp(-z) / (1 + exp(-z));
				q = 1 / (1 + exp(-z));
			}
			else
			{
				p = 1 / (1 + exp(z));
				q = exp(z) / (1 + exp(z));
			}
			d2 = p * q;
			h11 += f[i] * f[i] * d2;
			h22 += d2;
			h21 += f[i] * d2;
			d1 = t - p;
			g1 += f[i] * d1;
			g2 += d1;
		}
		if (fabs(g1) < 1e-10 * Max(n, 1) && fabs(g2) < 1e-10 * Max(n, 1))
			break;
		det = h11 * h22 - h21 * h21;
		da = -(h22 * g1 - h21 * g2) / det;
		db = -(-h21 * g1 + h11 * g2) / det;
		gd = g1 * da + g2 * db;
		for (step = 1; step >= 1e-10; step /= 2)
		{
			double		na = a + step * da;
			double		nb = b + step * db;
			double		old = fval;

			fval = 0;
			for (int64 i = 0; i < n; i++)
				PLATT_TERM(f[i] * na + nb);
			if (fval < old + 1e-4 * step * gd)
			{
				a = na;
				b = nb;
				break;
			}
			fval = old;
		}
		if (step < 1e-10)
			break;				/* no decrease left */
	}
#undef PLATT_TERM
	ab[0] = a;
	ab[1] = b;
}

/* Fit on the prepared training rows, copied row by row into one dense matrix. */
static void *
SvmFitRows(const MlpEstimator *est, const MlpPart *part, const double *center,
		   const double *scale, int nclasses, const double *hp)
{
	int			p = part->p;
	int			d = p + 1;
	const double *yc = PartCol(part, p);
	int64		n = part->m.nrows - part->ntest;
	SvmState   *s = palloc0(sizeof(SvmState));
	double	   *X;
	int		   *cls;
	double	   *y;
	double	   *cost;
	double	   *cw = palloc(sizeof(double) * nclasses);
	int64	   *cnt = palloc0(sizeof(int64) * nclasses);
	double		C = hp[SVM_C];
	bool		squared = hp[SVM_LOSS] == 0;
	bool		all_converged = true;
	int64		r = 0;

	MlpCheckMemory(mul_size(mul_size(sizeof(double), (Size) Max(n, 1)), (Size) d + 6),
				   "linear_svm's training matrix");
	X = MemoryContextAllocExtended(CurrentMemoryContext,
								   mul_size(sizeof(double), mul_size((Size) Max(n, 1), (Size) d)),
								   MCXT_ALLOC_HUGE);
	cls = MemoryContextAllocExtended(CurrentMemoryContext, sizeof(int) * (Size) Max(n, 1),
									 MCXT_ALLOC_HUGE);
	y = MemoryContextAllocExtended(CurrentMemoryContext, sizeof(double) * (Size) Max(n, 1),
								   MCXT_ALLOC_HUGE);
	cost = MemoryContextAllocExtended(CurrentMemoryContext, sizeof(double) * (Size) Max(n, 1),
									  MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < part->m.nrows; i++)
	{
		if ((i & 0x3fff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (part->is_test[i])
			continue;
		PartRowFeatures(part, i, center, scale, X + (Size) r * d);
		X[(Size) r * d + p] = 1.0;
		cls[r] = (int) yc[i];
		cnt[cls[r]]++;
		r++;
	}
	/* balanced: n / (k n_c), as scikit-learn weighs classes */
	for (int c = 0; c < nclasses; c++)
		cw[c] = hp[SVM_CLASS_WEIGHT] == 1 && cnt[c] > 0 ?
			(double) n / ((double) nclasses * (double) cnt[c]) : 1.0;

	s->k = nclasses;
	s->p = p;
	s->nv = nclasses == 2 ? 1 : nclasses;
	s->calibrated = hp[SVM_PROBABILITY] != 0;
	s->w = palloc0(sizeof(double) * s->nv * d);
	s->platt = palloc0(sizeof(double) * s->nv * 2);
	for (int v = 0; v < s->nv; v++)
	{
		int			pos = nclasses == 2 ? 1 : v;

		/*
		 * liblinear's costs: with two classes each class's weight; one
		 * against the rest weighs only the positive class
		 */
		for (int64 i = 0; i < n; i++)
		{
			y[i] = cls[i] == pos ? 1.0 : -1.0;
			cost[i] = C * (cls[i] == pos ? cw[pos] : (nclasses == 2 ? cw[cls[i]] : 1.0));
		}
		if (!DualCd(X, n, d, y, cost, squared, (int) hp[SVM_MAX_ITER], hp[SVM_TOL],
					s->w + (Size) v * d))
			all_converged = false;
		if (s->calibrated)
		{
			/* the decision values of the training rows, reusing cost */
			for (int64 i = 0; i < n; i++)
				cost[i] = MlpDot(s->w + (Size) v * d, X + (Size) i * d, d);
			FitPlatt(cost, y, n, s->platt + 2 * v);
		}
	}
	if (!all_converged)
		ereport(WARNING,
				(errmsg_plural("linear_svm did not converge in %d iteration",
							   "linear_svm did not converge in %d iterations",
							   (int) hp[SVM_MAX_ITER], (int) hp[SVM_MAX_ITER]),
				 errhint("Raise max_iter, or a smaller C regularises more.")));
	pfree(X);
	pfree(cls);
	pfree(y);
	pfree(cost);
	return s;
}

/*
 * Per class: the Platt probabilities when calibrated, else the decision
 * values (two classes: -f and f), whose largest is the predicted class.
 */
static void
SvmPredictProba(const void *state, const double *x, double *proba)
{
	const SvmState *s = state;
	int			d = s->p + 1;

	if (s->nv == 1)
	{
		double		f = s->w[s->p] + MlpDot(s->w, x, s->p);

		if (s->calibrated)
		{
			proba[1] = 1.0 / (1.0 + exp(s->platt[0] * f + s->platt[1]));
			proba[0] = 1.0 - proba[1];
		}
		else
		{
			proba[1] = f;
			proba[0] = -f;
		}
		return;
	}
	{
		double		sum = 0;

		for (int c = 0; c < s->k; c++)
		{
			const double *wc = s->w + (Size) c * d;
			double		f = wc[s->p] + MlpDot(wc, x, s->p);

			proba[c] = s->calibrated ?
				1.0 / (1.0 + exp(s->platt[2 * c] * f + s->platt[2 * c + 1])) : f;
			sum += proba[c];
		}
		if (s->calibrated)
		{
			/* one-vs-rest probabilities normalised, as scikit-learn does */
			for (int c = 0; c < s->k; c++)
				proba[c] = sum > 0 ? proba[c] / sum : 1.0 / s->k;
		}
	}
}

/* Payload: u32 k, u32 p, u8 calibrated, f64 w[nv (p + 1)], f64 platt[nv 2]. */
static void
SvmSerialize(const void *state, MlpWriter *w)
{
	const SvmState *s = state;

	mlp_put_u32(w, (uint32) s->k);
	mlp_put_u32(w, (uint32) s->p);
	mlp_put_u8(w, s->calibrated ? 1 : 0);
	for (int i = 0; i < s->nv * (s->p + 1); i++)
		mlp_put_f64(w, s->w[i]);
	for (int i = 0; i < s->nv * 2; i++)
		mlp_put_f64(w, s->platt[i]);
}

/* Read and check a payload: 2 .. 1000 classes, a 0/1 flag, finite numbers. */
static void *
SvmDeserialize(MlpCursor *c, int nfeatures, const char **error)
{
	SvmState   *s = palloc0(sizeof(SvmState));
	uint32		k;
	uint32		p;
	uint8		cal;
	int			nv;

	if (!mlp_get_u32(c, &k) || !mlp_get_u32(c, &p) || !mlp_get_u8(c, &cal) ||
		k < 2 || k > 1000 || p != (uint32) nfeatures || cal > 1 ||
		c->len - c->pos != (Size) 8 * (k == 2 ? 1 : k) * (p + 3))
	{
		*error = "linear_svm payload has the wrong size";
		return NULL;
	}
	nv = k == 2 ? 1 : (int) k;
	s->k = (int) k;
	s->p = (int) p;
	s->nv = nv;
	s->calibrated = cal == 1;
	s->w = palloc(sizeof(double) * nv * (p + 1));
	s->platt = palloc(sizeof(double) * nv * 2);
	for (int i = 0; i < nv * (int) (p + 3); i++)
	{
		double	   *dst = i < nv * (int) (p + 1) ? &s->w[i] : &s->platt[i - nv * (int) (p + 1)];

		mlp_get_f64(c, dst);
		if (!isfinite(*dst))
		{
			*error = "linear_svm has a non-finite coefficient";
			return NULL;
		}
	}
	return s;
}

/* Coefficients per feature and intercept, problem by problem. */
static void
SvmCoefficients(const void *state, char **features, MlpCoefEmit emit, void *arg)
{
	const SvmState *s = state;

	MlpEmitWeightVectors(s->w, s->nv, s->p, features, emit, arg);
}

/* How many classes a fitted model has. */
static int
SvmClasses(const void *state)
{
	return ((const SvmState *) state)->k;
}

/* Probabilities only with a Platt calibration. */
static bool
SvmHasProba(const void *state)
{
	return ((const SvmState *) state)->calibrated;
}

const MlpEstimator mlp_linear_svm = {
	"linear_svm", 7, MLP_TASK_CLASSIFICATION, svm_params, lengthof(svm_params),
	NULL, NULL, SvmSerialize, SvmDeserialize, SvmCoefficients, NULL,
	SvmFitRows, SvmPredictProba, SvmClasses, SvmHasProba
};
