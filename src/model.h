/*
 * model.h
 *	  A trained pipeline in memory, and its conversion to and from bytea.
 */
#ifndef MLPIPE_MODEL_H
#define MLPIPE_MODEL_H

#include "estimator.h"
#include "prep.h"
#include "encode.h"
#include "poly.h"

typedef struct MlpModel
{
	MemoryContext mcxt;			/* holds the model and everything it points to */
	int64		model_id;		/* 0 while not stored */
	const MlpEstimator *est;
	MlpTask		task;
	int			nfeatures;
	char	  **features;
	char	  **feature_types;
	char	   *target;
	char	   *target_type;
	int			nclasses;		/* classification: the class labels, in order */
	char	  **classes;
	void	   *state;			/* the estimator's own, on prepared features */
	MlpPrep    *prep;			/* NULL: features are used as they are */
	MlpEncoding *enc;			/* NULL: every input column is one feature */
	MlpPoly    *poly;			/* NULL: no products after the other features */
	int			nselected;		/* 0: the estimator sees every feature */
	int		   *selected;		/* else the features it sees, ascending */
} MlpModel;

extern bytea *MlpModelSerialize(const MlpModel *m);
extern MlpModel *MlpModelDeserialize(const bytea *b, MemoryContext parent);

/* predict.c: the per-backend model cache */
extern MlpModel *MlpLoadModel(int64 model_id);

#endif							/* MLPIPE_MODEL_H */
