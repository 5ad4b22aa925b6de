/*
 * mlpipe.h
 *	  Declarations shared by every part of mlpipe.
 */
#ifndef MLPIPE_H
#define MLPIPE_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/array.h"

/* what a model predicts; stored in the model header, so values are fixed */
typedef enum MlpTask
{
	MLP_TASK_REGRESSION = 1,
	MLP_TASK_CLASSIFICATION = 2,
	MLP_TASK_CLUSTERING = 3,
	MLP_TASK_DECOMPOSITION = 4
} MlpTask;

/* GUC: the most memory one training may hold for its data, in kB */
extern int	mlpipe_max_memory_kb;

extern const char *MlpTaskName(MlpTask task);
extern void MlpCheckMemory(Size bytes, const char *what);
extern void MlpAppendJsonNumber(StringInfo s, double v);
extern void MlpInitFloat8Array(ArrayType *a, Size bytes, int len);

/* a.b in index order (the same sums wherever it is used) */
static inline double
MlpDot(const double *a, const double *b, int n)
{
	double		s = 0;

	for (int i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

/* splitmix64: a small seeded generator for orders that must repeat */
static inline uint64
MlpRandomNext(uint64 *state)
{
	uint64		z = (*state += UINT64CONST(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64CONST(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64CONST(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

#endif							/* MLPIPE_H */
