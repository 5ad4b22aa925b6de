/*
 * mlpipe.h
 *	  Declarations shared by every part of mlpipe.
 */
#ifndef MLPIPE_H
#define MLPIPE_H

#include "postgres.h"

#include "lib/stringinfo.h"

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

#endif							/* MLPIPE_H */
