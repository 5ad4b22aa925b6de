/*
 * poly.c
 *	  Polynomial and interaction features.
 *
 *	  preprocess => '{"polynomial": {"columns": ["a", "b"], "degree": 2},
 *	                  "interactions": {"columns": ["a", "b", "c"]}}'
 *
 * "polynomial" adds every product of two (or up to three) of its columns,
 * powers included (a^2, a*b, b^2); "interactions" adds the products of two
 * different columns (a*b, a*c, b*c).  Terms come in scikit-learn's order
 * (combinations with replacement), a term both ask for comes once.
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "miscadmin.h"

#include "mlpipe.h"
#include "poly.h"

/* Append one term. */
static void
AddTerm(MlpPoly *poly, const int *f, int d)
{
	poly->degree[poly->nterms] = (uint8) d;
	for (int k = 0; k < MLP_POLY_MAX_DEGREE; k++)
		MLP_POLY_FACTOR(poly, poly->nterms, k) = k < d ? f[k] : -1;
	poly->nterms++;
}

static int
CompareInts(const void *a, const void *b)
{
	return (*(const int *) a > *(const int *) b) - (*(const int *) a < *(const int *) b);
}

/*
 * The terms over feature indexes: polynomial columns up to degree, then
 * pairwise interactions.  Column lists are sorted by feature index, so a
 * term's factors are ascending and equal terms compare equal.
 */
MlpPoly *
MlpPolyBuild(int nbase, const int *poly_cols, int npoly, int degree,
			 const int *inter_cols, int ninter, int limit)
{
	MlpPoly    *poly = palloc0(sizeof(MlpPoly));
	int		   *pc = palloc(sizeof(int) * Max(npoly, 1));
	int		   *ic = palloc(sizeof(int) * Max(ninter, 1));
	bool	   *inpoly = palloc0(sizeof(bool) * Max(nbase, 1));
	int64		count = 0;
	int			both = 0;
	int			f[MLP_POLY_MAX_DEGREE];

	memcpy(pc, poly_cols, sizeof(int) * npoly);
	memcpy(ic, inter_cols, sizeof(int) * ninter);
	qsort(pc, npoly, sizeof(int), CompareInts);
	qsort(ic, ninter, sizeof(int), CompareInts);
	for (int i = 0; i < npoly; i++)
		inpoly[pc[i]] = true;
	for (int i = 0; i < ninter; i++)
		both += inpoly[ic[i]];

	/*
	 * Exactly C(n+1, 2) (+ C(n+2, 3)) products, and the pairs not among
	 * them: known before anything is built, so too many is refused at once.
	 */
	if (npoly > 0)
		count += (int64) npoly * (npoly + 1) / 2 +
			(degree >= 3 ? (int64) npoly * (npoly + 1) * (npoly + 2) / 6 : 0);
	count += (int64) ninter * (ninter - 1) / 2 - (int64) both * (both - 1) / 2;
	if (nbase + count > limit)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the polynomial features would make %lld features; the limit is %d",
						(long long) (nbase + count), limit),
				 errhint("Name fewer columns, or use degree 2.")));
	poly->nbase = nbase;
	poly->degree = palloc(Max(count, 1));
	poly->factor = palloc(sizeof(int) * MLP_POLY_MAX_DEGREE * Max(count, 1));
	for (int d = 2; d <= degree && npoly > 0; d++)
	{
		int			idx[MLP_POLY_MAX_DEGREE] = {0, 0, 0};

		/* combinations with replacement of d among npoly, in lexicographic order */
		for (;;)
		{
			int			k;

			for (k = 0; k < d; k++)
				f[k] = pc[idx[k]];
			AddTerm(poly, f, d);
			for (k = d - 1; k >= 0 && idx[k] == npoly - 1; k--)
				;
			if (k < 0)
				break;
			idx[k]++;
			for (int r = k + 1; r < d; r++)
				idx[r] = idx[k];
		}
	}
	/* a pair of two polynomial columns is a product already */
	for (int a = 0; a < ninter; a++)
		for (int b = a + 1; b < ninter; b++)
			if (!(inpoly[ic[a]] && inpoly[ic[b]]))
			{
				f[0] = ic[a];
				f[1] = ic[b];
				AddTerm(poly, f, 2);
			}
	Assert(poly->nterms == count);
	return poly;
}

/* A term's readable name: "age^2", "age*bmi", "age^2*bmi". */
char *
MlpPolyName(const MlpPoly *poly, int t, char **names)
{
	StringInfoData s;
	int			d = poly->degree[t];

	initStringInfo(&s);
	for (int k = 0; k < d;)
	{
		int			f = MLP_POLY_FACTOR(poly, t, k);
		int			run = 1;

		while (k + run < d && MLP_POLY_FACTOR(poly, t, k + run) == f)
			run++;
		appendStringInfo(&s, "%s%s", k ? "*" : "", names[f]);
		if (run > 1)
			appendStringInfo(&s, "^%d", run);
		k += run;
	}
	return s.data;
}

/* Fill x[nbase ..] with the products of x's unscaled base features. */
void
MlpPolyRow(const MlpPoly *poly, double *x)
{
	for (int t = 0; t < poly->nterms; t++)
	{
		double		v = x[MLP_POLY_FACTOR(poly, t, 0)];

		for (int k = 1; k < poly->degree[t]; k++)
			v *= x[MLP_POLY_FACTOR(poly, t, k)];
		x[poly->nbase + t] = v;
	}
}

/*
 * A new matrix: the base features, the products, then the last column of
 * in (the target).  The base columns must hold no NULL (NaN) any more.
 */
void
MlpPolyMatrix(const MlpPoly *poly, const MlpMatrix *in, MlpMatrix *out)
{
	int64		n = in->nrows;
	int			nb = poly->nbase;
	Size		colbytes = sizeof(double) * (Size) Max(n, 1);

	Assert(in->ncols == nb + 1);
	MlpCheckMemory(mul_size(colbytes, (Size) nb + poly->nterms + 1),
				   "the training data with polynomial features");
	out->nrows = n;
	out->cap = Max(n, 1);
	out->ncols = nb + poly->nterms + 1;
	out->data = MemoryContextAllocExtended(CurrentMemoryContext,
										   mul_size(colbytes, out->ncols),
										   MCXT_ALLOC_HUGE);
	for (int j = 0; j < nb; j++)
		memcpy(MLP_COL(out, j), MLP_COL(in, j), sizeof(double) * n);
	memcpy(MLP_COL(out, out->ncols - 1), MLP_COL(in, nb), sizeof(double) * n);
	for (int t = 0; t < poly->nterms; t++)
	{
		double	   *dst = MLP_COL(out, nb + t);
		const double *a = MLP_COL(in, MLP_POLY_FACTOR(poly, t, 0));

		CHECK_FOR_INTERRUPTS();
		memcpy(dst, a, sizeof(double) * n);
		for (int k = 1; k < poly->degree[t]; k++)
		{
			const double *b = MLP_COL(in, MLP_POLY_FACTOR(poly, t, k));

			for (int64 i = 0; i < n; i++)
				dst[i] *= b[i];
		}
	}
}
