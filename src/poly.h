/*
 * poly.h
 *	  Polynomial and interaction features: products of numeric features,
 *	  computed from their imputed (unscaled) values and scaled afterwards,
 *	  as scikit-learn's PolynomialFeatures between SimpleImputer and
 *	  StandardScaler.
 */
#ifndef MLPIPE_POLY_H
#define MLPIPE_POLY_H

#include "matrix.h"
#include "nodes/pg_list.h"

#define MLP_POLY_MAX_DEGREE 3
#define MLP_POLY_MAX_COLUMNS 100	/* columns one polynomial may name */

/* the products appended after the model's other features */
typedef struct MlpPoly
{
	int			nbase;			/* features before the products */
	int			nterms;
	uint8	   *degree;			/* per term: 2 or 3 factors */
	int		   *factor;			/* per term, MLP_POLY_MAX_DEGREE slots, ascending */
} MlpPoly;

#define MLP_POLY_FACTOR(poly, t, f) ((poly)->factor[(t) * MLP_POLY_MAX_DEGREE + (f)])

extern MlpPoly *MlpPolyBuild(int nbase, const int *poly_cols, int npoly, int degree,
							 const int *inter_cols, int ninter, int limit);
extern char *MlpPolyName(const MlpPoly *poly, int t, char **names);
extern void MlpPolyRow(const MlpPoly *poly, double *x);
extern void MlpPolyMatrix(const MlpPoly *poly, const MlpMatrix *in, MlpMatrix *out);

#endif							/* MLPIPE_POLY_H */
