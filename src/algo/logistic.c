/*
 * logistic.c
 *	  logistic_regression: binary and multinomial (softmax); penalties none,
 *	  l2, l1 and elastic_net; balanced class weights.
 *
 * The objective is scikit-learn's: the (class-weighted) sum over the
 * training rows of the log loss plus the penalty, (1 - r) |W|^2 / (2 C) +
 * r |W|_1 / C with r the l1_ratio (intercepts not penalised), minimised by
 * L-BFGS (OWL-QN when there is an L1 term) over the prepared training rows copied into one dense matrix, the
 * gradient X'(P - Y) by BLAS.  Two classes have one weight vector (for the
 * second class); more have one per class.
 */
#include "postgres.h"

#include <cblas.h>
#include <float.h>
#include <math.h>

#include "miscadmin.h"
#include "utils/memutils.h"

#include "estimator.h"
#include "part.h"

#define LBFGS_M 10				/* correction pairs kept */

typedef struct LogState
{
	int			k;				/* classes */
	int			p;				/* features */
	int			nv;				/* weight vectors: 1 for two classes, else k */
	double	   *w;				/* nv x (p + 1): weights, then the intercept */
} LogState;

static const char *const log_penalties[] = {"l2", "none", "l1", "elastic_net", NULL};
static const char *const log_weights[] = {"none", "balanced", NULL};

enum
{
	LOG_PENALTY, LOG_C, LOG_L1_RATIO, LOG_CLASS_WEIGHT, LOG_MAX_ITER, LOG_TOL
};

static const MlpParamSpec log_params[] = {
	{"penalty", MLP_PARAM_CHOICE, 0, 0, 3, false, log_penalties},
	{"C", MLP_PARAM_FLOAT, 1.0, 0.0, 1e300, true},
	{"l1_ratio", MLP_PARAM_FLOAT, 0.5, 0.0, 1.0, false},
	{"class_weight", MLP_PARAM_CHOICE, 0, 0, 1, false, log_weights},
	{"max_iter", MLP_PARAM_INT, 1000, 1, 100000000, false},
	{"tol", MLP_PARAM_FLOAT, 1e-10, 0.0, 1.0, true},
};

/* the training problem */
typedef struct LogProblem
{
	int64		n;
	int			p;
	int			nv;
	const double *X;			/* n x p, column-major */
	const int  *y;				/* class index per row */
	const double *cw;			/* weight per class, or NULL */
	double		l2;				/* squared-norm penalty / 2 */
	double		l1;				/* absolute-value penalty (OWL-QN) */
	double	   *Z;				/* n x nv scratch: scores, then residuals */
	int		   *nevals;			/* objective evaluations, for DEBUG1 */
} LogProblem;

/* Objective and gradient at w (nv x (p + 1), vector-major). */
static double
LogObjective(const LogProblem *lp, const double *w, double *g)
{
	int64		n = lp->n;
	int			p = lp->p;
	int			nv = lp->nv;
	double		f = 0;

	CHECK_FOR_INTERRUPTS();
	(*lp->nevals)++;
	/* scores Z = X W' + b */
	for (int v = 0; v < nv; v++)
	{
		const double *wv = w + (Size) v * (p + 1);
		double	   *z = lp->Z + (Size) v * n;

		for (int64 i = 0; i < n; i++)
			z[i] = wv[p];
		if (p > 0)
			cblas_dgemv(CblasColMajor, CblasNoTrans, n, p, 1.0, lp->X, n, wv, 1, 1.0, z, 1);
	}
	/* loss, and Z becomes the residuals P - Y */
	for (int64 i = 0; i < n; i++)
	{
		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (nv == 1)
		{
			double		z = lp->Z[i];
			double		t = lp->y[i] == 1 ? 1.0 : 0.0;

			double		sw = lp->cw ? lp->cw[lp->y[i]] : 1.0;

			/* one exp(-|z|) gives log(1 + e^z) - t z and the sigmoid, stably */
			double		e = exp(-fabs(z));
			double		sig = z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);

			f += sw * (Max(z, 0) + log1p(e) - t * z);
			lp->Z[i] = sw * (sig - t);
		}
		else
		{
			double		top = -INFINITY;
			double		sum = 0;
			double		sw = lp->cw ? lp->cw[lp->y[i]] : 1.0;

			for (int v = 0; v < nv; v++)
				top = Max(top, lp->Z[(Size) v * n + i]);
			for (int v = 0; v < nv; v++)
				sum += exp(lp->Z[(Size) v * n + i] - top);
			f += sw * (top + log(sum) - lp->Z[(Size) lp->y[i] * n + i]);
			for (int v = 0; v < nv; v++)
			{
				double	   *z = &lp->Z[(Size) v * n + i];

				*z = sw * (exp(*z - top) / sum - (lp->y[i] == v ? 1.0 : 0.0));
			}
		}
	}
	/* gradient X'(P - Y) and the residuals' sums; then the penalty */
	for (int v = 0; v < nv; v++)
	{
		const double *wv = w + (Size) v * (p + 1);
		double	   *gv = g + (Size) v * (p + 1);
		const double *r = lp->Z + (Size) v * n;
		double		s = 0;

		if (p > 0)
			cblas_dgemv(CblasColMajor, CblasTrans, n, p, 1.0, lp->X, n, r, 1, 0.0, gv, 1);
		for (int64 i = 0; i < n; i++)
			s += r[i];
		gv[p] = s;
		for (int j = 0; j < p; j++)
		{
			f += 0.5 * lp->l2 * wv[j] * wv[j];
			gv[j] += lp->l2 * wv[j];
		}
	}
	return f;
}

/* Whether weight i is a coefficient (penalised) rather than an intercept. */
static inline bool
Penalised(const LogProblem *lp, int i)
{
	return i % (lp->p + 1) != lp->p;
}

/* The L1 term of the objective at w. */
static double
L1Term(const LogProblem *lp, const double *w, int d)
{
	double		s = 0;

	if (lp->l1 == 0)
		return 0;
	for (int i = 0; i < d; i++)
		if (Penalised(lp, i))
			s += fabs(w[i]);
	return lp->l1 * s;
}

/*
 * The steepest-descent pseudo-gradient of smooth + L1 (OWL-QN): at a zero
 * weight, the one-sided derivative that decreases the objective, or 0.
 */
static void
PseudoGradient(const LogProblem *lp, const double *w, const double *g, double *pg, int d)
{
	for (int i = 0; i < d; i++)
	{
		if (lp->l1 == 0 || !Penalised(lp, i))
			pg[i] = g[i];
		else if (w[i] > 0)
			pg[i] = g[i] + lp->l1;
		else if (w[i] < 0)
			pg[i] = g[i] - lp->l1;
		else if (g[i] + lp->l1 < 0)
			pg[i] = g[i] + lp->l1;
		else if (g[i] - lp->l1 > 0)
			pg[i] = g[i] - lp->l1;
		else
			pg[i] = 0;
	}
}

/*
 * L-BFGS, and with an L1 term OWL-QN (Andrew and Gao, 2007: the search
 * stays in the orthant of the current point), with a backtracking line
 * search (sufficient decrease), from w = 0, until the largest
 * pseudo-gradient entry is below tol times the row count or the objective
 * stops moving.  Returns the iterations, or -1 without convergence.
 */
static int
Lbfgs(const LogProblem *lp, double *w, int max_iter, double tol)
{
	int			d = lp->nv * (lp->p + 1);
	double	   *g = palloc(sizeof(double) * d);
	double	   *gn = palloc(sizeof(double) * d);
	double	   *pg = palloc(sizeof(double) * d);
	double	   *pgn = palloc(sizeof(double) * d);
	double	   *wn = palloc(sizeof(double) * d);
	double	   *dir = palloc(sizeof(double) * d);
	double	   *S = palloc(sizeof(double) * d * LBFGS_M);
	double	   *Y = palloc(sizeof(double) * d * LBFGS_M);
	double		rho[LBFGS_M];
	double		alpha[LBFGS_M];
	int			m = 0;
	int			head = 0;
	double		f = LogObjective(lp, w, g) + L1Term(lp, w, d);

	for (int it = 0; it < max_iter; it++)
	{
		double		gmax = 0;
		double		step = 1.0;
		double		slope;
		double		fn;

		PseudoGradient(lp, w, g, pg, d);
		for (int i = 0; i < d; i++)
			gmax = Max(gmax, fabs(pg[i]));
		if (gmax <= tol * Max((double) lp->n, 1.0))
			return it;
		/* two-loop recursion: dir = -H pg */
		for (int i = 0; i < d; i++)
			dir[i] = -pg[i];
		for (int c = 0; c < m; c++)
		{
			int			s = (head - 1 - c + LBFGS_M) % LBFGS_M;

			alpha[s] = rho[s] * MlpDot(S + (Size) s * d, dir, d);
			for (int i = 0; i < d; i++)
				dir[i] -= alpha[s] * Y[(Size) s * d + i];
		}
		if (m > 0)
		{
			int			s = (head - 1 + LBFGS_M) % LBFGS_M;
			double		gamma = MlpDot(S + (Size) s * d, Y + (Size) s * d, d) /
				MlpDot(Y + (Size) s * d, Y + (Size) s * d, d);

			for (int i = 0; i < d; i++)
				dir[i] *= gamma;
		}
		else
		{
			/* the first step: a unit move along the gradient */
			double		gn2 = sqrt(MlpDot(pg, pg, d));

			for (int i = 0; i < d; i++)
				dir[i] /= Max(gn2, 1.0);
		}
		for (int c = m - 1; c >= 0; c--)
		{
			int			s = (head - 1 - c + LBFGS_M) % LBFGS_M;
			double		beta = rho[s] * MlpDot(Y + (Size) s * d, dir, d);

			for (int i = 0; i < d; i++)
				dir[i] += (alpha[s] - beta) * S[(Size) s * d + i];
		}
		/* OWL-QN: keep only the components that descend the pseudo-gradient */
		if (lp->l1 > 0)
			for (int i = 0; i < d; i++)
				if (dir[i] * pg[i] >= 0)
					dir[i] = 0;
		slope = MlpDot(pg, dir, d);
		if (!(slope < 0))
		{
			/* not a descent direction: start again from the gradient */
			m = 0;
			for (int i = 0; i < d; i++)
				dir[i] = -pg[i];
			slope = -MlpDot(pg, pg, d);
		}
		for (;;)
		{
			for (int i = 0; i < d; i++)
			{
				wn[i] = w[i] + step * dir[i];
				/* OWL-QN: a weight that leaves its orthant stops at zero */
				if (lp->l1 > 0 && Penalised(lp, i))
				{
					double		orth = w[i] != 0 ? w[i] : -pg[i];

					if (wn[i] * orth <= 0)
						wn[i] = 0;
				}
			}
			fn = LogObjective(lp, wn, gn) + L1Term(lp, wn, d);
			if (lp->l1 > 0)
			{
				slope = 0;
				for (int i = 0; i < d; i++)
					slope += pg[i] * (wn[i] - w[i]);
				if (fn <= f + 1e-4 * slope || step < 1e-20)
					break;
			}
			else if (fn <= f + 1e-4 * step * slope || step < 1e-20)
				break;

			/*
			 * Near the optimum the objective, a sum over every row, moves
			 * less than its own rounding: the sufficient-decrease test then
			 * fails on noise, and halving the step only wastes passes.
			 * There a smaller largest (pseudo-)gradient is the progress.
			 */
			if (fabs(fn - f) <= 1e-11 * Max(fabs(f), 1.0))
			{
				double		gmax_n = 0;

				PseudoGradient(lp, wn, gn, pgn, d);
				for (int i = 0; i < d; i++)
					gmax_n = Max(gmax_n, fabs(pgn[i]));
				if (gmax_n < gmax)
					break;
			}
			step *= 0.5;
		}
		ereport(DEBUG2,
				(errmsg_internal("logistic_regression: iteration %d, step %g, objective %.17g, largest gradient %g",
								 it, step, fn, gmax)));
		if (step < 1e-20)
			return it;			/* no decrease left: as good as it gets */
		/* the new correction pair, from the smooth part's gradients */
		{
			double	   *s = S + (Size) head * d;
			double	   *yv = Y + (Size) head * d;
			double		sy;

			for (int i = 0; i < d; i++)
			{
				s[i] = wn[i] - w[i];
				yv[i] = gn[i] - g[i];
			}
			sy = MlpDot(s, yv, d);
			if (sy > 1e-300)
			{
				rho[head] = 1.0 / sy;
				head = (head + 1) % LBFGS_M;
				m = Min(m + 1, LBFGS_M);
			}
		}
		if (fabs(f - fn) <= DBL_EPSILON * Max(fabs(f), 1.0) * 4)
		{
			memcpy(w, wn, sizeof(double) * d);
			return it + 1;
		}
		memcpy(w, wn, sizeof(double) * d);
		memcpy(g, gn, sizeof(double) * d);
		f = fn;
	}
	return -1;
}

/* Fit on the prepared training rows, copied into one dense matrix. */
static void *
LogFitRows(const MlpEstimator *est, const MlpPart *part, const double *center,
		   const double *scale, int nclasses, const double *hp)
{
	int			p = part->p;
	const double *yc = PartCol(part, p);
	int64		n = part->m.nrows - part->ntest;
	LogState   *s = palloc0(sizeof(LogState));
	LogProblem	lp;
	double	   *X;
	int		   *y;
	double	   *x = palloc(sizeof(double) * Max(p, 1));
	int64		r = 0;
	int			iters;
	int			nevals = 0;

	MlpCheckMemory(mul_size(mul_size(sizeof(double), (Size) Max(n, 1)), (Size) p + 1 + (nclasses > 2 ? nclasses : 1)),
				   "logistic_regression's training matrix");
	X = MemoryContextAllocExtended(CurrentMemoryContext,
								   mul_size(sizeof(double), mul_size((Size) Max(n, 1), (Size) Max(p, 1))),
								   MCXT_ALLOC_HUGE);
	y = MemoryContextAllocExtended(CurrentMemoryContext, sizeof(int) * (Size) Max(n, 1),
								   MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < part->m.nrows; i++)
	{
		if ((i & 0x3fff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (part->is_test[i])
			continue;
		PartRowFeatures(part, i, center, scale, x);
		for (int j = 0; j < p; j++)
			X[(Size) j * n + r] = x[j];
		y[r++] = (int) yc[i];
	}
	s->k = nclasses;
	s->p = p;
	s->nv = nclasses == 2 ? 1 : nclasses;
	s->w = palloc0(sizeof(double) * s->nv * (p + 1));
	lp.n = n;
	lp.p = p;
	lp.nv = s->nv;
	lp.X = X;
	lp.y = y;
	lp.cw = NULL;
	if (hp[LOG_CLASS_WEIGHT] == 1)
	{
		/* balanced: n / (k n_c), as scikit-learn weighs classes */
		int64	   *cnt = palloc0(sizeof(int64) * nclasses);
		double	   *cw = palloc(sizeof(double) * nclasses);

		for (int64 i = 0; i < n; i++)
			cnt[y[i]]++;
		for (int c = 0; c < nclasses; c++)
			cw[c] = cnt[c] > 0 ? (double) n / ((double) nclasses * (double) cnt[c]) : 0;
		lp.cw = cw;
	}
	lp.l1 = lp.l2 = 0;
	switch ((int) hp[LOG_PENALTY])
	{
		case 0:
			lp.l2 = 1.0 / hp[LOG_C];
			break;
		case 2:
			lp.l1 = 1.0 / hp[LOG_C];
			break;
		case 3:
			lp.l1 = hp[LOG_L1_RATIO] / hp[LOG_C];
			lp.l2 = (1.0 - hp[LOG_L1_RATIO]) / hp[LOG_C];
			break;
	}
	lp.Z = MemoryContextAllocExtended(CurrentMemoryContext,
									  mul_size(sizeof(double), mul_size((Size) Max(n, 1), (Size) s->nv)),
									  MCXT_ALLOC_HUGE);
	/*
	 * Start from the intercepts of the (weighted) class shares, the optimum
	 * of a model without features: the first steps then go to the weights.
	 */
	{
		double	   *share = palloc0(sizeof(double) * nclasses);
		double		mean_log = 0;

		for (int64 i = 0; i < n; i++)
			share[y[i]] += lp.cw ? lp.cw[y[i]] : 1.0;
		for (int c = 0; c < nclasses; c++)
			share[c] = log(Max(share[c], 0.5));
		if (s->nv == 1)
			s->w[p] = share[1] - share[0];
		else
		{
			for (int c = 0; c < nclasses; c++)
				mean_log += share[c] / nclasses;
			for (int c = 0; c < nclasses; c++)
				s->w[(Size) c * (p + 1) + p] = share[c] - mean_log;
		}
		pfree(share);
	}
	lp.nevals = &nevals;
	iters = Lbfgs(&lp, s->w, (int) hp[LOG_MAX_ITER], hp[LOG_TOL]);
	ereport(DEBUG1,
			(errmsg_internal("logistic_regression: %d iterations, %d evaluations of the objective",
							 iters, nevals)));
	if (iters < 0)
		ereport(WARNING,
				(errmsg_plural("logistic_regression did not converge in %d iteration",
							   "logistic_regression did not converge in %d iterations",
							   (int) hp[LOG_MAX_ITER], (int) hp[LOG_MAX_ITER]),
				 hp[LOG_PENALTY] == 1 ?
				 errhint("Raise max_iter; without a penalty, separable classes never converge.") :
				 errhint("Raise max_iter, or a smaller C regularises more.")));
	for (int i = 0; i < s->nv * (p + 1); i++)
		if (!isfinite(s->w[i]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("logistic_regression produced non-finite coefficients"),
					 hp[LOG_PENALTY] == 1 ?
					 errhint("The classes may be separable: use a penalty.") :
					 errhint("The classes may be separable: use a smaller C.")));
	pfree(X);
	pfree(y);
	pfree(lp.Z);
	return s;
}

/* Class probabilities: the sigmoid of one score, or the softmax of k. */
static void
LogPredictProba(const void *state, const double *x, double *proba)
{
	const LogState *s = state;

	if (s->nv == 1)
	{
		double		z = s->w[s->p] + MlpDot(s->w, x, s->p);

		proba[1] = 1.0 / (1.0 + exp(-z));
		proba[0] = 1.0 - proba[1];
		return;
	}
	{
		double		top = -INFINITY;
		double		sum = 0;

		for (int c = 0; c < s->k; c++)
		{
			const double *wc = s->w + (Size) c * (s->p + 1);

			proba[c] = wc[s->p] + MlpDot(wc, x, s->p);
			top = Max(top, proba[c]);
		}
		for (int c = 0; c < s->k; c++)
		{
			proba[c] = exp(proba[c] - top);
			sum += proba[c];
		}
		for (int c = 0; c < s->k; c++)
			proba[c] /= sum;
	}
}

/* Payload: u32 k, u32 p, f64 w[nv (p + 1)]. */
static void
LogSerialize(const void *state, MlpWriter *w)
{
	const LogState *s = state;

	mlp_put_u32(w, (uint32) s->k);
	mlp_put_u32(w, (uint32) s->p);
	for (int i = 0; i < s->nv * (s->p + 1); i++)
		mlp_put_f64(w, s->w[i]);
}

/* Read and check a payload: 2 .. 1000 classes, finite weights. */
static void *
LogDeserialize(MlpCursor *c, int nfeatures, const char **error)
{
	LogState   *s = palloc0(sizeof(LogState));
	uint32		k;
	uint32		p;

	if (!mlp_get_u32(c, &k) || !mlp_get_u32(c, &p) || k < 2 || k > 1000 ||
		p != (uint32) nfeatures ||
		c->len - c->pos != (Size) 8 * (k == 2 ? 1 : k) * (p + 1))
	{
		*error = "logistic_regression payload has the wrong size";
		return NULL;
	}
	s->k = (int) k;
	s->p = (int) p;
	s->nv = k == 2 ? 1 : (int) k;
	s->w = palloc(sizeof(double) * s->nv * (p + 1));
	for (int i = 0; i < s->nv * (int) (p + 1); i++)
	{
		mlp_get_f64(c, &s->w[i]);
		if (!isfinite(s->w[i]))
		{
			*error = "logistic_regression has a non-finite coefficient";
			return NULL;
		}
	}
	return s;
}

/* Coefficients per feature and intercept, class by class. */
static void
LogCoefficients(const void *state, char **features, MlpCoefEmit emit, void *arg)
{
	const LogState *s = state;

	MlpEmitWeightVectors(s->w, s->nv, s->p, features, emit, arg);
}

/* How many classes a fitted model has. */
static int
LogClasses(const void *state)
{
	return ((const LogState *) state)->k;
}

const MlpEstimator mlp_logistic_regression = {
	"logistic_regression", 6, MLP_TASK_CLASSIFICATION, log_params, lengthof(log_params),
	NULL, NULL, LogSerialize, LogDeserialize, LogCoefficients, NULL,
	LogFitRows, LogPredictProba, LogClasses
};
