/*
 * comoments.h
 *	  Centred co-moments of k variables: the sufficient statistics of linear
 *	  models.
 *
 * A state is one float8 array, so the SQL aggregate can use float8[] as its
 * transition type and Citus can move it as text:
 *	  [0]        k
 *	  [1]        n (count, as float8)
 *	  [2..2+k)   means
 *	  [2+k..)    k*k co-moment matrix, column-major; only the upper triangle
 *	             (i <= j) is maintained
 */
#ifndef MLPIPE_COMOMENTS_H
#define MLPIPE_COMOMENTS_H

#include "matrix.h"

#define COMOM_LEN(k)		(2 + (Size) (k) + (Size) (k) * (Size) (k))
#define COMOM_K(st)			((int) (st)[0])
#define COMOM_N(st)			((st)[1])
#define COMOM_MEAN(st)		((st) + 2)
#define COMOM_C(st)			((st) + 2 + COMOM_K(st))

extern void ComomentsInit(double *st, int k);
extern void ComomentsAddRow(double *st, const double *z);
extern void ComomentsMerge(double *into, const double *from);
extern void ComomentsSymmetrize(double *st);

#include "utils/array.h"
extern double *ComomentsStateData(ArrayType *a);

#endif							/* MLPIPE_COMOMENTS_H */
