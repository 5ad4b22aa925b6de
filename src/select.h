/*
 * select.h
 *	  Feature selection: the k best features by a score, fitted on the
 *	  training rows and stored in the model.
 */
#ifndef MLPIPE_SELECT_H
#define MLPIPE_SELECT_H

#include "part.h"
#include "prep.h"

#define MLP_MI_MAX_ROWS 20000	/* mutual information: training rows sampled */
#define MLP_MI_NEIGHBOURS 3		/* scikit-learn's n_neighbors */

extern int	MlpSelectFeatures(MlpSelectMethod method, int k, const double *var,
							  const double *st, const MlpPart *part, int *sel);
extern void MlpSubsetComoments(const double *st, const int *sel, int k, double *out);
extern void MlpKeepColumns(MlpPart *part, const int *sel, int k);

#endif							/* MLPIPE_SELECT_H */
