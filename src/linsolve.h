/*
 * linsolve.h
 *	  Linear least squares, ridge, lasso and elastic net from co-moments.
 */
#ifndef MLPIPE_LINSOLVE_H
#define MLPIPE_LINSOLVE_H

#include "postgres.h"

typedef enum MlpLinearKind
{
	MLP_LIN_OLS,
	MLP_LIN_RIDGE,
	MLP_LIN_LASSO,
	MLP_LIN_ELASTIC_NET
} MlpLinearKind;

/* penalties use scikit-learn's parameterisation */
typedef struct MlpLinearParams
{
	MlpLinearKind kind;
	double		alpha;
	double		l1_ratio;
	int			max_iter;
	double		tol;
} MlpLinearParams;

typedef struct MlpLinearFit
{
	int			p;
	double		intercept;
	double	   *coef;			/* p coefficients, original scale */
	int			n_iter;			/* coordinate descent sweeps, 0 otherwise */
	bool		converged;
	bool		rank_deficient; /* solved by the minimum-norm fallback */
	double		rcond;			/* of the standardised system (OLS, ridge) */
} MlpLinearFit;

extern void LinearSolve(const double *comoments, const MlpLinearParams *prm,
						MlpLinearFit *fit);
extern bool LinearSolveRhs(const double *comoments, double alpha,
						   const double *rhs, double *coef, double *rcond);
extern double LinearIntercept(const double *comoments, const double *coef);

#endif							/* MLPIPE_LINSOLVE_H */
