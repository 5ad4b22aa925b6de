/*
 * part.h
 *	  One participant's share of the training rows, and the passes training
 *	  makes over it.
 *
 * A serial training has one part (the whole source); a parallel training
 * has one per process, each scanned from a share of the table.  Every pass
 * produces partial results that merge exactly (co-moments by Chan's
 * formulas, metric states, plain sums), so the answer does not depend on
 * how the rows were divided.
 */
#ifndef MLPIPE_PART_H
#define MLPIPE_PART_H

#include "estimator.h"
#include "matrix.h"

/* what the load pass found, summed over parts */
typedef struct MlpSummary
{
	int64		nrows;
	int64		ntest;
	int64	   *nnull;			/* per column */
	double	   *min;			/* per column */
	double	   *max;
	int64		dropped;		/* rows left out for a NULL */
} MlpSummary;

/* is_test's third value: a row in neither split (cross-validation's folds) */
#define MLP_ROW_OUT 2

typedef struct MlpPart
{
	MlpMatrix	m;				/* features 0..p-1, target p */
	int			p;
	uint8	   *is_test;		/* per row: 0 train, 1 test, MLP_ROW_OUT neither */
	int64		ntest;
	/* one-hot groups (at most one 1 a row), for sparse co-moments; or 0 */
	int			ngroups;
	int		   *group_first;
	int		   *group_width;

	/*
	 * Compact one-hot groups: the matrix holds the other features, then one
	 * column of slot codes per group (0 .. width - 1, or -1 for none), then
	 * the target; colmap gives each feature's column (-1 inside a group; the
	 * target's at p).  NULL: the matrix holds every feature in order.
	 */
	int		   *colmap;
	int		   *group_col;
} MlpPart;

/* The matrix column of feature j (not one inside a compact group), or the target's (p). */
static inline double *
PartCol(const MlpPart *part, int j)
{
	return MLP_COL(&part->m, part->colmap ? part->colmap[j] : j);
}

/* Whether feature j has a column of its own. */
static inline bool
PartHasCol(const MlpPart *part, int j)
{
	return part->colmap == NULL || part->colmap[j] >= 0;
}

extern void SummaryInit(MlpSummary *sum, int ncols);
extern void SummaryAdd(MlpSummary *sum, int ncols, int64 nrows, int64 ntest,
					   const int64 *nnull, const double *min, const double *max);
extern void PartComoments(const MlpPart *part, double *train, double *test);
extern void PartResidual(const MlpPart *part, const double *center,
						 const double *coef, double *g);
extern void PartEvaluate(const MlpPart *part, const MlpEstimator *est,
						 const void *state, const double *center,
						 const double *scale, double *train_met, double *test_met);
extern void PartImputeStats(const MlpPart *part, double *mean, double *count);
struct MlpClassEval;
extern void PartClassEvaluate(const MlpPart *part, const MlpEstimator *est,
							  const void *state, const double *center,
							  const double *scale, int nclasses,
							  struct MlpClassEval *train, struct MlpClassEval *test);
extern void PartRowFeatures(const MlpPart *part, int64 i, const double *center,
							const double *scale, double *x);
struct MlpPrep;
extern void PartApplyTransform(MlpPart *part, const struct MlpPrep *prep, char **names);
extern void PartApplyFill(MlpPart *part, const double *fill, double *tmin,
						  double *tmax, double *tabs);

#endif							/* MLPIPE_PART_H */
