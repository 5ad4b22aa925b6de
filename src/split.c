/*
 * split.c
 *	  The random train/test split.
 *
 * Each row gets a seeded hash of its own values, and the test split is the
 * ceil(test_size * n) rows with the smallest hashes.  A scan may return rows
 * in any order (a parallel plan does), yet the same data and seed always
 * give the same split, and exactly the requested number of test rows.
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"

#include "split.h"

/* The 64-bit finalizer of splitmix64: a cheap, well-mixed hash step. */
static inline uint64
Mix64(uint64 z)
{
	z = (z ^ (z >> 30)) * UINT64CONST(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64CONST(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/*
 * Seeded hashes of every row's values.  Columns are the outer loop so that
 * each step is independent across rows and streams through one column;
 * each value costs one xor-multiply, and each row one final mix.
 */
static void
RowHashes(const MlpMatrix *m, uint64 seed, uint64 *h)
{
	uint64		h0 = Mix64(seed ^ UINT64CONST(0x9e3779b97f4a7c15));

	for (int64 i = 0; i < m->nrows; i++)
		h[i] = h0;
	for (int j = 0; j < m->ncols; j++)
	{
		const double *c = MLP_COL(m, j);
		uint64		salt = Mix64(h0 + (uint64) j);

		CHECK_FOR_INTERRUPTS();
		for (int64 i = 0; i < m->nrows; i++)
		{
			double		v = c[i];
			uint64		bits;

			if (v == 0)
				v = 0;			/* -0.0 and 0.0 are the same value */
			memcpy(&bits, &v, sizeof(bits));
			h[i] = (h[i] ^ (bits + salt)) * UINT64CONST(0x9fb21c651e98df25);
			h[i] ^= h[i] >> 29;
		}
	}
	for (int64 i = 0; i < m->nrows; i++)
		h[i] = Mix64(h[i]);
}

/* The k-th smallest (0-based) of a[0..n-1], reordering a (quickselect). */
static uint64
SelectKth(uint64 *a, int64 n, int64 k)
{
	int64		lo = 0;
	int64		hi = n - 1;

	while (lo < hi)
	{
		uint64		pivot = a[lo + (hi - lo) / 2];
		int64		i = lo;
		int64		j = hi;

		CHECK_FOR_INTERRUPTS();
		while (i <= j)
		{
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j)
			{
				uint64		t = a[i];

				a[i] = a[j];
				a[j] = t;
				i++;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return a[k];
}

/* Split the rows of m; the arrays are palloc'd in the current context. */
void
MlpSplitRows(const MlpMatrix *m, double test_size, int64 seed,
			 int64 **train, int64 *ntrain, int64 **test, int64 *ntest)
{
	int64		n = m->nrows;
	int64		k = (test_size > 0) ? (int64) ceil(test_size * (double) n) : 0;
	uint64	   *h;
	uint64	   *tmp;
	uint64		kth;
	int64		ties;
	int64		a = 0;
	int64		b = 0;

	k = Min(k, n);
	*train = palloc(sizeof(int64) * Max(n - k, 1));
	*test = palloc(sizeof(int64) * Max(k, 1));
	*ntrain = n - k;
	*ntest = k;
	if (k == 0)
	{
		for (int64 i = 0; i < n; i++)
			(*train)[i] = i;
		return;
	}

	h = MemoryContextAllocExtended(CurrentMemoryContext,
								   sizeof(uint64) * n, MCXT_ALLOC_HUGE);
	tmp = MemoryContextAllocExtended(CurrentMemoryContext,
									 sizeof(uint64) * n, MCXT_ALLOC_HUGE);
	RowHashes(m, (uint64) seed, h);
	memcpy(tmp, h, sizeof(uint64) * n);
	kth = SelectKth(tmp, n, k - 1);

	/* rows hashing equal to the k-th are duplicates: take them in order */
	ties = k;
	for (int64 i = 0; i < n; i++)
		if (h[i] < kth)
			ties--;
	for (int64 i = 0; i < n; i++)
	{
		if (h[i] < kth || (h[i] == kth && ties-- > 0))
			(*test)[b++] = i;
		else
			(*train)[a++] = i;
	}
	Assert(a == n - k && b == k);
	pfree(h);
	pfree(tmp);
}
