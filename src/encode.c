/*
 * encode.c
 *	  One-hot encoding of categorical features.
 *
 * The kept categories of a column are its most frequent values in the
 * training rows (at most max_categories, by default MLP_MAX_CATEGORIES,
 * ties by value); a column with
 * more also gets an "(other)" feature, and one with NULLs in training an
 * "IS NULL" feature.  At scoring, a value not kept goes to "(other)" when
 * there is one, else to no feature at all (all zeros), as scikit-learn's
 * OneHotEncoder(handle_unknown='ignore') does.
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/datetime.h"
#include "utils/memutils.h"

#include "encode.h"
#include "mlpipe.h"

typedef struct CatCount
{
	const char *text;
	int64		n;
} CatCount;

/* Most frequent first; equal counts by value, so the order is stable. */
static int
CompareCatCount(const void *a, const void *b)
{
	const CatCount *x = a;
	const CatCount *y = b;

	if (x->n != y->n)
		return (x->n < y->n) ? 1 : -1;
	return strcmp(x->text, y->text);
}

static const char *const date_part_names[MLP_DATE_NPARTS] =
{"year", "month", "day", "dow", "hour", "epoch"};

/* The name of date part i, as in "col:month". */
const char *
MlpDatePartName(int part)
{
	return date_part_names[part];
}

/*
 * The parts of a time given as Unix epoch seconds: year, month, day, day of
 * week (0 = Sunday, as extract(dow)), hour, and the seconds themselves.
 */
static void
DateParts(double epoch, double *out)
{
	double		days = floor(epoch / SECS_PER_DAY);
	int			jd = (int) days + UNIX_EPOCH_JDATE;
	int			y,
				m,
				d;

	j2date(jd, &y, &m, &d);
	out[0] = y;
	out[1] = m;
	out[2] = d;
	out[3] = j2day(jd);
	out[4] = floor((epoch - days * SECS_PER_DAY) / SECS_PER_HOUR);
	out[5] = epoch;
}

/* How many parts a mask keeps. */
int
MlpDatePartCount(uint8 parts)
{
	int			n = 0;

	for (int i = 0; i < MLP_DATE_NPARTS; i++)
		n += (parts >> i) & 1;
	return n;
}

/* Set the kept parts of one date at x[0 .. width); NaN (a NULL) in all. */
void
MlpEncodeDate(const MlpInput *in, double epoch, double *x)
{
	double		parts[MLP_DATE_NPARTS];
	int			k = 0;

	if (isnan(epoch))
	{
		for (int i = 0; i < in->width; i++)
			x[i] = NAN;
		return;
	}
	DateParts(epoch, parts);
	for (int i = 0; i < MLP_DATE_NPARTS; i++)
		if (in->parts & (1 << i))
			x[k++] = parts[i];
}

/*
 * The parts of a date column that vary in the training rows: a part that
 * does not (the hour of a date, the year of one year's data) is left out.
 */
static uint8
VaryingDateParts(const double *src, int64 n, const uint8 *is_test)
{
	double		lo[MLP_DATE_NPARTS];
	double		hi[MLP_DATE_NPARTS];
	uint8		mask = 0;

	for (int i = 0; i < MLP_DATE_NPARTS; i++)
	{
		lo[i] = INFINITY;
		hi[i] = -INFINITY;
	}
	for (int64 r = 0; r < n; r++)
	{
		double		parts[MLP_DATE_NPARTS];

		if ((r & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
		if ((is_test && is_test[r]) || isnan(src[r]))
			continue;
		DateParts(src[r], parts);
		for (int i = 0; i < MLP_DATE_NPARTS; i++)
		{
			lo[i] = Min(lo[i], parts[i]);
			hi[i] = Max(hi[i], parts[i]);
		}
	}
	for (int i = 0; i < MLP_DATE_NPARTS; i++)
		if (lo[i] < hi[i])
			mask |= (1 << i);
	return mask;
}

/*
 * Count each category in the training rows.  Counted after the split is
 * final (an order split marks its test rows only once every row is in), so
 * test rows never choose the kept categories.
 */
static void
CountTraining(const MlpColumns *cols, MlpCategories **cats, const MlpMatrix *raw,
			  const uint8 *is_test)
{
	for (int j = 0; j < cols->p; j++)
	{
		MlpCategories *c = cats[j];
		const double *src = MLP_COL(raw, j);

		if (c == NULL)
			continue;
		CHECK_FOR_INTERRUPTS();
		memset(c->ntrain, 0, sizeof(int64) * c->n);
		c->null_train = 0;
		for (int64 i = 0; i < raw->nrows; i++)
		{
			int			code = (int) src[i];

			if (is_test && is_test[i])
				continue;
			if (code >= 0)
				c->ntrain[code]++;
			else
				c->null_train++;
		}
	}
}

/* The encoding of the loaded columns, from their training counts. */
MlpEncoding *
MlpFitEncoding(const MlpColumns *cols, MlpCategories **cats, const MlpMatrix *raw,
			   const uint8 *is_test)
{
	MlpEncoding *enc = palloc0(sizeof(MlpEncoding));
	int			nf = 0;
	int			k = 0;

	CountTraining(cols, cats, raw, is_test);

	enc->ninputs = cols->p;
	enc->inputs = palloc0(sizeof(MlpInput) * cols->p);
	for (int j = 0; j < cols->p; j++)
	{
		MlpInput   *in = &enc->inputs[j];
		MlpCategories *c = cats[j];

		in->name = cols->names[j];
		in->first = nf;
		if (MlpIsDateKind(cols->kind[j]))
		{
			in->kind = MLP_INPUT_DATE + (cols->kind[j] - MLP_NUM_DATE);
			in->parts = VaryingDateParts(MLP_COL(raw, j), raw->nrows, is_test);
			in->width = MlpDatePartCount(in->parts);
			nf += in->width;
			continue;
		}
		if (c == NULL)
		{
			in->width = 1;
			nf++;
			continue;
		}
		{
			CatCount   *cc = palloc(sizeof(CatCount) * Max(c->n, 1));
			int			seen = 0;

			CHECK_FOR_INTERRUPTS();
			for (int code = 0; code < c->n; code++)
				if (c->ntrain[code] > 0)
				{
					cc[seen].text = c->text[code];
					cc[seen].n = c->ntrain[code];
					seen++;
				}
			qsort(cc, seen, sizeof(CatCount), CompareCatCount);
			in->categorical = true;
			in->kind = MLP_INPUT_CATEGORY;
			in->ncat = Min(seen, cols->max_categories[j] > 0 ?
						   cols->max_categories[j] : MLP_MAX_CATEGORIES);
			in->cats = palloc(sizeof(char *) * Max(in->ncat, 1));
			for (int i = 0; i < in->ncat; i++)
				in->cats[i] = pstrdup(cc[i].text);
			MlpIndexCategories(in);
			in->has_other = (seen > in->ncat);
			in->has_null = (c->null_train > 0);
			in->width = in->ncat + in->has_other + in->has_null;
			nf += in->width;
		}
	}
	enc->nfeatures = nf;
	enc->features = palloc(sizeof(char *) * Max(nf, 1));
	enc->feature_types = palloc(sizeof(char *) * Max(nf, 1));
	enc->onehot = palloc0(sizeof(bool) * Max(nf, 1));
	enc->input_of = palloc0(sizeof(int) * Max(nf, 1));
	for (int j = 0; j < cols->p; j++)
	{
		MlpInput   *in = &enc->inputs[j];

		for (int i = 0; i < in->width; i++)
			enc->input_of[k + i] = j;
		if (MlpInputIsDate(in))
		{
			for (int i = 0; i < MLP_DATE_NPARTS; i++)
				if (in->parts & (1 << i))
				{
					enc->feature_types[k] = "date part";
					enc->features[k++] = psprintf("%s:%s", in->name, date_part_names[i]);
				}
			continue;
		}
		if (!in->categorical)
		{
			enc->features[k] = in->name;
			enc->feature_types[k++] = cols->types[j];
			continue;
		}
		for (int i = 0; i < in->ncat; i++)
		{
			enc->onehot[k] = true;
			enc->feature_types[k] = "one-hot";
			enc->features[k++] = psprintf("%s=%s", in->name, in->cats[i]);
		}
		if (in->has_other)
		{
			enc->onehot[k] = true;
			enc->feature_types[k] = "one-hot";
			enc->features[k++] = psprintf("%s=(other)", in->name);
		}
		if (in->has_null)
		{
			enc->onehot[k] = true;
			enc->feature_types[k] = "one-hot";
			enc->features[k++] = psprintf("%s IS NULL", in->name);
		}
	}
	Assert(k == nf);
	return enc;
}

/* Order two kept categories by text. */
static int
CompareCatIndex(const void *a, const void *b, void *arg)
{
	char	  **cats = arg;

	return strcmp(cats[*(const int *) a], cats[*(const int *) b]);
}

/* Sort the kept categories' indexes by text, for a binary search per value. */
void
MlpIndexCategories(MlpInput *in)
{
	in->sorted = palloc(sizeof(int) * Max(in->ncat, 1));
	for (int i = 0; i < in->ncat; i++)
		in->sorted[i] = i;
	qsort_arg(in->sorted, in->ncat, sizeof(int), CompareCatIndex, in->cats);
}

/* The kept category with this text, or -1. */
int
MlpCategorySlot(const MlpInput *in, const char *text)
{
	int			lo = 0;
	int			hi = in->ncat - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = strcmp(in->cats[in->sorted[mid]], text);

		if (c == 0)
			return in->sorted[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/*
 * The feature a value goes to: its kept category, else "(other)"; a NULL
 * its "IS NULL"; -1 when the column has no such feature.
 */
static int
ValueSlot(const MlpInput *in, bool isnull, const char *text)
{
	int			slot;

	if (isnull)
		return in->has_null ? in->ncat + in->has_other : -1;
	slot = MlpCategorySlot(in, text);
	if (slot < 0 && in->has_other)
		slot = in->ncat;
	return slot;
}

/* Set the one-hot features of one value at x[0 .. width). */
void
MlpEncodeCategory(const MlpInput *in, bool isnull, const char *text, double *x)
{
	int			slot = ValueSlot(in, isnull, text);

	memset(x, 0, sizeof(double) * in->width);
	if (slot >= 0)
		x[slot] = 1.0;
}

/*
 * Expand a loaded matrix (codes of its own dictionaries in categorical
 * columns) into the encoded features plus the target, in a new matrix.
 */
void
MlpEncodeMatrix(const MlpEncoding *enc, const MlpColumns *cols,
				MlpCategories **cats, const MlpMatrix *raw, MlpMatrix *out)
{
	int64		n = raw->nrows;
	int			nf = enc->nfeatures;

	MlpCheckMemory(mul_size(mul_size(sizeof(double), (Size) nf + 1), (Size) Max(n, 1)),
				   "the encoded training data");
	out->nrows = n;
	out->cap = Max(n, 1);
	out->ncols = nf + 1;
	out->data = MemoryContextAllocExtended(CurrentMemoryContext,
										   sizeof(double) * (Size) out->ncols * (Size) out->cap,
										   MCXT_ALLOC_HUGE);
	/* huge pages before the first touch: one fault per 2 MB, not per 4 kB */
	MlpHugePageHint(out->data, sizeof(double) * (Size) out->ncols * (Size) out->cap);
	memset(out->data, 0, sizeof(double) * (Size) out->ncols * (Size) out->cap);
	for (int j = 0; j < enc->ninputs; j++)
	{
		const MlpInput *in = &enc->inputs[j];
		const double *src = MLP_COL(raw, j);

		CHECK_FOR_INTERRUPTS();
		if (MlpInputIsDate(in))
		{
			double		x[MLP_DATE_NPARTS];

			for (int64 i = 0; i < n; i++)
			{
				if ((i & 65535) == 0)
					CHECK_FOR_INTERRUPTS();
				MlpEncodeDate(in, src[i], x);
				for (int k = 0; k < in->width; k++)
					MLP_AT(out, i, in->first + k) = x[k];
			}
			continue;
		}
		if (!in->categorical)
		{
			memcpy(MLP_COL(out, in->first), src, sizeof(double) * n);
			continue;
		}
		{
			/* the raw codes' slots, found once by text */
			MlpCategories *c = cats[j];
			int		   *slot = palloc(sizeof(int) * Max(c->n, 1));
			int			null_slot = ValueSlot(in, true, NULL);

			for (int code = 0; code < c->n; code++)
			{
				if ((code & 1023) == 0)
					CHECK_FOR_INTERRUPTS();
				slot[code] = ValueSlot(in, false, c->text[code]);
			}
			for (int64 i = 0; i < n; i++)
			{
				int			code = (int) src[i];
				int			s = (code >= 0) ? slot[code] : null_slot;

				if (s >= 0)
					MLP_AT(out, i, in->first + s) = 1.0;
			}
			pfree(slot);
		}
	}
	memcpy(MLP_COL(out, nf), MLP_COL(raw, cols->p), sizeof(double) * n);
}
