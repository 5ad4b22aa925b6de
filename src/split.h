/*
 * split.h
 *	  Seeded train/test split that does not depend on row order.
 */
#ifndef MLPIPE_SPLIT_H
#define MLPIPE_SPLIT_H

#include "matrix.h"

extern void MlpSplitRows(const MlpMatrix *m, double test_size, int64 seed,
						 int64 **train, int64 *ntrain,
						 int64 **test, int64 *ntest);

#endif							/* MLPIPE_SPLIT_H */
