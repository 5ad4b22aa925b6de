/*
 * parallel.h
 *	  Training over a table with parallel workers that keep their rows.
 */
#ifndef MLPIPE_PARALLEL_H
#define MLPIPE_PARALLEL_H

#include "part.h"
#include "source.h"

typedef struct MlpParallel MlpParallel;

extern MlpParallel *MlpParallelBegin(Oid relid, const MlpSourceSpec *spec,
									 int64 seed, uint64 threshold,
									 MlpColumns *cols, MlpPart *leader,
									 MlpSummary *sum);
extern int	MlpParallelWorkers(const MlpParallel *par);
extern void MlpParallelComoments(MlpParallel *par, double *train, double *test);
extern void MlpParallelResidual(MlpParallel *par, const double *center,
								const double *coef, double *g);
extern void MlpParallelEvaluate(MlpParallel *par, const MlpEstimator *est,
								const void *state, const double *center,
								const double *scale, double *train_met,
								double *test_met);
extern void MlpParallelImputeStats(MlpParallel *par, double *mean, double *count);
extern void MlpParallelApplyFill(MlpParallel *par, const double *fill,
								 double *tmin, double *tmax, double *tabs);
extern void MlpParallelEnd(MlpParallel *par);

#endif							/* MLPIPE_PARALLEL_H */
