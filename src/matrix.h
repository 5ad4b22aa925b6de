/*
 * matrix.h
 *	  The dense training matrix: column-major float8, one column per feature.
 */
#ifndef MLPIPE_MATRIX_H
#define MLPIPE_MATRIX_H

#include "postgres.h"

typedef struct MlpMatrix
{
	int64		nrows;			/* rows filled */
	int64		cap;			/* rows allocated; the stride between columns */
	int			ncols;
	double	   *data;			/* column j starts at data + j * cap */
} MlpMatrix;

#define MLP_COL(m, j)		((m)->data + (Size) (j) * (Size) (m)->cap)
#define MLP_AT(m, i, j)		(MLP_COL(m, j)[i])

#endif							/* MLPIPE_MATRIX_H */
