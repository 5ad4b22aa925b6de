/*
 * nbstats.h
 *	  Class-conditional counts and moments: naive Bayes's sufficient
 *	  statistics, shared by the mlpipe_nb_stats aggregate and training.
 *
 * A state is float8[]: p, k, then k blocks of NBST_BLOCK(p) values, one per
 * class in the order first seen: the label (as a number), the row count,
 * the p means and the p sums of squared deviations (Welford).
 */
#ifndef MLPIPE_NBSTATS_H
#define MLPIPE_NBSTATS_H

#include "postgres.h"

#define NBST_BLOCK(p)	(2 + 2 * (Size) (p))
#define NBST_MAX_CLASSES 1000

extern void NbStatsAddRow(double *block, int p, const double *x);
extern void NbStatsMergeBlock(double *into, const double *from, int p);
extern void NbStatsSolve(const double *blocks, int k, int p, double var_smoothing,
						 const bool *gaussian, double *prior, double *mean, double *var);

#endif							/* MLPIPE_NBSTATS_H */
