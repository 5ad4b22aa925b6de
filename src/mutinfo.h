/*
 * mutinfo.h
 *	  Mutual information between one continuous feature and a continuous
 *	  target: the Kraskov (KSG) k-nearest-neighbour estimator, as in
 *	  scikit-learn's mutual_info_regression (without its tie-breaking noise).
 */
#ifndef MLPIPE_MUTINFO_H
#define MLPIPE_MUTINFO_H

#include "postgres.h"

/* Mutual information (nats) between x and y, n pairs, k neighbours (sklearn: n_neighbors=3). */
extern double MlpMutualInfo(const double *x, const double *y, int64 n, int k);

#endif							/* MLPIPE_MUTINFO_H */
