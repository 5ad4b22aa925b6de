/*
 * metrics.h
 *	  Regression metric kernels shared by training and the SQL aggregates.
 *
 * State (float8[5]): n, mean of y, centred sum of squares of y, sum of
 * squared errors, sum of absolute errors.
 */
#ifndef MLPIPE_METRICS_H
#define MLPIPE_METRICS_H

#define REGM_LEN 5

typedef struct MlpRegMetrics
{
	double		mse;
	double		rmse;
	double		mae;
	double		r2;
} MlpRegMetrics;

extern void RegMetricsAccum(double *st, double y, double yhat);
extern void RegMetricsMerge(double *into, const double *from);
extern MlpRegMetrics RegMetricsFinal(const double *st);

/* classmetrics.c: ROC AUC and average precision of scored 0/1 labels */
extern void MlpBinaryScores(const double *score, const double *label, int64 n,
							double *auc, double *ap);

#endif							/* MLPIPE_METRICS_H */
