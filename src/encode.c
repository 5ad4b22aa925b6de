/*
 * encode.c
 *	  Encodings of categorical features: one-hot (the default), ordinal,
 *	  target and hash; and the parts of dates.
 *
 * The kept categories of a column are its most frequent values in the
 * training rows (at most max_categories, by default MLP_MAX_CATEGORIES,
 * ties by value); a column with
 * more also gets an "(other)" feature, and one with NULLs in training an
 * "IS NULL" feature.  At scoring, a value not kept goes to "(other)" when
 * there is one, else to no feature at all (all zeros), as scikit-learn's
 * OneHotEncoder(handle_unknown='ignore') does.
 *
 * ordinal: one feature, the rank by text of the value among the kept
 *	 categories (all training values up to max_categories, default 1000,
 *	 most frequent first), -1 for any other value, NULL for NULL (imputed
 *	 like a number): OrdinalEncoder(handle_unknown='use_encoded_value',
 *	 unknown_value=-1, encoded_missing_value=nan).
 * target: one feature, the m-estimate of the target mean of the value's
 *	 training rows, (sum + m * mean) / (count + m), m = smoothing (default
 *	 10); NULL is a category of its own; any other value gets the training
 *	 mean.
 * hash: one-hot over buckets, FNV-1a 64 of the value's text modulo the
 *	 bucket count; only buckets some training value falls in are features
 *	 ("col#17"), a value in any other bucket gets all zeros; NULL gets
 *	 "col IS NULL" as with one-hot.
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/datetime.h"
#include "utils/memutils.h"

#include "encode.h"
#include "prep.h"
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

/* Set an input's kind and the flags that follow from it. */
void
MlpSetInputKind(MlpInput *in, uint8 kind)
{
	in->kind = kind;
	in->array = (kind == MLP_INPUT_ARRAY);
	in->textual = (kind == MLP_INPUT_CATEGORY || kind == MLP_INPUT_ORDINAL ||
				   kind == MLP_INPUT_TARGET || kind == MLP_INPUT_HASH);
	in->categorical = (kind == MLP_INPUT_CATEGORY || kind == MLP_INPUT_HASH);
}

/* The bucket of a value: FNV-1a 64 of its text, stable across platforms. */
int
MlpHashBucket(const char *text, int nbuckets)
{
	uint64		h = UINT64CONST(0xcbf29ce484222325);

	for (const unsigned char *c = (const unsigned char *) text; *c; c++)
	{
		h ^= *c;
		h *= UINT64CONST(0x100000001b3);
	}
	return (int) (h % (uint64) nbuckets);
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

static int
CompareText(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static int
CompareInt(const void *a, const void *b)
{
	return (*(const int *) a > *(const int *) b) - (*(const int *) a < *(const int *) b);
}

/* Hash encoding: the buckets the training values fall in. */
static void
FitHash(MlpInput *in, const MlpCategories *c, int nbuckets)
{
	bool	   *used = palloc0(sizeof(bool) * nbuckets);

	MlpSetInputKind(in, MLP_INPUT_HASH);
	in->nbuckets = nbuckets;
	for (int code = 0; code < c->n; code++)
		if (c->ntrain[code] > 0)
			used[MlpHashBucket(c->text[code], nbuckets)] = true;
	in->buckets = palloc(sizeof(int) * nbuckets);
	in->ncat = 0;
	for (int b = 0; b < nbuckets; b++)
		if (used[b])
			in->buckets[in->ncat++] = b;
	in->width = in->ncat + in->has_null;
	pfree(used);
}

/*
 * Target encoding: each kept category's m-estimate of the target mean over
 * its training rows; NULL's the same when it occurs, else the mean.
 */
static void
FitTarget(MlpInput *in, const MlpCategories *c, const double *codes, const double *y,
		  int64 n, const uint8 *is_test, double m)
{
	double	   *sum = palloc0(sizeof(double) * (c->n + 1));
	double	   *cnt = palloc0(sizeof(double) * (c->n + 1));
	double		total = 0;
	double		ntotal = 0;
	double		mean;

	for (int64 i = 0; i < n; i++)
	{
		int			code = (int) codes[i];

		if ((i & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
		if (is_test && is_test[i])
			continue;
		/* NULL (code -1) is counted in the last slot */
		sum[code >= 0 ? code : c->n] += y[i];
		cnt[code >= 0 ? code : c->n] += 1;
		total += y[i];
		ntotal += 1;
	}
	mean = total / Max(ntotal, 1);
	in->tvalue = palloc(sizeof(double) * Max(in->ncat, 1));
	for (int i = 0; i < in->ncat; i++)
	{
		int			code = MlpCategoryCode((MlpCategories *) c, in->cats[i], false);

		in->tvalue[i] = (sum[code] + m * mean) / (cnt[code] + m);
	}
	in->default_value = mean;
	in->null_value = in->has_null ? (sum[c->n] + m * mean) / (cnt[c->n] + m) : mean;
	pfree(sum);
	pfree(cnt);
}

/* The encoding of the loaded columns, from their training counts. */
MlpEncoding *
MlpFitEncoding(const MlpDataset *ds)
{
	const MlpColumns *cols = &ds->cols;
	MlpCategories **cats = ds->cats;
	const MlpMatrix *raw = &ds->m;
	const uint8 *is_test = ds->is_test;
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
		if (MlpIsArrayKind(cols->kind[j]))
		{
			MlpSetInputKind(in, MLP_INPUT_ARRAY);
			if (ds->arrays[j]->len < 0)
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("column \"%s\" is NULL in every row, so its arrays have no length",
								in->name),
						 errhint("Leave it out with exclude => ARRAY['%s'].", in->name)));
			in->width = ds->arrays[j]->len;
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
			uint8		method = cols->encode ? cols->encode[j] : MLP_ENCODE_ONEHOT;
			int			cap = cols->max_categories[j] > 0 ? cols->max_categories[j] :
				method == MLP_ENCODE_ONEHOT ? MLP_MAX_CATEGORIES : MLP_MAX_CATEGORIES_LIMIT;

			CHECK_FOR_INTERRUPTS();
			for (int code = 0; code < c->n; code++)
				if (c->ntrain[code] > 0)
				{
					cc[seen].text = c->text[code];
					cc[seen].n = c->ntrain[code];
					seen++;
				}
			qsort(cc, seen, sizeof(CatCount), CompareCatCount);
			in->has_null = (c->null_train > 0);
			if (method == MLP_ENCODE_HASH)
			{
				FitHash(in, c, (int) cols->encode_param[j]);
				nf += in->width;
				continue;
			}
			MlpSetInputKind(in, method == MLP_ENCODE_ORDINAL ? MLP_INPUT_ORDINAL :
							method == MLP_ENCODE_TARGET ? MLP_INPUT_TARGET :
							MLP_INPUT_CATEGORY);
			in->ncat = Min(seen, cap);
			in->cats = palloc(sizeof(char *) * Max(in->ncat, 1));
			for (int i = 0; i < in->ncat; i++)
				in->cats[i] = pstrdup(cc[i].text);
			in->has_other = (seen > in->ncat);
			if (method != MLP_ENCODE_ONEHOT)
			{
				/* one feature; the kept categories in text order (the ranks) */
				qsort(in->cats, in->ncat, sizeof(char *), CompareText);
				MlpIndexCategories(in);
				if (method == MLP_ENCODE_TARGET)
					FitTarget(in, c, MLP_COL(raw, j), MLP_COL(raw, cols->p), raw->nrows,
							  is_test, cols->encode_param[j]);
				in->width = 1;
				nf++;
				continue;
			}
			MlpIndexCategories(in);
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
		if (in->array)
		{
			for (int i = 0; i < in->width; i++)
			{
				enc->feature_types[k] = "array element";
				enc->features[k++] = psprintf("%s[%d]", in->name, i + 1);
			}
			continue;
		}
		if (!in->categorical)
		{
			enc->features[k] = in->name;
			enc->feature_types[k++] = in->kind == MLP_INPUT_ORDINAL ? "ordinal" :
				in->kind == MLP_INPUT_TARGET ? "target mean" : cols->types[j];
			continue;
		}
		for (int i = 0; in->kind == MLP_INPUT_HASH && i < in->ncat; i++)
		{
			enc->onehot[k] = true;
			enc->feature_types[k] = "hashed one-hot";
			enc->features[k++] = psprintf("%s#%d", in->name, in->buckets[i]);
		}
		for (int i = 0; in->kind == MLP_INPUT_CATEGORY && i < in->ncat; i++)
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
	if (in->kind == MLP_INPUT_HASH)
	{
		int			b = MlpHashBucket(text, in->nbuckets);
		int		   *hit = bsearch(&b, in->buckets, in->ncat, sizeof(int), CompareInt);

		return hit ? (int) (hit - in->buckets) : -1;
	}
	slot = MlpCategorySlot(in, text);
	if (slot < 0 && in->has_other)
		slot = in->ncat;
	return slot;
}

/*
 * Whether a non-NULL value is one the model knows: a kept category (hash:
 * in a kept bucket).  Any other goes to "(other)", to zeros, to -1 or to
 * the mean; these are the unseen values counted for drift monitoring.
 */
bool
MlpCategoryKnown(const MlpInput *in, const char *text)
{
	if (in->kind == MLP_INPUT_HASH)
		return ValueSlot(in, false, text) >= 0;
	return MlpCategorySlot(in, text) >= 0;
}

/*
 * Count the rows of each categorical input whose value the encoding does
 * not know, separately for training and test rows (is_test may be NULL).
 */
void
MlpCountUnseen(const MlpEncoding *enc, const MlpDataset *ds, int64 *train, int64 *test)
{
	for (int j = 0; j < enc->ninputs; j++)
	{
		const MlpInput *in = &enc->inputs[j];
		MlpCategories *c = ds->cats[j];
		const double *src = MLP_COL(&ds->m, j);
		bool	   *known;

		train[j] = test[j] = 0;
		if (!in->textual || c == NULL)
			continue;
		known = palloc(sizeof(bool) * Max(c->n, 1));
		for (int code = 0; code < c->n; code++)
		{
			if ((code & 1023) == 0)
				CHECK_FOR_INTERRUPTS();
			known[code] = MlpCategoryKnown(in, c->text[code]);
		}
		for (int64 i = 0; i < ds->m.nrows; i++)
		{
			int			code = (int) src[i];

			if (code >= 0 && !known[code])
			{
				if (ds->is_test && ds->is_test[i])
					test[j]++;
				else
					train[j]++;
			}
		}
		pfree(known);
	}
}

/*
 * The single feature of an ordinal or target encoded value: NaN for an
 * ordinal NULL (imputed afterwards).
 */
static double
ValueNumber(const MlpInput *in, bool isnull, const char *text)
{
	int			slot;

	if (in->kind == MLP_INPUT_ORDINAL)
		return isnull ? NAN : (double) MlpCategorySlot(in, text);
	if (isnull)
		return in->null_value;
	slot = MlpCategorySlot(in, text);
	return slot >= 0 ? in->tvalue[slot] : in->default_value;
}

/* Set the features of one categorical value at x[0 .. width). */
void
MlpEncodeCategory(const MlpInput *in, bool isnull, const char *text, double *x)
{
	int			slot;

	if (!in->categorical)
	{
		x[0] = ValueNumber(in, isnull, text);
		return;
	}
	slot = ValueSlot(in, isnull, text);
	memset(x, 0, sizeof(double) * in->width);
	if (slot >= 0)
		x[slot] = 1.0;
}

/*
 * Expand a loaded matrix (codes of its own dictionaries in categorical
 * columns) into the encoded features plus the target, in a new matrix.
 * With colmap (nfeatures + 1 entries) and group_col (one per one-hot
 * input), one-hot groups stay compact: one column of slot codes each (see
 * MlpPart), so a 1000-category column costs one column, not 1000.
 */
/*
 * The compact encoding of MlpEncodeMatrix, written over the loaded matrix
 * itself when every input is one column there (no date, no array): a
 * category's codes become its slots (one-hot, hash) or its values
 * (ordinal, target), numbers stay, and colmap and group_col point into
 * the loaded columns.  Saves a second matrix of the training rows.
 * Returns false, changing nothing, when an input needs columns of its own.
 */
bool
MlpEncodeInPlace(const MlpEncoding *enc, MlpDataset *ds, int *colmap, int *group_col)
{
	int			g = 0;
	int64		n = ds->m.nrows;

	for (int j = 0; j < enc->ninputs; j++)
		if (MlpInputIsDate(&enc->inputs[j]) || enc->inputs[j].array)
			return false;
	for (int j = 0; j < enc->ninputs; j++)
	{
		const MlpInput *in = &enc->inputs[j];
		MlpCategories *c = ds->cats[j];
		double	   *col = MLP_COL(&ds->m, j);
		double	   *map;
		double		null_value;

		CHECK_FOR_INTERRUPTS();
		if (!in->textual)
		{
			colmap[in->first] = j;
			continue;
		}
		/* each raw code's slot or value, found once by text */
		map = palloc(sizeof(double) * Max(c->n, 1));
		for (int code = 0; code < c->n; code++)
		{
			if ((code & 1023) == 0)
				CHECK_FOR_INTERRUPTS();
			map[code] = in->categorical ? (double) ValueSlot(in, false, c->text[code]) :
				ValueNumber(in, false, c->text[code]);
		}
		null_value = in->categorical ? (double) ValueSlot(in, true, NULL) :
			ValueNumber(in, true, NULL);
		for (int64 i = 0; i < n; i++)
		{
			int			code = (int) col[i];

			col[i] = (code >= 0) ? map[code] : null_value;
		}
		pfree(map);
		if (in->categorical)
		{
			for (int k = 0; k < in->width; k++)
				colmap[in->first + k] = -1;
			group_col[g++] = j;
		}
		else
			colmap[in->first] = j;
	}
	colmap[enc->nfeatures] = ds->cols.p;	/* the target */
	return true;
}

#define OUTCOL(f) (colmap ? colmap[f] : (f))

void
MlpEncodeMatrix(const MlpEncoding *enc, const MlpDataset *ds, MlpMatrix *out,
				int *colmap, int *group_col)
{
	const MlpColumns *cols = &ds->cols;
	MlpCategories **cats = ds->cats;
	const MlpMatrix *raw = &ds->m;
	int64		n = raw->nrows;
	int			nf = enc->nfeatures;

	int			ncols = nf + 1;
	int			g = 0;			/* the one-hot groups written so far */

	/* compact: the other features, a code column per one-hot group, the target */
	if (colmap)
	{
		int			c = 0;
		int			ng = 0;

		for (int f = 0; f < nf; f++)
			colmap[f] = enc->onehot[f] ? -1 : c++;
		for (int j = 0; j < enc->ninputs; j++)
			if (enc->inputs[j].categorical)
				group_col[ng++] = c++;
		colmap[nf] = c;
		ncols = c + 1;
	}
	MlpCheckMemory(mul_size(mul_size(sizeof(double), (Size) ncols), (Size) Max(n, 1)),
				   "the encoded training data");
	out->nrows = n;
	out->cap = Max(n, 1);
	out->ncols = ncols;
	out->data = MemoryContextAllocExtended(CurrentMemoryContext,
										   sizeof(double) * (Size) out->ncols * (Size) out->cap,
										   MCXT_ALLOC_HUGE);
	/* huge pages before the first touch: one fault per 2 MB, not per 4 kB */
	MlpHugePageHint(out->data, sizeof(double) * (Size) out->ncols * (Size) out->cap);
	/* compact: every column is written in full below */
	if (colmap == NULL)
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
					MLP_AT(out, i, OUTCOL(in->first + k)) = x[k];
			}
			continue;
		}
		if (in->array)
		{
			/* row-major elements into their columns; NaN stays NaN */
			const MlpArrayBuf *b = ds->arrays[j];

			for (int k = 0; k < in->width; k++)
			{
				double	   *dst = MLP_COL(out, OUTCOL(in->first + k));

				CHECK_FOR_INTERRUPTS();
				if (b->len < 0)
				{
					/* every array was NULL */
					for (int64 i = 0; i < n; i++)
						dst[i] = NAN;
					continue;
				}
				if (b->len != in->width)
					ereport(ERROR,
							(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
							 errmsg("column \"%s\" holds arrays of %d elements, but the model has %d",
									in->name, b->len, in->width)));
				for (int64 i = 0; i < n; i++)
					dst[i] = b->data[(Size) i * b->len + k];
			}
			continue;
		}
		if (!in->textual)
		{
			memcpy(MLP_COL(out, OUTCOL(in->first)), src, sizeof(double) * n);
			continue;
		}
		if (!in->categorical)
		{
			/* ordinal, target: each raw code's value, found once by text */
			MlpCategories *c = cats[j];
			double	   *value = palloc(sizeof(double) * Max(c->n, 1));
			double		null_value = ValueNumber(in, true, NULL);
			double	   *dst = MLP_COL(out, OUTCOL(in->first));

			for (int code = 0; code < c->n; code++)
			{
				if ((code & 1023) == 0)
					CHECK_FOR_INTERRUPTS();
				value[code] = ValueNumber(in, false, c->text[code]);
			}
			for (int64 i = 0; i < n; i++)
			{
				int			code = (int) src[i];

				dst[i] = (code >= 0) ? value[code] : null_value;
			}
			pfree(value);
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
			if (colmap)
			{
				/* the slot itself, or -1: no feature of the group */
				double	   *dst = MLP_COL(out, group_col[g]);

				for (int64 i = 0; i < n; i++)
				{
					int			code = (int) src[i];

					dst[i] = (code >= 0) ? slot[code] : null_slot;
				}
			}
			else
				for (int64 i = 0; i < n; i++)
				{
					int			code = (int) src[i];
					int			s = (code >= 0) ? slot[code] : null_slot;

					if (s >= 0)
						MLP_AT(out, i, in->first + s) = 1.0;
				}
			g++;
			pfree(slot);
		}
	}
	memcpy(MLP_COL(out, OUTCOL(nf)), MLP_COL(raw, cols->p), sizeof(double) * n);
}

#undef OUTCOL
