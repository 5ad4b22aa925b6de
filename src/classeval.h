/*
 * classeval.h
 *	  The metrics of a classifier over a split: accumulated row by row from
 *	  class probabilities, stored as metric rows and returned as JSON.
 */
#ifndef MLPIPE_CLASSEVAL_H
#define MLPIPE_CLASSEVAL_H

#include "postgres.h"

#include "lib/stringinfo.h"

typedef struct MlpClassEval
{
	int			k;				/* classes */
	double	   *cm;				/* k x k counts: true row, predicted column */
	double		n;
	double		logloss;		/* sum of -log p(true class), clipped */
	bool		no_proba;		/* scores, not probabilities: no log loss */
	/* two classes: the second class's probability and whether it is true */
	double	   *score;
	double	   *label;
	int64		nscore;
	int64		cap;
} MlpClassEval;

extern void ClassEvalInit(MlpClassEval *e, int k);
extern void ClassEvalAdd(MlpClassEval *e, int truth, const double *proba);
extern double ClassEvalAccuracy(const MlpClassEval *e);
/* called with each stored metric row, for callers that also return them */
typedef void (*MlpMetricEmit) (void *arg, const char *metric, const char *cls, double value);

extern void ClassEvalStore(int64 model_id, const char *split, const MlpClassEval *e,
						   char **classes, StringInfo js, MlpMetricEmit emit, void *arg);

#endif							/* MLPIPE_CLASSEVAL_H */
