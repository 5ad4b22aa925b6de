/*
 * part.c
 *	  The passes of training over one part of the rows: the split, column
 *	  ranges, co-moments, the normal-equation residual and the metrics.
 */
#include "postgres.h"

#include <cblas.h>
#include <math.h>

#include "miscadmin.h"

#include "comoments.h"
#include "metrics.h"
#include "part.h"
#include "prep.h"
#include "classeval.h"

#define BLOCK_ROWS 2048

/* An empty summary of ncols columns. */
void
SummaryInit(MlpSummary *sum, int ncols)
{
	sum->nrows = 0;
	sum->ntest = 0;
	sum->dropped = 0;
	sum->nnull = palloc0(sizeof(int64) * ncols);
	sum->min = palloc(sizeof(double) * ncols);
	sum->max = palloc(sizeof(double) * ncols);
	for (int j = 0; j < ncols; j++)
	{
		sum->min[j] = INFINITY;
		sum->max[j] = -INFINITY;
	}
}

/* Add one part's load results to a summary. */
void
SummaryAdd(MlpSummary *sum, int ncols, int64 nrows, int64 ntest,
		   const int64 *nnull, const double *min, const double *max)
{
	sum->nrows += nrows;
	sum->ntest += ntest;
	for (int j = 0; j < ncols; j++)
	{
		sum->nnull[j] += nnull[j];
		sum->min[j] = Min(sum->min[j], min[j]);
		sum->max[j] = Max(sum->max[j], max[j]);
	}
}

/* Centre a b x k column-major block on its own means, into bst. */
static void
CenterBlock(double *blk, int b, int k, double *bst)
{
	double	   *bmean = COMOM_MEAN(bst);

	for (int j = 0; j < k; j++)
	{
		double	   *col = blk + (Size) j * b;
		double		s = 0;

		double		x0 = b > 0 ? col[0] : 0;

		/*
		 * The sum is of differences from the first value: far from zero a
		 * plain sum loses the low digits the mean needs (1e15 plus 0 or 1:
		 * the sum of 2048 is off by hundreds), differences of close values
		 * are exact.
		 */
		for (int r = 0; r < b; r++)
			s += col[r] - x0;
		bmean[j] = x0 + s / b;
		for (int r = 0; r < b; r++)
			col[r] -= bmean[j];
	}
}

/*
 * Upper triangle of blk' blk for a b x k column-major block.  For the few,
 * long columns of training data plain dot products beat BLAS syrk, whose
 * panel packing costs as much as the arithmetic at this shape.  Four
 * independent accumulators keep the adder pipeline busy.
 */
static void
GramUpperGeneric(const double *blk, int b, int k, double *C)
{
	for (int j = 0; j < k; j++)
	{
		const double *cj = blk + (Size) j * b;

		for (int i = 0; i <= j; i++)
		{
			const double *ci = blk + (Size) i * b;
			double		s0 = 0,
						s1 = 0,
						s2 = 0,
						s3 = 0;
			int			r = 0;

			for (; r + 4 <= b; r += 4)
			{
				s0 += ci[r] * cj[r];
				s1 += ci[r + 1] * cj[r + 1];
				s2 += ci[r + 2] * cj[r + 2];
				s3 += ci[r + 3] * cj[r + 3];
			}
			for (; r < b; r++)
				s0 += ci[r] * cj[r];
			C[(Size) j * k + i] = (s0 + s1) + (s2 + s3);
		}
	}
}

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_GRAM_AVX2 1

typedef double v4d __attribute__((vector_size(32)));

/* The same with AVX2/FMA: two 4-wide accumulators, chosen at run time. */
__attribute__((target("avx2,fma")))
static void
GramUpperAvx2(const double *blk, int b, int k, double *C)
{
	for (int j = 0; j < k; j++)
	{
		const double *cj = blk + (Size) j * b;

		for (int i = 0; i <= j; i++)
		{
			const double *ci = blk + (Size) i * b;
			v4d			a0 = {0, 0, 0, 0};
			v4d			a1 = {0, 0, 0, 0};
			double		s;
			int			r = 0;

			for (; r + 8 <= b; r += 8)
			{
				v4d			x0,
							y0,
							x1,
							y1;

				memcpy(&x0, ci + r, sizeof(v4d));
				memcpy(&y0, cj + r, sizeof(v4d));
				memcpy(&x1, ci + r + 4, sizeof(v4d));
				memcpy(&y1, cj + r + 4, sizeof(v4d));
				a0 += x0 * y0;
				a1 += x1 * y1;
			}
			a0 += a1;
			s = (a0[0] + a0[1]) + (a0[2] + a0[3]);
			for (; r < b; r++)
				s += ci[r] * cj[r];
			C[(Size) j * k + i] = s;
		}
	}
}
#endif

/* Dispatch to the widest kernel this CPU runs. */
static void
GramUpper(const double *blk, int b, int k, double *C)
{
#ifdef HAVE_GRAM_AVX2
	static int	use_avx2 = -1;

	if (use_avx2 < 0)
		use_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
	if (use_avx2)
	{
		GramUpperAvx2(blk, b, k, C);
		return;
	}
#endif
	GramUpperGeneric(blk, b, k, C);
}

/*
 * Add a gathered block to a split's co-moments: centred on its own mean,
 * its cross-products, then Chan's merge.
 */
static void
AddBlock(double *st, double *blk, int b, int k, double *bst)
{
	if (b == 0)
		return;
	ComomentsInit(bst, k);
	CenterBlock(blk, b, k, bst);
	COMOM_N(bst) = b;
	GramUpper(blk, b, k, COMOM_C(bst));
	ComomentsMerge(st, bst);
}

/* Scratch space of the sparse block path, sized once per pass. */
typedef struct SparseScratch
{
	int			kd;				/* dense columns */
	int		   *dense;			/* their indexes */
	int		   *group_of;		/* per column: its one-hot group, or -1 */
	int		   *slot;			/* per group and row: the active column, or -1 */
	double	   *D;				/* the dense columns, gathered: b x kd */
	double	   *Cd;				/* their cross-products: kd x kd */
	double	   *acc;			/* per one-hot column: sums of centred dense values */
	double	   *pairs;			/* counts of rows active in two columns */
	double	   *count;			/* per one-hot column: active rows */
	double	   *dsum;			/* per dense column: the sum of its centred values */
	int		   *dcol;			/* per dense column: its column in a block */
} SparseScratch;

/* Scratch space for k columns with part's one-hot groups. */
static SparseScratch *
SparseScratchNew(const MlpPart *part, int k)
{
	SparseScratch *s = palloc0(sizeof(SparseScratch));
	Size		maxw = 1;

	s->dense = palloc(sizeof(int) * k);
	s->group_of = palloc(sizeof(int) * k);
	for (int j = 0; j < k; j++)
		s->group_of[j] = -1;
	for (int g = 0; g < part->ngroups; g++)
	{
		maxw = Max(maxw, (Size) part->group_width[g]);
		for (int t = 0; t < part->group_width[g]; t++)
			s->group_of[part->group_first[g] + t] = g;
	}
	s->dcol = palloc(sizeof(int) * k);
	for (int j = 0; j < k; j++)
		if (s->group_of[j] < 0)
		{
			/* a block holds the matrix's columns, compact or not */
			s->dcol[s->kd] = part->colmap ? part->colmap[j] : j;
			s->dense[s->kd++] = j;
		}
	s->slot = palloc(sizeof(int) * BLOCK_ROWS * Max(part->ngroups, 1));
	s->D = palloc(sizeof(double) * BLOCK_ROWS * Max(s->kd, 1));
	s->Cd = palloc(sizeof(double) * Max(s->kd, 1) * Max(s->kd, 1));
	s->acc = palloc(sizeof(double) * k * Max(s->kd, 1));
	s->pairs = palloc(mul_size(sizeof(double), mul_size(maxw, maxw)));
	s->count = palloc(sizeof(double) * k);
	s->dsum = palloc(sizeof(double) * Max(s->kd, 1));
	return s;
}

/* Set C's entry for columns a and b, whichever comes first. */
static inline void
SetUpper(double *C, int k, int a, int b, double v)
{
	if (a <= b)
		C[(Size) b * k + a] = v;
	else
		C[(Size) a * k + b] = v;
}

/*
 * AddBlock for a block with one-hot groups: a row has at most one active
 * column in a group, so its centred products with the dense columns are
 * sums over the rows of each category, and those between one-hot columns
 * are counts: n_tu - n_t n_u / b.  Only the dense columns go through the
 * Gram kernel.  The products with dense columns subtract mean_t times the
 * centred column's sum, as the dense products do implicitly, so a column
 * far from zero loses no more digits than on the dense path.
 */
static void
AddBlockSparse(double *st, double *blk, int b, int k, double *bst,
			   const MlpPart *part, SparseScratch *s)
{
	double	   *mean;
	double	   *C;
	int			kd = s->kd;

	if (b == 0)
		return;
	ComomentsInit(bst, k);
	COMOM_N(bst) = b;
	mean = COMOM_MEAN(bst);
	C = COMOM_C(bst);

	/* the dense columns, centred on the block's means */
	for (int d = 0; d < kd; d++)
	{
		const double *col = blk + (Size) s->dcol[d] * b;
		double	   *out = s->D + (Size) d * b;
		double		sum = 0;

		double		x0 = col[0];

		/* differences from the first value, as in CenterBlock */
		for (int r = 0; r < b; r++)
			sum += col[r] - x0;
		mean[s->dense[d]] = x0 + sum / b;
		sum = 0;
		for (int r = 0; r < b; r++)
		{
			out[r] = col[r] - mean[s->dense[d]];
			sum += out[r];
		}
		/* not quite 0 after rounding: the dense path's products cancel it */
		s->dsum[d] = sum;
	}
	GramUpper(s->D, b, kd, s->Cd);
	for (int j = 0; j < kd; j++)
		for (int i = 0; i <= j; i++)
			SetUpper(C, k, s->dense[i], s->dense[j], s->Cd[(Size) j * kd + i]);

	/* each row's active column in each group, and the counts */
	memset(s->count, 0, sizeof(double) * k);
	memset(s->acc, 0, sizeof(double) * k * Max(kd, 1));
	for (int g = 0; g < part->ngroups; g++)
	{
		int			first = part->group_first[g];
		int			width = part->group_width[g];
		int		   *slot = s->slot + (Size) g * BLOCK_ROWS;

		if (part->colmap)
		{
			/* compact: the slot codes themselves */
			const double *codes = blk + (Size) part->group_col[g] * b;

			for (int r = 0; r < b; r++)
				slot[r] = codes[r] >= 0 ? first + (int) codes[r] : -1;
		}
		else
		{
			for (int r = 0; r < b; r++)
				slot[r] = -1;
			for (int t = 0; t < width; t++)
			{
				const double *col = blk + (Size) (first + t) * b;

				for (int r = 0; r < b; r++)
					if (col[r] != 0)
						slot[r] = first + t;
			}
		}
		for (int r = 0; r < b; r++)
			if (slot[r] >= 0)
			{
				double	   *acc = s->acc + (Size) slot[r] * kd;

				s->count[slot[r]] += 1;
				for (int d = 0; d < kd; d++)
					acc[d] += s->D[(Size) d * b + r];
			}
		for (int t = first; t < first + width; t++)
		{
			mean[t] = s->count[t] / b;
			for (int d = 0; d < kd; d++)
				SetUpper(C, k, t, s->dense[d], s->acc[(Size) t * kd + d] -
						 mean[t] * s->dsum[d]);
			for (int u = first; u <= t; u++)
				SetUpper(C, k, u, t, (u == t ? s->count[t] : 0) -
						 s->count[t] * s->count[u] / b);
		}
	}

	/* pairs of columns of two groups: rows active in both */
	for (int g = 0; g < part->ngroups; g++)
		for (int h = g + 1; h < part->ngroups; h++)
		{
			const int  *sg = s->slot + (Size) g * BLOCK_ROWS;
			const int  *sh = s->slot + (Size) h * BLOCK_ROWS;
			int			fg = part->group_first[g];
			int			wg = part->group_width[g];
			int			fh = part->group_first[h];
			int			wh = part->group_width[h];

			memset(s->pairs, 0, sizeof(double) * wg * wh);
			for (int r = 0; r < b; r++)
				if (sg[r] >= 0 && sh[r] >= 0)
					s->pairs[(Size) (sg[r] - fg) * wh + (sh[r] - fh)] += 1;
			for (int t = 0; t < wg; t++)
				for (int u = 0; u < wh; u++)
					SetUpper(C, k, fg + t, fh + u, s->pairs[(Size) t * wh + u] -
							 s->count[fg + t] * s->count[fh + u] / b);
		}
	ComomentsMerge(st, bst);
}

/*
 * Co-moments of the train and of the test rows (each COMOM_LEN(p + 1)), in
 * one pass: each block of rows is divided between two buffers.
 */
void
PartComoments(const MlpPart *part, double *train, double *test)
{
	const MlpMatrix *m = &part->m;
	int			k = part->p + 1;	/* features and target */
	int			mc = m->ncols;	/* the matrix's columns (fewer when compact) */
	double	   *tr = palloc(sizeof(double) * BLOCK_ROWS * mc);
	double	   *te = palloc(sizeof(double) * BLOCK_ROWS * mc);
	double	   *bst = palloc(sizeof(double) * COMOM_LEN(k));
	int			itr[BLOCK_ROWS];
	int			ite[BLOCK_ROWS];
	SparseScratch *sparse = part->ngroups > 0 ? SparseScratchNew(part, k) : NULL;

	ComomentsInit(train, k);
	ComomentsInit(test, k);
	for (int64 start = 0; start < m->nrows; start += BLOCK_ROWS)
	{
		int			b = (int) Min((int64) BLOCK_ROWS, m->nrows - start);
		int			ntr = 0;
		int			nte = 0;

		CHECK_FOR_INTERRUPTS();
		for (int r = 0; r < b; r++)
		{
			if (part->is_test[start + r] == MLP_ROW_OUT)
				continue;
			if (part->is_test[start + r])
				ite[nte++] = r;
			else
				itr[ntr++] = r;
		}
		for (int j = 0; j < mc; j++)
		{
			const double *src = MLP_COL(m, j) + start;

			if (nte == 0 && ntr == b)
				memcpy(tr + (Size) j * ntr, src, sizeof(double) * ntr);
			else
			{
				for (int r = 0; r < ntr; r++)
					tr[(Size) j * ntr + r] = src[itr[r]];
				for (int r = 0; r < nte; r++)
					te[(Size) j * nte + r] = src[ite[r]];
			}
		}
		if (sparse)
		{
			AddBlockSparse(train, tr, ntr, k, bst, part, sparse);
			AddBlockSparse(test, te, nte, k, bst, part, sparse);
		}
		else
		{
			AddBlock(train, tr, ntr, k, bst);
			AddBlock(test, te, nte, k, bst);
		}
	}
	pfree(tr);
	pfree(te);
	pfree(bst);
}

/*
 * g += Xc'(yc - Xc b) over the training rows, Xc and yc centred on center
 * (the training means): the residual of the normal equations computed from the
 * data, for iterative refinement.
 */
void
PartResidual(const MlpPart *part, const double *center, const double *coef,
			 double *g)
{
	const MlpMatrix *m = &part->m;
	int			p = part->p;
	int			k = p + 1;
	double	   *blk = palloc(sizeof(double) * BLOCK_ROWS * k);
	int			idx[BLOCK_ROWS];

	for (int64 start = 0; start < m->nrows; start += BLOCK_ROWS)
	{
		int			n = (int) Min((int64) BLOCK_ROWS, m->nrows - start);
		int			b = 0;
		double	   *r;

		CHECK_FOR_INTERRUPTS();
		for (int i = 0; i < n; i++)
			if (!part->is_test[start + i])
				idx[b++] = i;
		if (b == 0)
			continue;
		for (int j = 0; j < k; j++)
		{
			const double *src;

			if (!PartHasCol(part, j))
				continue;
			src = PartCol(part, j) + start;
			for (int i = 0; i < b; i++)
				blk[(Size) j * b + i] = src[idx[i]] - center[j];
		}
		for (int g = 0; part->colmap && g < part->ngroups; g++)
		{
			/* compact one-hot columns: 0 or 1 from the slot codes, centred */
			const double *codes = MLP_COL(m, part->group_col[g]) + start;
			int			first = part->group_first[g];

			for (int t = first; t < first + part->group_width[g]; t++)
				for (int i = 0; i < b; i++)
					blk[(Size) t * b + i] = -center[t];
			for (int i = 0; i < b; i++)
				if (codes[idx[i]] >= 0)
					blk[(Size) (first + (int) codes[idx[i]]) * b + i] += 1.0;
		}
		r = blk + (Size) p * b;	/* the centred target column */
		cblas_dgemv(CblasColMajor, CblasNoTrans, b, p, -1.0, blk, b, coef, 1,
					1.0, r, 1);
		cblas_dgemv(CblasColMajor, CblasTrans, b, p, 1.0, blk, b, r, 1,
					1.0, g, 1);
	}
	pfree(blk);
}

/*
 * Regression metric states of the model over the train and the test rows;
 * with center and scale, features are scaled first as the model expects.
 */
void
PartEvaluate(const MlpPart *part, const MlpEstimator *est, const void *state,
			 const double *center, const double *scale,
			 double *train_met, double *test_met)
{
	const MlpMatrix *m = &part->m;
	int			p = part->p;
	double	   *x = palloc0(sizeof(double) * Max(p, 1));
	const double **col = palloc(sizeof(double *) * Max(p, 1));
	const double *target = PartCol(part, p);
	int		   *dense = palloc(sizeof(int) * Max(p, 1));
	int			nd = 0;

	/* the features with columns; a compact group sets one of its own per row */
	for (int j = 0; j < p; j++)
		if (PartHasCol(part, j))
		{
			col[j] = PartCol(part, j);
			dense[nd++] = j;
		}
	memset(train_met, 0, sizeof(double) * REGM_LEN);
	memset(test_met, 0, sizeof(double) * REGM_LEN);
	if (part->colmap && est->linear_view)
	{
		/*
		 * A linear model over compact groups: the other features' terms,
		 * then one coefficient per group (its feature is 1, the rest 0).
		 */
		double		b0;
		const double *b = est->linear_view(state, &b0);
		double	   *w = palloc(sizeof(double) * Max(nd, 1));
		double	   *c = palloc0(sizeof(double) * Max(nd, 1));

		/* scaled features: b (x - c) / s = (b / s) (x - c), centred first */
		for (int d = 0; d < nd; d++)
		{
			int			j = dense[d];

			w[d] = center ? b[j] / scale[j] : b[j];
			c[d] = center ? center[j] : 0;
		}
		for (int64 i = 0; i < m->nrows; i++)
		{
			double		y = b0;

			if ((i & 0x3fff) == 0)
				CHECK_FOR_INTERRUPTS();
			for (int d = 0; d < nd; d++)
				y += w[d] * (col[dense[d]][i] - c[d]);
			for (int g = 0; g < part->ngroups; g++)
			{
				double		code = MLP_AT(m, i, part->group_col[g]);

				if (code >= 0)
					y += b[part->group_first[g] + (int) code];
			}
			if (part->is_test[i] != MLP_ROW_OUT)
				RegMetricsAccum(part->is_test[i] ? test_met : train_met, target[i], y);
		}
		pfree(w);
		pfree(c);
		pfree(x);
		pfree(col);
		pfree(dense);
		return;
	}
	for (int64 i = 0; i < m->nrows; i++)
	{
		if ((i & 0x3fff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (part->is_test[i] == MLP_ROW_OUT)
			continue;
		if (center)
			for (int d = 0; d < nd; d++)
				x[dense[d]] = (col[dense[d]][i] - center[dense[d]]) / scale[dense[d]];
		else
			for (int d = 0; d < nd; d++)
				x[dense[d]] = col[dense[d]][i];
		/* one-hot features are 0 or 1, never centred or scaled: set, then reset */
		for (int g = 0; part->colmap && g < part->ngroups; g++)
		{
			double		code = MLP_AT(m, i, part->group_col[g]);

			if (code >= 0)
				x[part->group_first[g] + (int) code] = 1.0;
		}
		RegMetricsAccum(part->is_test[i] ? test_met : train_met,
						target[i], est->predict(state, x));
		for (int g = 0; part->colmap && g < part->ngroups; g++)
		{
			double		code = MLP_AT(m, i, part->group_col[g]);

			if (code >= 0)
				x[part->group_first[g] + (int) code] = 0.0;
		}
	}
	pfree(x);
	pfree(col);
	pfree(dense);
}

/*
 * A classifier's metrics over the train and the test rows: each row's
 * class probabilities against its class index (the target column).
 */
void
PartClassEvaluate(const MlpPart *part, const MlpEstimator *est, const void *state,
				  const double *center, const double *scale, int nclasses,
				  MlpClassEval *train, MlpClassEval *test)
{
	double	   *x = palloc(sizeof(double) * Max(part->p, 1));
	double	   *proba = palloc(sizeof(double) * nclasses);
	const double *y = PartCol(part, part->p);

	ClassEvalInit(train, nclasses);
	ClassEvalInit(test, nclasses);
	if (est->has_proba && !est->has_proba(state))
		train->no_proba = test->no_proba = true;
	for (int64 i = 0; i < part->m.nrows; i++)
	{
		if ((i & 0x3fff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (part->is_test[i] == MLP_ROW_OUT)
			continue;
		PartRowFeatures(part, i, center, scale, x);
		est->predict_proba(state, x, proba);
		ClassEvalAdd(part->is_test[i] ? test : train, (int) y[i], proba);
	}
	pfree(x);
	pfree(proba);
}

/*
 * Row i's features as an estimator takes them: each column's value
 * centred and scaled (center NULL: as it is); a compact group's feature 1
 * where the row's code says, 0 elsewhere.
 */
void
PartRowFeatures(const MlpPart *part, int64 i, const double *center,
				const double *scale, double *x)
{
	for (int j = 0; j < part->p; j++)
	{
		double		v;

		if (!PartHasCol(part, j))
		{
			x[j] = 0;
			continue;
		}
		v = PartCol(part, j)[i];
		x[j] = center ? (v - center[j]) / scale[j] : v;
	}
	for (int g = 0; part->colmap && g < part->ngroups; g++)
	{
		double		code = MLP_AT(&part->m, i, part->group_col[g]);

		if (code >= 0)
			x[part->group_first[g] + (int) code] = 1.0;
	}
}

/*
 * Running mean and count of the non-NULL (not NaN) training values of each
 * feature: a running mean of equal values stays exactly that value, where
 * a sum divided by a count may not.
 */
void
PartImputeStats(const MlpPart *part, double *mean, double *count)
{
	const MlpMatrix *m = &part->m;

	for (int j = 0; j < part->p; j++)
	{
		const double *c;
		double		mu = 0;
		double		n = 0;

		if (!PartHasCol(part, j))
		{
			mean[j] = count[j] = 0;	/* one-hot: never imputed */
			continue;
		}
		c = PartCol(part, j);

		CHECK_FOR_INTERRUPTS();
		for (int64 i = 0; i < m->nrows; i++)
			if (!part->is_test[i] && !isnan(c[i]))
			{
				n += 1;
				mu += (c[i] - mu) / n;
			}
		mean[j] = mu;
		count[j] = n;
	}
}

/* Transform each feature's non-NULL values in every row, before anything is fitted. */
void
PartApplyTransform(MlpPart *part, const MlpPrep *prep, char **names)
{
	MlpMatrix  *m = &part->m;

	if (prep->transform == NULL)
		return;
	for (int j = 0; j < part->p; j++)
	{
		double	   *c;

		if (prep->transform[j] == MLP_TRANSFORM_NONE || !PartHasCol(part, j))
			continue;
		c = PartCol(part, j);
		CHECK_FOR_INTERRUPTS();
		for (int64 i = 0; i < m->nrows; i++)
			if (!isnan(c[i]))
				c[i] = MlpTransformValue(prep, j, c[i], names[j]);
	}
}

/*
 * Replace the NULLs (NaN) of each feature with its fill value (NaN: the
 * column has none), in every row; then the training rows' smallest,
 * largest and largest absolute value of each feature, for the scalers.
 */
void
PartApplyFill(MlpPart *part, const double *fill, double *tmin, double *tmax,
			  double *tabs)
{
	MlpMatrix  *m = &part->m;
	bool	   *onehot = palloc0(sizeof(bool) * Max(part->p, 1));

	for (int g = 0; g < part->ngroups; g++)
		for (int t = 0; t < part->group_width[g]; t++)
			onehot[part->group_first[g] + t] = true;
	for (int j = 0; j < part->p; j++)
	{
		double	   *c;
		double		lo = INFINITY;
		double		hi = -INFINITY;
		double		ab = 0;

		/*
		 * A one-hot column of two or more has no NULL, and each of its
		 * values occurs in a training row: 0 and 1, without a pass.
		 */
		if (onehot[j] || !PartHasCol(part, j))
		{
			tmin[j] = 0;
			tmax[j] = tabs[j] = 1;
			continue;
		}
		c = PartCol(part, j);
		CHECK_FOR_INTERRUPTS();
		for (int64 i = 0; i < m->nrows; i++)
		{
			if (isnan(c[i]) && !isnan(fill[j]))
				c[i] = fill[j];
			if (part->is_test[i])
				continue;
			lo = Min(lo, c[i]);
			hi = Max(hi, c[i]);
			ab = Max(ab, fabs(c[i]));
		}
		tmin[j] = lo;
		tmax[j] = hi;
		tabs[j] = ab;
	}
}
