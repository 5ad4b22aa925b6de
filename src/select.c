/*
 * select.c
 *	  preprocess => '{"select": {"method": "f_test", "k": 5}}'
 *
 * Selection comes last, over every prepared feature (one-hot columns,
 * date parts and products included), and is fitted on the training rows:
 *	  variance	 the k largest variances before scaling (the measure of
 *				 scikit-learn's VarianceThreshold);
 *	  f_test	 the k largest F statistics of a univariate regression on the
 *				 target (SelectKBest(f_regression)), from the co-moments;
 *	  mutual_info the k largest mutual informations with the target, by the
 *				 Kraskov estimator of mutual_info_regression, over at most
 *				 MLP_MI_MAX_ROWS training rows taken at an even stride;
 *	  l1		 the features of the lasso on the scaled features, at the
 *				 largest alpha of scikit-learn's path (100 alphas down to
 *				 alpha_max / 1000) where at least k are non-zero; the k
 *				 largest |coefficient| there.
 * Ties go to the later feature, as SelectKBest's stable sort does.
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"

#include "comoments.h"
#include "linsolve.h"
#include "mutinfo.h"
#include "select.h"

typedef struct Scored
{
	double		score;
	int			j;
}			Scored;

/* Larger scores first; of equal ones the later feature. */
static int
CompareScored(const void *a, const void *b)
{
	const Scored *x = a;
	const Scored *y = b;

	if (x->score != y->score)
		return (x->score < y->score) ? 1 : -1;
	return (x->j < y->j) ? 1 : (x->j > y->j) ? -1 : 0;
}

static int
CompareInt(const void *a, const void *b)
{
	return (*(const int *) a > *(const int *) b) - (*(const int *) a < *(const int *) b);
}

/* The k best of p scores, as ascending feature indexes in sel. */
static void
TopK(const double *score, int p, int k, int *sel)
{
	Scored	   *s = palloc(sizeof(Scored) * p);

	for (int j = 0; j < p; j++)
	{
		/* NaN (an undefined score) ranks last */
		s[j].score = isnan(score[j]) ? -INFINITY : score[j];
		s[j].j = j;
	}
	qsort(s, p, sizeof(Scored), CompareScored);
	for (int i = 0; i < k; i++)
		sel[i] = s[i].j;
	qsort(sel, k, sizeof(int), CompareInt);
	pfree(s);
}

/*
 * F statistics of f_regression from the co-moments: r^2 / (1 - r^2) times
 * n - 2 degrees of freedom.
 */
static void
FScores(const double *st, double *score)
{
	int			k = COMOM_K(st);
	int			p = k - 1;
	double		n = COMOM_N(st);
	const double *C = COMOM_C(st);
	double		cyy = C[(Size) p * k + p];

	for (int j = 0; j < p; j++)
	{
		double		cjj = C[(Size) j * k + j];
		double		cjy = C[(Size) p * k + j];
		double		r2 = (cjj > 0 && cyy > 0) ? cjy * cjy / (cjj * cyy) : NAN;

		score[j] = r2 / (1 - r2) * (n - 2);
	}
}

/* Mutual information of each feature with the target over sampled training rows. */
static void
MiScores(const MlpPart *part, double *score)
{
	const MlpMatrix *m = &part->m;
	int			p = part->p;
	int64		ntrain = m->nrows - part->ntest;
	int64		stride = Max((ntrain + MLP_MI_MAX_ROWS - 1) / MLP_MI_MAX_ROWS, 1);
	int64		cap = Min(ntrain, MLP_MI_MAX_ROWS);
	int64	   *rows = palloc(sizeof(int64) * Max(cap, 1));
	double	   *x = palloc(sizeof(double) * Max(cap, 1));
	double	   *y = palloc(sizeof(double) * Max(cap, 1));
	int64		n = 0;
	int64		seen = 0;

	for (int64 i = 0; i < m->nrows && n < cap; i++)
	{
		if (part->is_test[i])
			continue;
		if (seen++ % stride == 0)
			rows[n++] = i;
	}
	for (int64 r = 0; r < n; r++)
		y[r] = MLP_AT(m, rows[r], p);
	for (int j = 0; j < p; j++)
	{
		CHECK_FOR_INTERRUPTS();
		for (int64 r = 0; r < n; r++)
			x[r] = MLP_AT(m, rows[r], j);
		score[j] = MlpMutualInfo(x, y, n, MLP_MI_NEIGHBOURS);
	}
	pfree(rows);
	pfree(x);
	pfree(y);
}

/*
 * |coefficient| of the lasso at the largest alpha of scikit-learn's grid
 * with at least k non-zero coefficients (or at the smallest alpha).
 */
static void
L1Scores(const double *st, int k, double *score)
{
	int			kk = COMOM_K(st);
	int			p = kk - 1;
	double		n = COMOM_N(st);
	const double *C = COMOM_C(st);
	double		amax = 0;
	MlpLinearParams prm = {MLP_LIN_LASSO, 0, 1.0, 100000, 1e-10};
	MlpLinearFit fit;
	const int	nalphas = 100;

	for (int j = 0; j < p; j++)
		amax = Max(amax, fabs(C[(Size) p * kk + j]) / n);
	for (int a = 0; a < nalphas; a++)
	{
		int			nnz = 0;

		CHECK_FOR_INTERRUPTS();
		/* np.logspace(log10(amax * 1e-3), log10(amax), 100), largest first */
		prm.alpha = pow(10.0, log10(amax) - 3.0 * a / (nalphas - 1));
		LinearSolve(st, &prm, &fit);
		for (int j = 0; j < p; j++)
		{
			score[j] = fabs(fit.coef[j]);
			nnz += fit.coef[j] != 0;
		}
		pfree(fit.coef);
		if (nnz >= k)
			break;
	}
}

/*
 * Choose k of the p features: var holds their variances before scaling,
 * st the co-moments of the prepared (scaled) features and the target, part
 * the prepared rows (for mutual information).  Returns k; sel gets the
 * chosen features' indexes, ascending.
 */
int
MlpSelectFeatures(MlpSelectMethod method, int k, const double *var,
				  const double *st, const MlpPart *part, int *sel)
{
	int			p = COMOM_K(st) - 1;
	double	   *score = palloc(sizeof(double) * p);

	Assert(k < p);
	switch (method)
	{
		case MLP_SELECT_VARIANCE:
			memcpy(score, var, sizeof(double) * p);
			break;
		case MLP_SELECT_F_TEST:
			FScores(st, score);
			break;
		case MLP_SELECT_MUTUAL_INFO:
			MiScores(part, score);
			break;
		case MLP_SELECT_L1:
			L1Scores(st, k, score);
			break;
		case MLP_SELECT_NONE:
			elog(ERROR, "no selection method");
	}
	TopK(score, p, k, sel);
	pfree(score);
	return k;
}

/* The co-moments of the chosen features and the target (the last variable). */
void
MlpSubsetComoments(const double *st, const int *sel, int k, double *out)
{
	int			kk = COMOM_K(st);
	int		   *v = palloc(sizeof(int) * (k + 1));

	memcpy(v, sel, sizeof(int) * k);
	v[k] = kk - 1;
	ComomentsInit(out, k + 1);
	COMOM_N(out) = COMOM_N(st);
	for (int a = 0; a <= k; a++)
	{
		COMOM_MEAN(out)[a] = COMOM_MEAN(st)[v[a]];
		for (int b = 0; b <= k; b++)
			COMOM_C(out)[(Size) b * (k + 1) + a] = COMOM_C(st)[(Size) v[b] * kk + v[a]];
	}
	pfree(v);
}

/*
 * Keep the chosen columns of the rows, then the target, in place: column
 * sel[i] moves to i (sel ascending, so nothing is overwritten unread).
 */
void
MlpKeepColumns(MlpPart *part, const int *sel, int k)
{
	MlpMatrix  *m = &part->m;
	Size		bytes = sizeof(double) * (Size) m->nrows;

	for (int i = 0; i < k; i++)
		if (sel[i] != i)
			memmove(MLP_COL(m, i), MLP_COL(m, sel[i]), bytes);
	memmove(MLP_COL(m, k), MLP_COL(m, part->p), bytes);
	m->ncols = k + 1;
	part->p = k;
	/* one-hot groups no longer line up with the columns */
	part->ngroups = 0;
}
