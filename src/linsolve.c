/*
 * linsolve.c
 *	  Solve linear models from centred co-moments (the last variable is y).
 *
 * OLS and ridge: Cholesky on the standardised normal equations, so that
 * the pivots are not dominated by the columns with the largest units; when
 * that system is (nearly) singular, a minimum-norm eigen solution instead,
 * so collinear columns train rather than fail.  Lasso and elastic net:
 * coordinate descent on the Gram matrix with scikit-learn's objective and
 * its duality-gap stopping rule.
 */
#include "postgres.h"

#include <float.h>
#include <lapacke.h>
#include <math.h>

#include "miscadmin.h"

#include "comoments.h"
#include "linsolve.h"

/* reciprocal condition below which Cholesky's answer is not trusted */
#define RCOND_FALLBACK	1e-13

static void SolveMinNorm(int p, const double *A, const double *r, double *b);
static void CoordinateDescent(int p, double n, const double *G, const double *q,
							  double yy, const MlpLinearParams *prm,
							  MlpLinearFit *fit);

/*
 * Solve (G + alpha I) b = rhs for OLS/ridge, where G is the centred Gram
 * matrix held in the co-moments.  Returns true when the minimum-norm
 * fallback was needed; *rcond_out gets the reciprocal condition estimate.
 */
bool
LinearSolveRhs(const double *st, double alpha, const double *rhs, double *coef,
			   double *rcond_out)
{
	int			k = COMOM_K(st);
	int			p = k - 1;
	const double *C = st + 2 + k;
	double	   *s = palloc(sizeof(double) * p);
	double	   *A = palloc(sizeof(double) * p * p);
	double	   *L = palloc(sizeof(double) * p * p);
	double	   *b = palloc(sizeof(double) * p);
	double	   *work = palloc(sizeof(double) * 3 * p);
	lapack_int *iwork = palloc(sizeof(lapack_int) * p);
	double		anorm = 0;
	double		rcond = 0;
	bool		fallback = false;
	lapack_int	info;

	/* standardise: A = D^-1 (G + alpha I) D^-1, D = diag(sqrt(G_jj)) */
	for (int j = 0; j < p; j++)
		s[j] = C[(Size) j * k + j] > 0 ? sqrt(C[(Size) j * k + j]) : 1.0;
	for (int j = 0; j < p; j++)
	{
		double		colsum = 0;

		for (int i = 0; i < p; i++)
		{
			double		v = (i <= j) ? C[(Size) j * k + i] : C[(Size) i * k + j];

			if (i == j)
				v += alpha;
			A[(Size) j * p + i] = v / (s[i] * s[j]);
			colsum += fabs(A[(Size) j * p + i]);
		}
		anorm = Max(anorm, colsum);
		b[j] = rhs[j] / s[j];
	}

	memcpy(L, A, sizeof(double) * p * p);
	info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'U', p, L, p);
	if (info == 0)
		info = LAPACKE_dpocon_work(LAPACK_COL_MAJOR, 'U', p, L, p,
								   anorm, &rcond, work, iwork);
	if (info == 0 && rcond >= RCOND_FALLBACK)
	{
		info = LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, 'U', p, 1, L, p, b, p);
		if (info != 0)
			elog(ERROR, "dpotrs failed: %d", (int) info);
	}
	else
	{
		double	   *r = palloc(sizeof(double) * p);

		memcpy(r, b, sizeof(double) * p);
		SolveMinNorm(p, A, r, b);
		fallback = true;
		pfree(r);
	}
	for (int j = 0; j < p; j++)
		coef[j] = b[j] / s[j];
	if (rcond_out)
		*rcond_out = rcond;
	pfree(s);
	pfree(A);
	pfree(L);
	pfree(b);
	pfree(work);
	pfree(iwork);
	return fallback;
}

/* Fill fit (coef palloc'd in the current context) from the co-moments. */
void
LinearSolve(const double *st, const MlpLinearParams *prm, MlpLinearFit *fit)
{
	int			k = COMOM_K(st);
	int			p = k - 1;
	double		n = COMOM_N(st);
	const double *C = st + 2 + k;
	double	   *q = palloc(sizeof(double) * p);

	fit->p = p;
	fit->coef = palloc0(sizeof(double) * p);
	fit->n_iter = 0;
	fit->converged = true;
	fit->rank_deficient = false;
	fit->rcond = 1.0;
	for (int j = 0; j < p; j++)
		q[j] = C[(Size) p * k + j];

	if (prm->kind == MLP_LIN_OLS || prm->kind == MLP_LIN_RIDGE)
		fit->rank_deficient =
			LinearSolveRhs(st, prm->kind == MLP_LIN_RIDGE ? prm->alpha : 0.0,
						   q, fit->coef, &fit->rcond);
	else
	{
		double	   *G = palloc(sizeof(double) * p * p);

		for (int j = 0; j < p; j++)
			for (int i = 0; i <= j; i++)
			{
				G[(Size) j * p + i] = C[(Size) j * k + i];
				G[(Size) i * p + j] = C[(Size) j * k + i];
			}
		CoordinateDescent(p, n, G, q, C[(Size) p * k + p], prm, fit);
		pfree(G);
	}
	fit->intercept = LinearIntercept(st, fit->coef);
	pfree(q);
}

/* The intercept that goes with coef: mean(y) - mean(x)'coef. */
double
LinearIntercept(const double *st, const double *coef)
{
	int			k = COMOM_K(st);
	const double *mean = st + 2;
	double		icpt = mean[k - 1];

	for (int j = 0; j < k - 1; j++)
		icpt -= mean[j] * coef[j];
	return icpt;
}

/*
 * Minimum-norm solution of the symmetric system A b = r: eigenvalues below
 * RCOND_FALLBACK times the largest are treated as zero.
 */
static void
SolveMinNorm(int p, const double *A, const double *r, double *b)
{
	double	   *V = palloc(sizeof(double) * p * p);
	double	   *w = palloc(sizeof(double) * p);
	double		wq;
	lapack_int	lwork;
	double	   *work;
	lapack_int	info;
	double		cut;

	memcpy(V, A, sizeof(double) * p * p);
	info = LAPACKE_dsyev_work(LAPACK_COL_MAJOR, 'V', 'U', p, V, p, w, &wq, -1);
	if (info != 0)
		elog(ERROR, "dsyev workspace query failed: %d", (int) info);
	lwork = (lapack_int) wq;
	work = palloc(sizeof(double) * Max(lwork, 1));
	info = LAPACKE_dsyev_work(LAPACK_COL_MAJOR, 'V', 'U', p, V, p, w, work, lwork);
	if (info != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("eigen decomposition of the feature matrix did not converge")));
	cut = w[p - 1] * RCOND_FALLBACK * p;
	memset(b, 0, sizeof(double) * p);
	for (int e = 0; e < p; e++)
	{
		const double *v = V + (Size) e * p;
		double		c = 0;

		if (w[e] <= cut)
			continue;
		for (int i = 0; i < p; i++)
			c += v[i] * r[i];
		c /= w[e];
		for (int i = 0; i < p; i++)
			b[i] += c * v[i];
	}
	pfree(V);
	pfree(w);
	pfree(work);
}

/* The soft-thresholding operator. */
static inline double
SoftThreshold(double z, double g)
{
	if (z > g)
		return z - g;
	if (z < -g)
		return z + g;
	return 0;
}

/*
 * Cyclic coordinate descent for
 *	  1/(2n) ||y - Xw||^2 + alpha l1_ratio |w|_1 + alpha (1 - l1_ratio)/2 |w|^2
 * on G = Xc'Xc, q = Xc'yc, yy = yc'yc (all centred), stopping as
 * scikit-learn does: when the largest step is small relative to the largest
 * weight, and the duality gap is below tol * yy.
 */
static void
CoordinateDescent(int p, double n, const double *G, const double *q,
				  double yy, const MlpLinearParams *prm, MlpLinearFit *fit)
{
	double		l1 = prm->alpha * prm->l1_ratio * n;
	double		l2 = prm->alpha * (1.0 - prm->l1_ratio) * n;
	double		tol = prm->tol * yy;
	double	   *w = fit->coef;
	double	   *H = palloc0(sizeof(double) * p);	/* H = G w */
	int			iter;

	fit->converged = false;
	for (iter = 1; iter <= prm->max_iter; iter++)
	{
		double		w_max = 0;
		double		d_w_max = 0;

		CHECK_FOR_INTERRUPTS();
		for (int j = 0; j < p; j++)
		{
			const double *Gj = G + (Size) j * p;
			double		wj = w[j];
			double		nw;

			if (Gj[j] == 0)
				continue;
			nw = SoftThreshold(q[j] - H[j] + Gj[j] * wj, l1) / (Gj[j] + l2);
			if (nw != wj)
			{
				double		d = nw - wj;

				for (int i = 0; i < p; i++)
					H[i] += d * Gj[i];
				w[j] = nw;
			}
			d_w_max = Max(d_w_max, fabs(nw - wj));
			w_max = Max(w_max, fabs(nw));
		}
		if (w_max == 0 || d_w_max / w_max < prm->tol || iter == prm->max_iter)
		{
			/* duality gap, as in scikit-learn's Gram-matrix solver */
			double		wH = 0,
						qw = 0,
						w_norm2 = 0,
						l1_norm = 0,
						dual = 0;
			double		R_norm2,
						cst,
						gap;

			for (int j = 0; j < p; j++)
			{
				double		xta = q[j] - H[j] - l2 * w[j];

				wH += w[j] * H[j];
				qw += q[j] * w[j];
				w_norm2 += w[j] * w[j];
				l1_norm += fabs(w[j]);
				dual = Max(dual, fabs(xta));
			}
			R_norm2 = yy + wH - 2.0 * qw;
			if (dual > l1)
			{
				cst = l1 / dual;
				gap = 0.5 * (R_norm2 + R_norm2 * cst * cst);
			}
			else
			{
				cst = 1.0;
				gap = R_norm2;
			}
			gap += l1 * l1_norm - cst * yy + cst * qw +
				0.5 * l2 * (1 + cst * cst) * w_norm2;
			if (gap < tol)
			{
				fit->converged = true;
				break;
			}
		}
	}
	fit->n_iter = Min(iter, prm->max_iter);
	pfree(H);
}
