/*
 * estimator.h
 *	  The estimator routine struct and the registry of algorithms.
 *
 * Each algorithm fills one MlpEstimator; training, scoring and the model
 * format know only this struct.  Adding an algorithm is one file in algo/
 * and one line in estimator.c's registry.
 */
#ifndef MLPIPE_ESTIMATOR_H
#define MLPIPE_ESTIMATOR_H

#include "format.h"
#include "matrix.h"
#include "mlpipe.h"
#include "utils/jsonb.h"

typedef enum MlpParamKind
{
	MLP_PARAM_FLOAT,
	MLP_PARAM_INT,
	MLP_PARAM_CHOICE,			/* a string from choices; the value is its index */
	MLP_PARAM_BOOL				/* a JSON boolean; the value is 0 or 1 */
} MlpParamKind;

/* one hyperparameter: name, type, default and closed/open range */
typedef struct MlpParamSpec
{
	const char *name;
	MlpParamKind kind;
	double		defval;
	double		minval;
	double		maxval;
	bool		min_open;		/* the minimum itself is not allowed */
	const char *const *choices; /* MLP_PARAM_CHOICE: NULL-terminated */
} MlpParamSpec;

/*
 * g = Xc'(yc - Xc coef) over the training rows (centred on their means):
 * lets a solver working from co-moments refine its answer against the data
 * wherever the rows live (one process or several).
 */
typedef void (*MlpResidualFn) (void *arg, const double *coef, double *g);

typedef void (*MlpCoefEmit) (void *arg, const char *feature, const char *cls,
							 double value);

struct MlpPart;					/* part.h */

typedef struct MlpEstimator
{
	const char *name;
	uint16		id;				/* stored in models: never reuse one */
	MlpTask		task;
	const MlpParamSpec *params;
	int			nparams;

	/*
	 * Regression: fit from the co-moments of the training rows (features
	 * then target, see comoments.h), hp holding one value per params
	 * entry; and predict one row of p features.  NULL for classifiers,
	 * which fit_rows fits and predict_proba scores.
	 */
	void	   *(*fit_stats) (const struct MlpEstimator *est,
							  const double *train_st, const double *hp,
							  MlpResidualFn residual, void *arg);
	double		(*predict) (const void *state, const double *x);
	void		(*serialize) (const void *state, MlpWriter *w);
	/* NULL and *error set when the bytes are not a valid state */
	void	   *(*deserialize) (MlpCursor *c, int nfeatures, const char **error);
	void		(*coefficients) (const void *state, char **features,
								 MlpCoefEmit emit, void *arg);

	/*
	 * A linear model's intercept and coefficients, when the estimator is
	 * one (else NULL): lets a pass over rows whose one-hot features are
	 * kept as codes add one coefficient per group, not one per category.
	 */
	const double *(*linear_view) (const void *state, double *intercept);

	/*
	 * Classification: fit from the training rows of part, features
	 * prepared with centre and scale (either NULL: as they are), the
	 * target holding class indexes 0 .. nclasses - 1; and the probability
	 * of each class for one row of prepared features.  NULL for
	 * regression estimators.
	 */
	void	   *(*fit_rows) (const struct MlpEstimator *est, const struct MlpPart *part,
							 const double *center, const double *scale, int nclasses,
							 const double *hp);
	void		(*predict_proba) (const void *state, const double *x, double *proba);
	int			(*state_classes) (const void *state);	/* checked against the model's */

	/*
	 * Whether predict_proba gives probabilities (NULL: always).  Without
	 * them it gives a score per class whose largest is the class (a linear
	 * SVM's decision values): enough for the class and for ranking, not
	 * for mlpipe_predict_proba, a threshold or the log loss.
	 */
	bool		(*has_proba) (const void *state);
} MlpEstimator;

extern const MlpEstimator *MlpFindEstimator(const char *name);
extern const MlpEstimator *MlpEstimatorById(uint16 id);
extern void MlpParseHyperparams(const MlpEstimator *est, Jsonb *hp, double *out);
extern char *MlpHyperparamsJson(const MlpEstimator *est, const double *hp);
extern char *MlpAlgorithmList(void);
extern void MlpEmitWeightVectors(const double *w, int nv, int p, char **features,
								 MlpCoefEmit emit, void *arg);

/* algo/linear.c */
extern const MlpEstimator mlp_linear_regression;
extern const MlpEstimator mlp_ridge;
extern const MlpEstimator mlp_lasso;
extern const MlpEstimator mlp_elastic_net;

/* algo/naive_bayes.c, algo/logistic.c, algo/linear_svm.c */
extern const MlpEstimator mlp_naive_bayes;
extern const MlpEstimator mlp_logistic_regression;
extern const MlpEstimator mlp_linear_svm;

#endif							/* MLPIPE_ESTIMATOR_H */
