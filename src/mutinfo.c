/*
 * mutinfo.c
 *	  Mutual information between a continuous feature and a continuous
 *	  target by the Kraskov-Stoegbauer-Grassberger estimator, following
 *	  scikit-learn's _compute_mi_cc (sklearn 1.2).
 *
 * Both columns are divided by their population standard deviation (no
 * centring), as sklearn.preprocessing.scale(with_mean=False) does.  sklearn
 * then adds Gaussian noise of relative size 1e-10 to break ties, drawn from
 * its random_state.  So do we, but each deviate is a hash of the raw point
 * and its rank among its exact duplicates (MiJitter): no generator, the same
 * answer every time and for any row order.  The noise matters: on columns
 * with repeated values (integers, codes, rounded measurements) the exact
 * estimate can be several times sklearn's, and rank features differently.
 * MI_TIE_JITTER 0 gives the exact-value estimate instead.
 *
 * For each point i, r_i is the distance to its k-th nearest other point in
 * the (x, y) plane under the max-norm; nx_i is the number of other points j
 * with |x_j - x_i| < r_i (sklearn counts |dx| <= nextafter(r_i, 0), and so do
 * we, which is the same thing for r_i > 0 and counts exact ties when r_i is
 * 0), ny_i likewise, and
 *
 *	  mi = psi(n) + psi(k) - mean(psi(nx_i + 1)) - mean(psi(ny_i + 1)),
 *
 * clamped at 0.
 *
 * The k-th distances come from a 2-d kd-tree with a bounding box per node
 * (O(n log n) to build, about O(log n) a query); nx and ny by bisection in
 * sorted copies of x and y.  Ties, whole columns of repeated values included,
 * cost nothing extra: a node whose box is no nearer than the current k-th
 * distance is never opened, so k exact duplicates stop a search at once.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "common/pg_prng.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "mutinfo.h"

/* points per kd-tree leaf */
#define MI_LEAF 8

/* fixed seed for the tree build's pivots; results never depend on it */
#define MI_PIVOT_SEED UINT64CONST(0x6d75746966)

/*
 * 1: break ties with sklearn-sized deterministic jitter (see MiJitter).
 * 0: exact values, i.e. sklearn's _compute_mi_cc on the scaled columns.
 */
#ifndef MI_TIE_JITTER
#define MI_TIE_JITTER 1
#endif
/* a different salt is a different (equally valid) draw of the jitter */
#ifndef MI_JITTER_SALT
#define MI_JITTER_SALT 0
#endif

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define MI_KEY(p, axis)	((axis) ? (p).y : (p).x)

typedef struct MiPoint
{
	double		x;
	double		y;
} MiPoint;

typedef struct MiScale
{
	int			e;				/* prescale by 2^-e ... */
	double		sd;				/* ... then divide by the std */
} MiScale;

typedef struct MiTree
{
	MiPoint    *pts;			/* the points, permuted into tree order */
	double	   *box;			/* per node: xmin, xmax, ymin, ymax */
	pg_prng_state prng;			/* pivot choice while building */
} MiTree;

typedef struct MiQuery
{
	const MiTree *tree;
	int64		self;			/* its tree position, skipped */
	double		qx;
	double		qy;
	int			k;
	double	   *best;			/* k smallest distances yet, ascending */
} MiQuery;

/* Arrays sized by n may pass 1 GB, which plain palloc refuses. */
static void *
MiAlloc(Size size)
{
	return MemoryContextAllocExtended(CurrentMemoryContext, size,
									  MCXT_ALLOC_HUGE);
}

/* sklearn calls scipy's digamma; we need it only at integers >= 1. */
static double
MiDigamma(double x)
{
	double		r = 0.0;
	double		x2;

	/* recurrence up to where the asymptotic series is exact to ~1e-17 */
	while (x < 10.0)
	{
		r -= 1.0 / x;
		x += 1.0;
	}
	x2 = 1.0 / (x * x);
	return r + log(x) - 0.5 / x
		- x2 * (1.0 / 12.0
				- x2 * (1.0 / 120.0
						- x2 * (1.0 / 252.0
								- x2 * (1.0 / 240.0
										- x2 * (1.0 / 132.0
												- x2 * (691.0 / 32760.0
														- x2 / 12.0))))));
}

/* Sums in (x, y) order: the same bits of scale for any order of rows. */
static bool
MiScaleOf(const MiPoint *p, int64 n, int axis, MiScale *sc)
{
	double		vmin = MI_KEY(p[0], axis);
	double		vmax = vmin;
	double		mean = 0.0;
	double		ss = 0.0;
	double		sd;
	int			e;

	for (int64 i = 1; i < n; i++)
	{
		vmin = Min(vmin, MI_KEY(p[i], axis));
		vmax = Max(vmax, MI_KEY(p[i], axis));
	}
	if (vmin == vmax)
		return false;

	/*
	 * Work on v / 2^e, |v| < 1: huge inputs cannot overflow, and the
	 * quotients are bit for bit those of v / std.
	 */
	(void) frexp(Max(fabs(vmin), fabs(vmax)), &e);
	for (int64 i = 0; i < n; i++)
		mean += ldexp(MI_KEY(p[i], axis), -e);
	mean /= (double) n;
	for (int64 i = 0; i < n; i++)
	{
		double		d = ldexp(MI_KEY(p[i], axis), -e) - mean;

		ss += d * d;
	}
	sd = sqrt(ss / (double) n);

	/* sklearn leaves near-constant features (std < 10 eps) unscaled */
	if (axis == 0 && ldexp(sd, e) < 10.0 * DBL_EPSILON)
	{
		e = 0;
		sd = 1.0;
	}
	sc->e = e;
	sc->sd = sd;
	return true;
}

/* sklearn divides by numpy's std (ddof=0) and does not centre. */
static inline double
MiApply(const MiScale *sc, double v)
{
	return ldexp(v, -sc->e) / sc->sd;
}

/*
 * Sorts specialised by lib/sort_template.h: inlined comparisons make them
 * several times faster than qsort() here, where sorting is a third of the
 * work.  Inputs are finite by the time we sort.  Points sort in (x, y)
 * order, which brings exact duplicates together.
 */
#define ST_SORT mi_sort_double
#define ST_ELEMENT_TYPE double
#define ST_COMPARE(a, b) ((*(a) > *(b)) - (*(a) < *(b)))
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

#define ST_SORT mi_sort_point
#define ST_ELEMENT_TYPE MiPoint
#define ST_COMPARE(a, b) \
	((a)->x != (b)->x ? ((a)->x > (b)->x) - ((a)->x < (b)->x) \
	 : ((a)->y > (b)->y) - ((a)->y < (b)->y))
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* splitmix64's finaliser: jitter from a hash needs no generator state. */
static inline uint64
MiMix(uint64 z)
{
	z += UINT64CONST(0x9e3779b97f4a7c15);
	z = (z ^ (z >> 30)) * UINT64CONST(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64CONST(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* sklearn's noise is Gaussian; Box-Muller from two hashed uniforms in (0,1). */
static double
MiNormal(uint64 h)
{
	double		u1 = ldexp((double) (MiMix(h) >> 11) + 0.5, -53);
	double		u2 = ldexp((double) (MiMix(~h) >> 11) + 0.5, -53);

	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

/* Exact ties sit on the radius and swing the estimate far from sklearn's. */
static void
MiJitter(MiPoint *p, int64 n, const MiScale *scx, const MiScale *scy)
{
	double		ax = 0.0;
	double		ay = 0.0;
	double		px = 0.0;
	double		py = 0.0;
	uint64		dup = 0;

	/*
	 * Scales p, raw values in (x, y) order, and jitters it as sklearn does:
	 * + 1e-10 * max(1, mean |v|) * N(0, 1) for each scaled column.  Our
	 * deviates hash the raw point and its rank among its exact duplicates,
	 * which the sort has made adjacent: the jittered multiset then depends
	 * only on the input multiset, so results are deterministic and
	 * independent of row order.
	 */
	for (int64 i = 0; i < n; i++)
	{
		ax += fabs(MiApply(scx, p[i].x));
		ay += fabs(MiApply(scy, p[i].y));
	}
	ax = 1e-10 * Max(1.0, ax / (double) n);
	ay = 1e-10 * Max(1.0, ay / (double) n);
	for (int64 i = 0; i < n; i++)
	{
		/* + 0.0 turns -0.0 into 0.0, which compares (and must hash) equal */
		double		vx = p[i].x + 0.0;
		double		vy = p[i].y + 0.0;
		uint64		bx;
		uint64		by;
		uint64		h;

		dup = (i > 0 && vx == px && vy == py) ? dup + 1 : 0;
		px = vx;
		py = vy;
		memcpy(&bx, &vx, sizeof(bx));
		memcpy(&by, &vy, sizeof(by));
		h = MiMix(MiMix(MiMix(bx ^ MI_JITTER_SALT) ^ by) ^ dup);
		p[i].x = MiApply(scx, vx) + ax * MiNormal(h ^ UINT64CONST(0x78));
		p[i].y = MiApply(scy, vy) + ay * MiNormal(h ^ UINT64CONST(0x79));
	}
}

/* Lets the selection below read as the textbook algorithm. */
static inline void
MiSwap(MiPoint *a, int64 i, int64 j)
{
	MiPoint		t = a[i];

	a[i] = a[j];
	a[j] = t;
}

/* Random pivots: sorted or organ-pipe input must not go quadratic. */
static void
MiSelect(MiTree *t, int64 lo, int64 hi, int64 nth, int axis)
{
	MiPoint    *a = t->pts;
	int64		l = lo;
	int64		ir = hi - 1;

	for (;;)
	{
		int64		i;
		int64		j;
		MiPoint		pivot;
		double		pk;

		if (ir <= l + 1)
		{
			if (ir == l + 1 && MI_KEY(a[ir], axis) < MI_KEY(a[l], axis))
				MiSwap(a, l, ir);
			return;
		}
		/*
		 * Median of three random elements (a column stored in order, or y =
		 * x^2 stored by x, would defeat first/middle/last).  Hoare's scans
		 * stop on equal keys, so heavily tied columns split evenly too.
		 */
		MiSwap(a, l, (int64) pg_prng_uint64_range(&t->prng, l, ir));
		MiSwap(a, l + 1, (int64) pg_prng_uint64_range(&t->prng, l + 1, ir));
		MiSwap(a, ir, (int64) pg_prng_uint64_range(&t->prng, l + 2, ir));
		/* order a[l] <= a[l + 1] <= a[ir]: the median, and two sentinels */
		if (MI_KEY(a[l], axis) > MI_KEY(a[ir], axis))
			MiSwap(a, l, ir);
		if (MI_KEY(a[l + 1], axis) > MI_KEY(a[ir], axis))
			MiSwap(a, l + 1, ir);
		if (MI_KEY(a[l], axis) > MI_KEY(a[l + 1], axis))
			MiSwap(a, l, l + 1);
		i = l + 1;
		j = ir;
		pivot = a[l + 1];
		pk = MI_KEY(pivot, axis);
		for (;;)
		{
			do
				i++;
			while (MI_KEY(a[i], axis) < pk);
			do
				j--;
			while (MI_KEY(a[j], axis) > pk);
			if (j < i)
				break;
			MiSwap(a, i, j);
		}
		a[l + 1] = a[j];
		a[j] = pivot;
		if (j >= nth)
			ir = j - 1;
		if (j <= nth)
			l = i;
	}
}

/* Boxes, not split planes, keep pruning tight on tied or lopsided data. */
static void
MiBuild(MiTree *t, int64 node, int64 lo, int64 hi)
{
	double	   *b = t->box + 4 * node;
	const MiPoint *p = t->pts;
	int64		mid;

	b[0] = b[1] = p[lo].x;
	b[2] = b[3] = p[lo].y;
	for (int64 j = lo + 1; j < hi; j++)
	{
		b[0] = Min(b[0], p[j].x);
		b[1] = Max(b[1], p[j].x);
		b[2] = Min(b[2], p[j].y);
		b[3] = Max(b[3], p[j].y);
	}
	if (hi - lo <= MI_LEAF)
		return;

	CHECK_FOR_INTERRUPTS();
	mid = lo + (hi - lo) / 2;
	/* split the wider side: a column of equal x must not be split on x */
	MiSelect(t, lo, hi, mid, (b[1] - b[0] >= b[3] - b[2]) ? 0 : 1);
	MiBuild(t, 2 * node + 1, lo, mid);
	MiBuild(t, 2 * node + 2, mid, hi);
}

/* A bound on every computed distance in the node, rounding included. */
static inline double
MiBoxDist(const MiQuery *q, int64 node)
{
	const double *b = q->tree->box + 4 * node;
	double		d = 0.0;

	d = Max(d, b[0] - q->qx);
	d = Max(d, q->qx - b[1]);
	d = Max(d, b[2] - q->qy);
	d = Max(d, q->qy - b[3]);
	return d;
}

/* Nearer child first: the k-th distance shrinks before the far is judged. */
static void
MiSearch(MiQuery *q, int64 node, int64 lo, int64 hi)
{
	double	   *best = q->best;
	int			k = q->k;
	int64		mid;
	double		dleft;
	double		dright;

	if (hi - lo <= MI_LEAF)
	{
		const MiPoint *p = q->tree->pts;

		for (int64 j = lo; j < hi; j++)
		{
			double		d;
			int			i;

			if (j == q->self)
				continue;
			d = Max(fabs(p[j].x - q->qx), fabs(p[j].y - q->qy));
			if (d >= best[k - 1])
				continue;
			for (i = k - 1; i > 0 && best[i - 1] > d; i--)
				best[i] = best[i - 1];
			best[i] = d;
		}
		return;
	}

	/* a node no nearer than the k-th distance cannot change it: skip it */
	mid = lo + (hi - lo) / 2;
	dleft = MiBoxDist(q, 2 * node + 1);
	dright = MiBoxDist(q, 2 * node + 2);
	if (dleft <= dright)
	{
		if (dleft < best[k - 1])
			MiSearch(q, 2 * node + 1, lo, mid);
		if (dright < best[k - 1])
			MiSearch(q, 2 * node + 2, mid, hi);
	}
	else
	{
		if (dright < best[k - 1])
			MiSearch(q, 2 * node + 2, mid, hi);
		if (dleft < best[k - 1])
			MiSearch(q, 2 * node + 1, lo, mid);
	}
}

/* Bisection, not a tree: a count is all sklearn's KDTree query returns. */
static int64
MiCountWithin(const double *s, int64 n, double v, double r)
{
	int64		lo = 0;
	int64		hi = n;
	int64		first;

	/*
	 * Counts s[j] with |s[j] - v| <= r as computed in floating point: both
	 * rounded differences v - s[j] and s[j] - v are monotone in j.
	 */

	while (lo < hi)
	{
		int64		mid = lo + (hi - lo) / 2;

		if (v - s[mid] <= r)
			hi = mid;
		else
			lo = mid + 1;
	}
	first = lo;
	hi = n;
	while (lo < hi)
	{
		int64		mid = lo + (hi - lo) / 2;

		if (s[mid] - v > r)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo - first;
}

/* Ranks features by any dependence on the target, not only linear. */
double
MlpMutualInfo(const double *x, const double *y, int64 n, int k)
{
	MiScale		scx;
	MiScale		scy;
	MiTree		tree;
	MiQuery		q;
	double	   *xs;
	double	   *ys;
	int64		nnodes;
	int			depth = 0;
	double		sumx = 0.0;
	double		sumy = 0.0;
	double		mi;

	if (k < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of neighbours must be at least 1")));
	if (n < (int64) k + 1)
		return 0.0;

	tree.pts = MiAlloc(sizeof(MiPoint) * n);
	for (int64 i = 0; i < n; i++)
	{
		if (isnan(x[i]) || isinf(x[i]) || isnan(y[i]) || isinf(y[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("mutual information requires finite values")));
		tree.pts[i].x = x[i];
		tree.pts[i].y = y[i];
	}
	/* from here on nothing depends on the order the rows came in */
	mi_sort_point(tree.pts, n);
	if (!MiScaleOf(tree.pts, n, 0, &scx) || !MiScaleOf(tree.pts, n, 1, &scy))
	{
		pfree(tree.pts);
		return 0.0;
	}
	if (MI_TIE_JITTER)
		MiJitter(tree.pts, n, &scx, &scy);
	else
	{
		for (int64 i = 0; i < n; i++)
		{
			tree.pts[i].x = MiApply(&scx, tree.pts[i].x);
			tree.pts[i].y = MiApply(&scy, tree.pts[i].y);
		}
	}

	xs = MiAlloc(sizeof(double) * n);
	ys = MiAlloc(sizeof(double) * n);
	for (int64 i = 0; i < n; i++)
	{
		xs[i] = tree.pts[i].x;
		ys[i] = tree.pts[i].y;
	}
	/* without jitter xs is sorted already, which the sort checks first */
	mi_sort_double(xs, n);
	mi_sort_double(ys, n);

	/* node 0 is the root, node i's children 2i+1 and 2i+2 */
	for (int64 s = n; s > MI_LEAF; s = (s + 1) / 2)
		depth++;
	nnodes = ((int64) 2 << depth) - 1;
	tree.box = MiAlloc(sizeof(double) * 4 * nnodes);
	pg_prng_seed(&tree.prng, MI_PIVOT_SEED);
	MiBuild(&tree, 0, 0, n);

	q.tree = &tree;
	q.k = k;
	q.best = palloc(sizeof(double) * k);
	for (int64 i = 0; i < n; i++)
	{
		double		r;
		int64		nx;
		int64		ny;

		CHECK_FOR_INTERRUPTS();
		q.self = i;
		q.qx = tree.pts[i].x;
		q.qy = tree.pts[i].y;
		for (int j = 0; j < k; j++)
			q.best[j] = HUGE_VAL;
		MiSearch(&q, 0, 0, n);

		/* sklearn's radius, and its <= test: |d| < r, or d == 0 if r is 0 */
		r = nextafter(q.best[k - 1], 0.0);
		nx = MiCountWithin(xs, n, q.qx, r) - 1;
		ny = MiCountWithin(ys, n, q.qy, r) - 1;
		sumx += MiDigamma((double) nx + 1.0);
		sumy += MiDigamma((double) ny + 1.0);
	}

	mi = MiDigamma((double) n) + MiDigamma((double) k)
		- sumx / (double) n - sumy / (double) n;

	pfree(q.best);
	pfree(tree.box);
	pfree(tree.pts);
	pfree(xs);
	pfree(ys);
	return Max(mi, 0.0);
}
