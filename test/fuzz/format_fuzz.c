/*
 * format_fuzz.c
 *	  Deterministic fuzzer for the mlpipe model format reader (src/format.c).
 *
 * Links src/format.c alone.  Builds a corpus of valid models with the
 * writer -- a plain one, ones whose feature section carries the optional
 * blocks model.c writes (preprocessing 'P', products 'M', encoding 'C',
 * transforms 'T', selected features 'S') in several combinations, and
 * classifiers whose target section ends with the class labels ('K'):
 * naive_bayes (numeric, and with one-hot groups and their log
 * probabilities: one group and several, at the start and the end, of
 * width 1, one of every feature), logistic_regression (two classes with
 * one weight vector, more with one per class) and linear_svm (the same,
 * Platt-calibrated and not) -- then feeds mlp_model_parse a large number
 * of damaged variants: bit flips and truncations (every pair of bit flips
 * of the plain model), random corruption, garbage extensions, structural
 * edits made behind a recomputed CRC-32C (so the section checks are
 * reached), every algorithm id and task, every byte and count of the
 * optional blocks, the class labels and the classifiers' payloads set to
 * awkward values (the class and feature counts, linear_svm's calibration
 * flag and every coefficient of the two linear classifiers also to values
 * whose verdict is known, and so naive_bayes's every value, its payload
 * cut and appended to, its group count and every group's bounds), blocks
 * cut, removed, repeated and swapped, random naive_bayes payloads (a third
 * with groups) in a valid model, random models made by the writer, and
 * fully random buffers.  Every input is copied into an exactly-sized
 * malloc'd buffer, and every section of an accepted one into its own, so
 * that AddressSanitizer reports any overread; every accepted
 * model is walked through the cursor API with the checks src/model.c and
 * the payload readers of src/algo/ (linear.c, naive_bayes.c, logistic.c,
 * linear_svm.c) make, in their order and with their messages: every input
 * kind of the encoding block (numeric, one-hot, date parts, ordinal,
 * target, hash, array), every transform (log1p, clip, bucketize with its
 * edges), the class labels against the task and the estimator's class
 * count included.  naive_bayes's payload is also read a second way, from
 * byte offsets (NbPayloadVerdict), and the two readings must agree.
 * Broken seeds, one rule each, check that the walk says what model.c says.
 *
 *	  format_fuzz [ITERATIONS [SEED]]	(defaults 200000 and 0x6d6c7069706531)
 *
 * Prints counts and exits 0, or prints the failing case and exits 1.
 * Built with -DMLPIPE_LIBFUZZER it instead exports LLVMFuzzerTestOneInput:
 *
 *	  clang -fsanitize=fuzzer,address,undefined -DMLPIPE_LIBFUZZER -Isrc \
 *		  src/format.c test/fuzz/format_fuzz.c -o format_libfuzzer
 */
#include "format.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ITERATIONS	200000
#define DEFAULT_SEED		UINT64_C(0x6d6c7069706531)
#define WORK_CAP			4096	/* largest mutated input */
#define MAX_REASONS			48
#define MAX_FIELDS			256

/* the feature section's optional blocks, in model.c's order, by first byte */
#define PREP_MARKER			0x50	/* 'P': NULL handling, centre, scale */
#define POLY_MARKER			0x4D	/* 'M': products of base features */
#define ENC_MARKER			0x43	/* 'C': input columns and their features */
#define TRANSFORM_MARKER	0x54	/* 'T': log1p, clip or bucketize per feature */
#define SELECT_MARKER		0x53	/* 'S': the features the estimator sees */

/* model.c's limits and codes (poly.h, prep.h, encode.h) */
#define MAX_FEATURE_COUNT	100000
#define MAX_DEGREE			3	/* factors of a product */
#define PREP_ERROR			0	/* impute: 0 error, 1 fill, 2 dropped */
#define PREP_FILL			1
#define PREP_DROP			2
#define TRANSFORM_LOG1P		1	/* transform: 0 none, 1 log1p, 2 clip, */
#define TRANSFORM_CLIP		2	/* 3 bucketize */
#define TRANSFORM_BUCKETIZE	3
#define BUCKETIZE_MAX_BINS	1000	/* edges: 2 .. bins + 1 */
#define INPUT_NUMERIC		0	/* input kinds */
#define INPUT_CATEGORY		1
#define INPUT_DATE			2	/* 2 .. 4: date, timestamp, timestamptz */
#define INPUT_TIMESTAMPTZ	4
#define INPUT_ORDINAL		5	/* a category's rank by text */
#define INPUT_TARGET		6	/* a category's target value */
#define INPUT_HASH			7	/* one-hot over hash buckets */
#define INPUT_ARRAY			8	/* a feature per element */
#define INPUT_KIND_MAX		INPUT_ARRAY
#define IS_DATE(kind)		((kind) >= INPUT_DATE && (kind) <= INPUT_TIMESTAMPTZ)
#define MAX_CATEGORIES_LIMIT 1000	/* ordinal and target categories */
#define HASH_MAX_BUCKETS	1000
#define MAX_ARRAY_LENGTH	4000
#define DATE_PARTS_ALL		0x3F
#define DATE_NPARTS			6

/* the target section's class labels, and the algorithms (estimator.c) */
#define CLASSES_MARKER		0x4B	/* 'K': a classifier's labels */
#define MAX_CLASSES			1000	/* labels: 2 .. 1000, distinct */
#define ALGO_LINEAR_FIRST	1	/* linear_regression, ridge, lasso, */
#define ALGO_LINEAR_LAST	4	/* elastic_net: task 1, linear payload */
#define ALGO_NAIVE_BAYES	5	/* task 2, NbDeserialize's payload */
#define ALGO_LOGISTIC		6	/* task 2, LogDeserialize's payload */
#define ALGO_LINEAR_SVM		7	/* task 2, SvmDeserialize's payload */
#define TASK_REGRESSION		1
#define TASK_CLASSIFICATION	2
#define NB_MAX_CLASSES		1000
#define LC_MAX_CLASSES		1000	/* logistic_regression and linear_svm */

/* what a case must do */
typedef enum Expect
{
	EXPECT_ANY,					/* anything but a crash or a broken invariant */
	EXPECT_REJECT,
	EXPECT_PARSE,				/* parse must accept; the walk may refuse */
	EXPECT_ACCEPT				/* parse and the model.c walk must accept */
} Expect;

/* one error message and how often it was seen */
typedef struct ReasonCount
{
	const char *msg;
	unsigned long count;
} ReasonCount;

/* what the walk found in an accepted model */
typedef struct WalkInfo
{
	uint32_t	nf;				/* features */
	uint32_t	nbase;			/* features before the products */
	uint32_t	nterms;			/* products: 0 without an 'M' block */
	uint32_t	ninputs;		/* input columns: 0 without a 'C' block */
	uint32_t	nselected;		/* 0 without an 'S' block */
	uint32_t	kinds;			/* input kinds seen, a bit each */
	uint32_t	nbucketized;	/* bucketized features, edges walked */
	uint32_t	nclasses;		/* class labels: 0 without a 'K' block */
	uint32_t	algorithm;		/* the header's algorithm id */
	bool		prep;			/* a 'P' block */
	bool		transform;		/* a 'T' block */
} WalkInfo;

/* the feature section as far as the walk has read it, as model.c keeps it */
typedef struct FeatWalk
{
	MlpCursor	c;
	WalkInfo	info;
	const char **name;			/* per feature, not NUL-terminated */
	uint32_t   *name_len;
	uint8_t    *impute;			/* per feature, with a 'P' block */
	double	   *center;
	double	   *scale;
	uint8_t    *degree;			/* per product */
	uint32_t   *factor;			/* per product, MAX_DEGREE slots */
	uint8_t    *input_kind;		/* per base feature, with a 'C' block */
	const char **cat;			/* one input's categories, scratch */
	uint32_t   *cat_len;
} FeatWalk;

static const char *const date_part_names[DATE_NPARTS] =
{"year", "month", "day", "dow", "hour", "epoch"};

static uint64_t rng_state;
static uint64_t seed;
static unsigned long cur_iteration;
static const char *cur_phase = "setup";
static const char *cur_model = "-";
static size_t cur_a;
static size_t cur_b;
static const uint8_t *cur_data;
static size_t cur_len;
static WalkInfo last_walk;		/* of the last case the walk accepted */
static const char *last_why;	/* why the walk refused the last case, or NULL */

static ReasonCount parse_reasons[MAX_REASONS];
static ReasonCount walk_reasons[MAX_REASONS];
static unsigned long n_cases;
static unsigned long n_accepted;
static unsigned long n_rejected;
static unsigned long n_walk_ok;
static unsigned long n_cursor_ops;
static volatile unsigned long sink;	/* keeps string reads alive */

/* Print the case being checked and stop: the whole point of the program. */
static void
Fail(const char *fmt,...)
{
	va_list		ap;

	fprintf(stderr, "FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n  case: model=%s phase=%s iteration=%lu a=%zu b=%zu seed=0x%" PRIx64 "\n",
			cur_model, cur_phase, cur_iteration, cur_a, cur_b, seed);
	if (cur_data != NULL)
	{
		fprintf(stderr, "  input (%zu bytes):", cur_len);
		for (size_t i = 0; i < cur_len; i++)
			fprintf(stderr, "%s%02x", (i % 32) ? " " : "\n    ", cur_data[i]);
		fprintf(stderr, "\n");
	}
#ifdef MLPIPE_LIBFUZZER
	abort();
#else
	exit(1);
#endif
}


/* Name the cases that follow, for the failure report. */
static void
SetPhase(const char *phase)
{
	cur_phase = phase;
	cur_a = 0;
	cur_b = 0;
}

/* xorshift64*: tiny, deterministic, good enough to pick mutations. */
static uint64_t
Rand(void)
{
	uint64_t	x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * UINT64_C(0x2545F4914F6CDD1D);
}

/* A uniform-enough value in [0, n); n must be positive. */
static size_t
RandBelow(size_t n)
{
	return (size_t) (Rand() % n);
}

/* CRC-32C by a byte table of the harness's own, independent of format.c's. */
static uint32_t
TableCrc32c(const uint8_t *p, size_t len)
{
	static uint32_t table[256];
	static bool ready = false;
	uint32_t	crc = 0xFFFFFFFFu;

	if (!ready)
	{
		for (uint32_t b = 0; b < 256; b++)
		{
			uint32_t	r = b;

			for (int k = 0; k < 8; k++)
				r = (r & 1) ? (r >> 1) ^ 0x82F63B78u : r >> 1;
			table[b] = r;
		}
		ready = true;
	}
	for (size_t i = 0; i < len; i++)
		crc = (crc >> 8) ^ table[(crc ^ p[i]) & 0xFF];
	return ~crc;
}

/* Store v little-endian; the harness edits fields the way the format has them. */
static void
PutLE(uint8_t *p, int width, uint32_t v)
{
	for (int i = 0; i < width; i++)
		p[i] = (uint8_t) (v >> (8 * i));
}

/* Read a little-endian field of the harness's own (mutable) copy. */
static uint32_t
GetLE(const uint8_t *p, int width)
{
	uint32_t	v = 0;

	for (int i = width - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/*
 * Make a mutated buffer pass the length and checksum tests, so that the
 * structural checks behind them are what decides.  fix_total false leaves
 * the header's total length as the mutation set it.
 */
static void
FixUp(uint8_t *buf, size_t len, bool fix_total)
{
	if (len < MLP_HEADER_SIZE + MLP_TRAILER_SIZE)
		return;
	if (fix_total)
		PutLE(buf + 12, 4, (uint32_t) len);
	PutLE(buf + len - 4, 4, mlp_crc32c(0, buf, len - 4));
}

/* Count msg in a reason table (messages are static strings). */
static void
CountReason(ReasonCount *tab, const char *msg)
{
	for (int i = 0; i < MAX_REASONS; i++)
	{
		if (tab[i].msg == NULL)
		{
			tab[i].msg = msg;
			tab[i].count = 1;
			return;
		}
		if (strcmp(tab[i].msg, msg) == 0)
		{
			tab[i].count++;
			return;
		}
	}
	tab[MAX_REASONS - 1].count++;	/* absurdly many messages: lump them */
}

/* Cheap hash of an input, to seed the cursor stress walk reproducibly. */
static uint64_t
HashBytes(const uint8_t *p, size_t len)
{
	uint64_t	h = UINT64_C(0xcbf29ce484222325) ^ len;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * UINT64_C(0x100000001b3);
	return h ? h : 1;
}

/* Read every byte of a returned string, so ASan sees it all. */
static void
TouchString(const char *s, uint32_t n)
{
	unsigned long acc = 0;

	for (uint32_t i = 0; i < n; i++)
	{
		if (s[i] == '\0')
			Fail("mlp_get_str returned a string containing a NUL byte");
		acc += (unsigned char) s[i];
	}
	sink += acc;
}

/* calloc that never returns NULL, for the walk's per-feature arrays. */
static void *
XAlloc(size_t n, size_t size)
{
	void	   *p = calloc(n > 0 ? n : 1, size);

	if (p == NULL)
	{
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	return p;
}

/* One length-counted string, as model.c's CopyStr reads it. */
static bool
WalkStr(MlpCursor *c, const char **why)
{
	const char *s;
	uint32_t	n;

	if (!mlp_get_str(c, &s, &n))
	{
		*why = "a name is truncated";
		return false;
	}
	TouchString(s, n);
	return true;
}

/* Match the piece p[0..len) at *pos of the name s[0..n), moving *pos on. */
static bool
MatchPiece(const char *s, uint32_t n, size_t *pos, const char *p, size_t len)
{
	if (len > n - *pos || memcmp(s + *pos, p, len) != 0)
		return false;
	*pos += len;
	return true;
}

/* Is product t's feature named as MlpPolyName names it ("a^2*b")? */
static bool
PolyNameMatches(const FeatWalk *fw, uint32_t t)
{
	uint32_t	target = fw->info.nbase + t;
	const char *s = fw->name[target];
	uint32_t	n = fw->name_len[target];
	const uint32_t *f = fw->factor + (size_t) t * MAX_DEGREE;
	int			d = fw->degree[t];
	size_t		pos = 0;

	for (int k = 0; k < d;)
	{
		int			run = 1;

		while (k + run < d && f[k + run] == f[k])
			run++;
		if ((k > 0 && !MatchPiece(s, n, &pos, "*", 1)) ||
			!MatchPiece(s, n, &pos, fw->name[f[k]], fw->name_len[f[k]]))
			return false;
		if (run > 1)
		{
			char		power[16];
			int			plen = snprintf(power, sizeof(power), "^%d", run);

			if (!MatchPiece(s, n, &pos, power, (size_t) plen))
				return false;
		}
		k += run;
	}
	return pos == n;
}

/* Is feature j named "input:part", as encode.c names a date's parts? */
static bool
DatePartNameMatches(const FeatWalk *fw, uint32_t j, const char *input,
					uint32_t input_len, int part)
{
	const char *s = fw->name[j];
	uint32_t	n = fw->name_len[j];
	size_t		pos = 0;

	return MatchPiece(s, n, &pos, input, input_len) &&
		MatchPiece(s, n, &pos, ":", 1) &&
		MatchPiece(s, n, &pos, date_part_names[part],
				   strlen(date_part_names[part])) &&
		pos == n;
}

/* model.c's ReadPrep: 'P', then impute, fill, centre, scale per feature. */
static const char *
WalkPrep(FeatWalk *fw)
{
	MlpCursor  *c = &fw->c;
	uint32_t	nf = fw->info.nf;
	uint8_t		marker;
	double		fill;

	if (!mlp_get_u8(c, &marker) || marker != PREP_MARKER ||
		c->len - c->pos < (size_t) nf * 25)
		return "feature section has a bad preprocessing block";
	fw->info.prep = true;
	fw->impute = XAlloc(nf, sizeof(uint8_t));
	fw->center = XAlloc(nf, sizeof(double));
	fw->scale = XAlloc(nf, sizeof(double));
	for (uint32_t j = 0; j < nf; j++)
	{
		if (!mlp_get_u8(c, &fw->impute[j]) || !mlp_get_f64(c, &fill) ||
			!mlp_get_f64(c, &fw->center[j]) || !mlp_get_f64(c, &fw->scale[j]))
			Fail("preprocessing block read past its checked length");
		if (fw->impute[j] > PREP_DROP || !isfinite(fw->center[j]) ||
			!isfinite(fw->scale[j]) || !(fw->scale[j] > 0) ||
			(fw->impute[j] == PREP_FILL && !isfinite(fill)))
			return "feature section has invalid preprocessing values";
	}
	return NULL;
}

/*
 * model.c's ReadPoly: 'M', u32 nt (1 .. nf - 1), then per product u8 degree
 * (2 or 3) and that many non-decreasing u32 factors below nbase = nf - nt;
 * product t is feature nbase + t, named after its factors, never imputed.
 */
static const char *
WalkPoly(FeatWalk *fw)
{
	MlpCursor  *c = &fw->c;
	uint32_t	nf = fw->info.nf;
	uint32_t	nbase;
	uint8_t		marker;
	uint32_t	nt;

	if (!mlp_get_u8(c, &marker) || marker != POLY_MARKER ||
		!mlp_get_u32(c, &nt) || nt == 0 || nt >= nf ||
		c->len - c->pos < (size_t) nt * 9)
		return "feature section has a bad block of products";
	nbase = nf - nt;
	fw->info.nterms = nt;
	fw->info.nbase = nbase;
	fw->degree = XAlloc(nt, sizeof(uint8_t));
	fw->factor = XAlloc((size_t) nt * MAX_DEGREE, sizeof(uint32_t));
	for (uint32_t t = 0; t < nt; t++)
	{
		uint32_t   *f = fw->factor + (size_t) t * MAX_DEGREE;
		uint8_t		d;

		if (!mlp_get_u8(c, &d) || d < 2 || d > MAX_DEGREE)
			return "feature section has a bad block of products";
		fw->degree[t] = d;
		for (int k = 0; k < d; k++)
		{
			if (!mlp_get_u32(c, &f[k]) || f[k] >= nbase ||
				(k > 0 && f[k] < f[k - 1]))
				return "feature section has a bad block of products";
		}
		if (!PolyNameMatches(fw, t) ||
			(fw->impute != NULL && fw->impute[nbase + t] != PREP_ERROR))
			return "block of products does not match the features";
	}
	return NULL;
}

/* strcmp's order of two NUL-free strings (what CopyStr gives model.c). */
static int
CompareText(const char *a, uint32_t alen, const char *b, uint32_t blen)
{
	int			r = memcmp(a, b, alen < blen ? alen : blen);

	if (r != 0)
		return r;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* Is feature j named "input[index]", as encode.c names an array's elements? */
static bool
ArrayNameMatches(const FeatWalk *fw, uint32_t j, const char *input,
				 uint32_t input_len, uint32_t index)
{
	const char *s = fw->name[j];
	uint32_t	n = fw->name_len[j];
	size_t		pos = 0;
	char		num[16];
	int			nlen = snprintf(num, sizeof(num), "[%u]", index);

	return MatchPiece(s, n, &pos, input, input_len) &&
		MatchPiece(s, n, &pos, num, (size_t) nlen) &&
		pos == n;
}

/*
 * model.c's ReadHashInput: u32 buckets (2 .. 1000), u32 kept (<= buckets),
 * the kept bucket ids strictly ascending below the count, u8 has NULL; the
 * width (kept + NULL) is not 0.
 */
static const char *
WalkHashInput(MlpCursor *c, uint32_t *width)
{
	uint32_t	nb;
	uint32_t	nk;
	uint32_t	prev = 0;
	uint8_t		isnull;

	if (!mlp_get_u32(c, &nb) || nb < 2 || nb > HASH_MAX_BUCKETS ||
		!mlp_get_u32(c, &nk) || nk > nb)
		return "feature section has a bad encoding block";
	for (uint32_t k = 0; k < nk; k++)
	{
		uint32_t	b;

		if (!mlp_get_u32(c, &b) || b >= nb || (k > 0 && b <= prev))
			return "feature section has a bad encoding block";
		prev = b;
	}
	if (!mlp_get_u8(c, &isnull) || isnull > 1)
		return "feature section has a bad encoding block";
	*width = nk + isnull;
	if (*width == 0)
		return "feature section has a bad encoding block";
	return NULL;
}

/*
 * model.c's ReadRankedInput: u32 categories (1 .. 1000, their minimal
 * size there), each category's text in strictly ascending strcmp order and,
 * for a target input, its finite f64 value after it; a target input then
 * adds u8 has NULL, finite f64 NULL value and finite f64 default value.
 */
static const char *
WalkRankedInput(MlpCursor *c, bool target)
{
	uint32_t	ncat;
	const char *prev = NULL;
	uint32_t	prev_len = 0;

	if (!mlp_get_u32(c, &ncat) || ncat == 0 || ncat > MAX_CATEGORIES_LIMIT ||
		c->len - c->pos < (size_t) ncat * (target ? 12 : 4))
		return "feature section has a bad encoding block";
	for (uint32_t k = 0; k < ncat; k++)
	{
		const char *cat;
		uint32_t	cat_len;
		double		value;

		if (!mlp_get_str(c, &cat, &cat_len))
			return "a name is truncated";
		TouchString(cat, cat_len);
		if ((k > 0 && CompareText(prev, prev_len, cat, cat_len) >= 0) ||
			(target && (!mlp_get_f64(c, &value) || !isfinite(value))))
			return "feature section has a bad encoding block";
		prev = cat;
		prev_len = cat_len;
	}
	if (target)
	{
		uint8_t		isnull;
		double		null_value;
		double		default_value;

		if (!mlp_get_u8(c, &isnull) || isnull > 1 ||
			!mlp_get_f64(c, &null_value) || !isfinite(null_value) ||
			!mlp_get_f64(c, &default_value) || !isfinite(default_value))
			return "feature section has a bad encoding block";
	}
	return NULL;
}

/*
 * model.c's ReadEncoding: 'C', u32 ni (1 .. nbase), then the input columns,
 * whose widths must add up to nbase: a numeric, ordinal or target input is
 * one feature named like it; a one-hot or hash input's features have no
 * NULL handling, centre 0 and scale 1; an array's elements and a date's
 * parts are named after it and share its NULL handling; the products'
 * factors are numeric inputs' features.  The fields each kind adds come in
 * model.c's order: an array's length, a hash input's buckets, an ordinal or
 * target input's categories, a date's parts, a one-hot input's categories.
 */
static const char *
WalkEncoding(FeatWalk *fw)
{
	MlpCursor  *c = &fw->c;
	uint32_t	nbase = fw->info.nbase;
	uint32_t	first = 0;
	uint8_t		marker;
	uint32_t	ni;
	const char *why;

	if (!mlp_get_u8(c, &marker) || marker != ENC_MARKER ||
		!mlp_get_u32(c, &ni) || ni == 0 || ni > nbase)
		return "feature section has a bad encoding block";
	fw->info.ninputs = ni;
	fw->input_kind = XAlloc(nbase, sizeof(uint8_t));
	fw->cat = XAlloc(nbase, sizeof(const char *));
	fw->cat_len = XAlloc(nbase, sizeof(uint32_t));
	for (uint32_t i = 0; i < ni; i++)
	{
		const char *name;
		uint32_t	name_len;
		uint8_t		kind;
		uint8_t		parts = 0;
		uint32_t	width = 1;

		if (!mlp_get_str(c, &name, &name_len))
			return "a name is truncated";
		TouchString(name, name_len);
		if (!mlp_get_u8(c, &kind) || kind > INPUT_KIND_MAX)
			return "feature section has a bad encoding block";
		if (kind == INPUT_ARRAY)
		{
			if (!mlp_get_u32(c, &width) || width == 0 || width > MAX_ARRAY_LENGTH)
				return "feature section has a bad encoding block";
		}
		if (kind == INPUT_HASH)
		{
			if ((why = WalkHashInput(c, &width)) != NULL)
				return why;
		}
		else if (kind == INPUT_ORDINAL || kind == INPUT_TARGET)
		{
			if ((why = WalkRankedInput(c, kind == INPUT_TARGET)) != NULL)
				return why;
		}
		if (IS_DATE(kind))
		{
			if (!mlp_get_u8(c, &parts) || parts == 0 ||
				(parts & ~DATE_PARTS_ALL) != 0)
				return "feature section has a bad encoding block";
			width = 0;
			for (int b = 0; b < DATE_NPARTS; b++)
				width += (parts >> b) & 1;
		}
		if (kind == INPUT_CATEGORY)
		{
			uint32_t	ncat;
			uint8_t		other;
			uint8_t		isnull;

			if (!mlp_get_u32(c, &ncat) || ncat > nbase)
				return "feature section has a bad encoding block";
			for (uint32_t k = 0; k < ncat; k++)
			{
				if (!mlp_get_str(c, &fw->cat[k], &fw->cat_len[k]))
					return "a name is truncated";
				TouchString(fw->cat[k], fw->cat_len[k]);
			}
			if (!mlp_get_u8(c, &other) || !mlp_get_u8(c, &isnull) ||
				other > 1 || isnull > 1)
				return "feature section has a bad encoding block";
			width = ncat + other + isnull;
			if (width == 0)
				return "feature section has a bad encoding block";
			/* kept categories are distinct */
			for (uint32_t a = 0; a < ncat; a++)
				for (uint32_t b = a + 1; b < ncat; b++)
					if (fw->cat_len[a] == fw->cat_len[b] &&
						memcmp(fw->cat[a], fw->cat[b], fw->cat_len[a]) == 0)
						return "feature section has a bad encoding block";
		}
		if (width > nbase - first)
			return "encoding does not match the features";
		if ((kind == INPUT_NUMERIC || kind == INPUT_ORDINAL || kind == INPUT_TARGET) &&
			(name_len != fw->name_len[first] ||
			 memcmp(name, fw->name[first], name_len) != 0))
			return "encoding does not match the features";
		/* an array's elements are named after it and share its NULL handling */
		for (uint32_t k = 0; kind == INPUT_ARRAY && k < width; k++)
			if (!ArrayNameMatches(fw, first + k, name, name_len, k + 1) ||
				(fw->impute != NULL && fw->impute[first + k] != fw->impute[first]))
				return "encoding does not match the features";
		if (IS_DATE(kind))
		{
			uint32_t	k = first;

			/* a date's parts are named after it and share its NULL handling */
			for (int part = 0; part < DATE_NPARTS; part++)
			{
				if (!(parts & (1 << part)))
					continue;
				if (!DatePartNameMatches(fw, k, name, name_len, part) ||
					(fw->impute != NULL && fw->impute[k] != fw->impute[first]))
					return "encoding does not match the features";
				k++;
			}
		}
		/* one-hot features (categorical and hash inputs) are 0 or 1 */
		if ((kind == INPUT_CATEGORY || kind == INPUT_HASH) && fw->impute != NULL)
		{
			for (uint32_t k = first; k < first + width; k++)
				if (fw->impute[k] != PREP_ERROR || fw->center[k] != 0 ||
					fw->scale[k] != 1)
					return "encoding does not match the preprocessing";
		}
		for (uint32_t k = 0; k < width; k++)
			fw->input_kind[first + k] = kind;
		fw->info.kinds |= UINT32_C(1) << kind;
		first += width;
	}
	if (first != nbase)
		return "encoding does not match the features";
	for (uint32_t t = 0; t < fw->info.nterms; t++)
		for (int k = 0; k < fw->degree[t]; k++)
			if (fw->input_kind[fw->factor[(size_t) t * MAX_DEGREE + k]] != INPUT_NUMERIC)
				return "block of products does not match the encoding";
	return NULL;
}

/*
 * model.c's ReadEdges: a bucketized feature's u32 edge count (2 .. bins +
 * 1, all there) and its f64 edges, finite and strictly ascending.
 */
static const char *
WalkEdges(MlpCursor *c)
{
	uint32_t	ne;
	double		prev = 0;

	if (!mlp_get_u32(c, &ne) || ne < 2 || ne > BUCKETIZE_MAX_BINS + 1 ||
		c->len - c->pos < (size_t) ne * 8)
		return "feature section has a bad transform block";
	for (uint32_t e = 0; e < ne; e++)
	{
		double		edge;

		if (!mlp_get_f64(c, &edge))
			Fail("bucketize edges read past their checked length");
		if (!isfinite(edge) || (e > 0 && !(edge > prev)))
			return "feature section has invalid transform values";
		prev = edge;
	}
	return NULL;
}

/*
 * model.c's ReadTransforms: 'T' after a 'P' block, then u8 transform, f64
 * lo, f64 hi per feature, a bucketized one's edges after them; none on a
 * product, and only on numeric and array inputs' features.  The block's
 * length is checked for the triples alone, so a read may fail only once
 * edges have been read.
 */
static const char *
WalkTransforms(FeatWalk *fw)
{
	MlpCursor  *c = &fw->c;
	uint32_t	nf = fw->info.nf;
	uint32_t	nbase = fw->info.nbase;
	uint8_t		marker;
	const char *why;

	if (fw->impute == NULL || !mlp_get_u8(c, &marker) ||
		marker != TRANSFORM_MARKER || c->len - c->pos < (size_t) nf * 17)
		return "feature section has a bad transform block";
	fw->info.transform = true;
	for (uint32_t j = 0; j < nf; j++)
	{
		uint8_t		kind;
		double		lo;
		double		hi;

		if (!mlp_get_u8(c, &kind) || !mlp_get_f64(c, &lo) || !mlp_get_f64(c, &hi))
		{
			if (fw->info.nbucketized == 0)
				Fail("transform block read past its checked length");
			return "feature section has a bad transform block";
		}
		if (kind == TRANSFORM_BUCKETIZE)
		{
			if ((why = WalkEdges(c)) != NULL)
				return why;
			fw->info.nbucketized++;
		}
		if (kind > TRANSFORM_BUCKETIZE ||
			(kind == TRANSFORM_CLIP && !(isfinite(lo) && isfinite(hi) && lo < hi)) ||
			(kind != 0 && fw->info.nterms > 0 && j >= nbase) ||
			(kind != 0 && fw->input_kind != NULL && j < nbase &&
			 fw->input_kind[j] != INPUT_NUMERIC && fw->input_kind[j] != INPUT_ARRAY))
			return "feature section has invalid transform values";
	}
	return NULL;
}

/* model.c's ReadSelected: 'S', u32 k (1 .. nf - 1), k ascending indexes < nf. */
static const char *
WalkSelected(FeatWalk *fw)
{
	MlpCursor  *c = &fw->c;
	uint32_t	nf = fw->info.nf;
	uint8_t		marker;
	uint32_t	k;
	uint32_t	prev = 0;

	if (!mlp_get_u8(c, &marker) || marker != SELECT_MARKER ||
		!mlp_get_u32(c, &k) || k == 0 || k >= nf ||
		c->len - c->pos < (size_t) k * 4)
		return "feature section has a bad block of selected features";
	for (uint32_t i = 0; i < k; i++)
	{
		uint32_t	j;

		if (!mlp_get_u32(c, &j))
			Fail("selection block read past its checked length");
		if (j >= nf || (i > 0 && j <= prev))
			return "feature section has a bad block of selected features";
		prev = j;
	}
	fw->info.nselected = k;
	return NULL;
}

/* Is the next byte of the feature section the marker of an optional block? */
static bool
NextIs(const MlpCursor *c, uint8_t marker)
{
	return !mlp_cursor_done(c) && c->p[c->pos] == marker;
}

/*
 * The feature section as MlpModelDeserialize reads it: the count, a name
 * and a type per feature, then the optional blocks in their order.
 */
static const char *
WalkFeatures(FeatWalk *fw)
{
	MlpCursor  *c = &fw->c;
	const char *why = NULL;
	const char *type;
	uint32_t	type_len;
	uint32_t	nf;

	if (!mlp_get_u32(c, &nf) || nf == 0 || nf > MAX_FEATURE_COUNT ||
		(size_t) nf * 8 > c->len - c->pos)
		return "bad feature count";
	fw->info.nf = nf;
	fw->info.nbase = nf;
	fw->name = XAlloc(nf, sizeof(const char *));
	fw->name_len = XAlloc(nf, sizeof(uint32_t));
	for (uint32_t j = 0; j < nf; j++)
	{
		if (!mlp_get_str(c, &fw->name[j], &fw->name_len[j]))
			return "a name is truncated";
		TouchString(fw->name[j], fw->name_len[j]);
		if (!mlp_get_str(c, &type, &type_len))
			return "a name is truncated";
		TouchString(type, type_len);
	}
	if (NextIs(c, PREP_MARKER) && (why = WalkPrep(fw)) != NULL)
		return why;
	if (NextIs(c, POLY_MARKER) && (why = WalkPoly(fw)) != NULL)
		return why;
	if (NextIs(c, ENC_MARKER) && (why = WalkEncoding(fw)) != NULL)
		return why;
	if (NextIs(c, TRANSFORM_MARKER) && (why = WalkTransforms(fw)) != NULL)
		return why;
	if (NextIs(c, SELECT_MARKER) && (why = WalkSelected(fw)) != NULL)
		return why;
	if (c->pos > c->len)
		Fail("feature cursor ran past its end (pos %zu, len %zu)", c->pos, c->len);
	if (!mlp_cursor_done(c))
		return "feature section has trailing bytes";
	return NULL;
}

/*
 * MlpModelDeserialize's target section: the target's name and type, then,
 * for a classifier, 'K', u32 nc (2 .. 1000, at least 4 bytes each left)
 * and nc distinct labels; nothing after them.  *nclasses is 0 without
 * labels.
 */
static const char *
WalkTarget(const uint8_t *sec, uint32_t len, uint32_t *nclasses)
{
	MlpCursor	c;
	const char *why = NULL;
	uint8_t		marker;
	uint32_t	nc;
	const char **label;
	uint32_t   *label_len;

	*nclasses = 0;
	mlp_cursor_init(&c, sec, len);
	if (!WalkStr(&c, &why) || !WalkStr(&c, &why))
		return why;
	if (!mlp_cursor_done(&c))
	{
		if (!mlp_get_u8(&c, &marker) || marker != CLASSES_MARKER ||
			!mlp_get_u32(&c, &nc) || nc < 2 || nc > MAX_CLASSES ||
			(size_t) nc * 4 > c.len - c.pos)
			return "target section has bad class labels";
		label = XAlloc(nc, sizeof(const char *));
		label_len = XAlloc(nc, sizeof(uint32_t));
		for (uint32_t k = 0; k < nc && why == NULL; k++)
		{
			if (!mlp_get_str(&c, &label[k], &label_len[k]))
			{
				why = "a name is truncated";
				break;
			}
			TouchString(label[k], label_len[k]);
			/* strcmp of NUL-free copies: equal exactly when the bytes are */
			for (uint32_t l = 0; l < k; l++)
				if (label_len[l] == label_len[k] &&
					memcmp(label[l], label[k], label_len[k]) == 0)
				{
					why = "target section has bad class labels";
					break;
				}
		}
		free(label);
		free(label_len);
		if (why != NULL)
			return why;
		*nclasses = nc;
	}
	if (!mlp_cursor_done(&c))
		return "target section has trailing bytes";
	return NULL;
}

/* The task of a known algorithm id (estimator.c's registry), or 0. */
static uint8_t
AlgoTask(uint32_t algorithm)
{
	if (algorithm >= ALGO_LINEAR_FIRST && algorithm <= ALGO_LINEAR_LAST)
		return TASK_REGRESSION;
	if (algorithm >= ALGO_NAIVE_BAYES && algorithm <= ALGO_LINEAR_SVM)
		return TASK_CLASSIFICATION;
	return 0;
}

/* A linear classifier's weight vectors: one for two classes, else one per class. */
static uint32_t
NVectors(uint32_t k)
{
	return k == 2 ? 1 : k;
}

/* LinearDeserialize's checks, for a model whose estimator sees p features. */
static const char *
WalkLinear(MlpCursor *c, uint32_t nfeatures)
{
	uint32_t	p;
	double		d;
	bool		finite = true;

	if (!mlp_get_u32(c, &p) || p != nfeatures)
		return "linear model size does not match its features";
	if ((size_t) p * 8 + 8 != c->len - c->pos)
		return "linear model payload has the wrong length";
	for (uint32_t j = 0; j <= p; j++)
	{
		if (!mlp_get_f64(c, &d))
			Fail("linear payload read failed after its length was checked");
		finite = finite && isfinite(d);
	}
	if (!finite)
		return "linear model has a non-finite coefficient";
	return NULL;
}

/*
 * NbDeserialize's checks: u32 k (2 .. 1000), u32 p (the features the
 * estimator sees), then at least the Gaussian part (k priors in (0, 1],
 * k * p finite means, k * p variances, finite and > 0, in that order) and
 * either nothing after it or at least a u32's worth: the one-hot groups'
 * part, u32 ngroups (1 .. p, with 8 bytes left per group), per group u32
 * first and u32 width (width 1 .. p, first at or past the previous group's
 * end and at most p - width), then exactly k * total log probabilities
 * (total the widths' sum), each finite and at most 0.  *k is the class
 * count.
 */
static const char *
WalkNaiveBayes(MlpCursor *c, uint32_t nfeatures, uint32_t *k)
{
	uint32_t	p;
	size_t		kp;
	size_t		gauss;
	double		d;

	if (!mlp_get_u32(c, k) || !mlp_get_u32(c, &p) || *k < 2 ||
		*k > NB_MAX_CLASSES || p != nfeatures ||
		c->len - c->pos < (gauss = (size_t) 8 * (*k + 2 * (size_t) *k * p)) ||
		(c->len - c->pos > gauss && c->len - c->pos < gauss + 4))
		return "naive_bayes payload has the wrong size";
	kp = (size_t) *k * p;
	for (uint32_t i = 0; i < *k; i++)
	{
		if (!mlp_get_f64(c, &d))
			Fail("naive_bayes prior read failed after its size was checked");
		if (!(d > 0 && d <= 1))
			return "naive_bayes has an invalid prior";
	}
	for (size_t i = 0; i < kp; i++)
	{
		if (!mlp_get_f64(c, &d))
			Fail("naive_bayes mean read failed after its size was checked");
		if (!isfinite(d))
			return "naive_bayes has a non-finite mean";
	}
	for (size_t i = 0; i < kp; i++)
	{
		if (!mlp_get_f64(c, &d))
			Fail("naive_bayes variance read failed after its size was checked");
		if (!(d > 0) || !isfinite(d))
			return "naive_bayes has an invalid variance";
	}
	if (c->pos < c->len)
	{
		uint32_t	ng;
		uint32_t	next = 0;
		size_t		total = 0;

		if (!mlp_get_u32(c, &ng))
			Fail("naive_bayes group count read failed after its size was checked");
		if (ng < 1 || ng > p || c->len - c->pos < (size_t) 8 * ng)
			return "naive_bayes payload has the wrong size";
		for (uint32_t g = 0; g < ng; g++)
		{
			uint32_t	f;
			uint32_t	w;

			if (!mlp_get_u32(c, &f) || !mlp_get_u32(c, &w))
				Fail("naive_bayes group read failed after its size was checked");
			if (f < next || w < 1 || w > p || f > p - w)
				return "naive_bayes has an invalid one-hot group";
			next = f + w;
			total += w;
		}
		if (total > p)
			Fail("naive_bayes groups of %zu features passed for %u", total, p);
		if (c->len - c->pos != (size_t) 8 * *k * total)
			return "naive_bayes payload has the wrong size";
		for (size_t i = 0; i < (size_t) *k * total; i++)
		{
			if (!mlp_get_f64(c, &d))
				Fail("naive_bayes log probability read failed after its size was checked");
			if (!isfinite(d) || d > 0)
				return "naive_bayes has an invalid category probability";
		}
	}
	if (!mlp_cursor_done(c))
		Fail("naive_bayes payload is not done after its checked size");
	return NULL;
}

/* The little-endian double at b. */
static double
F64At(const uint8_t *b)
{
	uint64_t	u = 0;
	double		d;

	for (int i = 7; i >= 0; i--)
		u = (u << 8) | b[i];
	memcpy(&d, &u, sizeof(d));
	return d;
}

/*
 * NbDeserialize's verdict on the payload b[0 .. len) for nfeatures
 * features, worked out a second way: from byte offsets in 64-bit
 * arithmetic, a group's end as first + width rather than NbDeserialize's
 * wrap-free comparisons.  WalkModel holds WalkNaiveBayes to it, and it
 * says what a naive_bayes header makes of another classifier's payload.
 */
static const char *
NbPayloadVerdict(const uint8_t *b, size_t len, uint32_t nfeatures)
{
	const char *wrong = "naive_bayes payload has the wrong size";
	uint64_t	k;
	uint64_t	p;
	uint64_t	gauss;
	uint64_t	ng;
	uint64_t	next = 0;
	uint64_t	total = 0;
	size_t		off;

	if (len < 8)
		return wrong;
	k = GetLE(b, 4);
	p = GetLE(b + 4, 4);
	if (k < 2 || k > NB_MAX_CLASSES || p != nfeatures)
		return wrong;
	gauss = 8 * (k + 2 * k * p);
	if (len - 8 < gauss || (len - 8 > gauss && len - 8 - gauss < 4))
		return wrong;
	for (uint64_t i = 0; i < k; i++)
	{
		double		d = F64At(b + 8 + 8 * i);

		if (!(d > 0) || d > 1)
			return "naive_bayes has an invalid prior";
	}
	for (uint64_t i = 0; i < k * p; i++)
		if (!isfinite(F64At(b + 8 + 8 * k + 8 * i)))
			return "naive_bayes has a non-finite mean";
	for (uint64_t i = 0; i < k * p; i++)
	{
		double		d = F64At(b + 8 + 8 * k + 8 * k * p + 8 * i);

		if (!(d > 0) || isinf(d))
			return "naive_bayes has an invalid variance";
	}
	off = 8 + gauss;
	if (off == len)
		return NULL;
	ng = GetLE(b + off, 4);
	off += 4;
	if (ng == 0 || ng > p || len - off < 8 * ng)
		return wrong;
	for (uint64_t g = 0; g < ng; g++)
	{
		uint64_t	f = GetLE(b + off + 8 * g, 4);
		uint64_t	w = GetLE(b + off + 8 * g + 4, 4);

		if (w == 0 || f < next || f + w > p)
			return "naive_bayes has an invalid one-hot group";
		next = f + w;
		total += w;
	}
	off += 8 * ng;
	if (len - off != 8 * k * total)
		return wrong;
	for (; off < len; off += 8)
	{
		double		d = F64At(b + off);

		if (!(d <= 0) || isinf(d))
			return "naive_bayes has an invalid category probability";
	}
	return NULL;
}

/*
 * LogDeserialize's checks: u32 k (2 .. 1000), u32 p (the features the
 * estimator sees), then exactly nv * (p + 1) finite weights, nv being 1
 * for two classes and k for more.  *k is the class count.
 */
static const char *
WalkLogistic(MlpCursor *c, uint32_t nfeatures, uint32_t *k)
{
	uint32_t	p;
	size_t		n;
	double		d;

	if (!mlp_get_u32(c, k) || !mlp_get_u32(c, &p) || *k < 2 ||
		*k > LC_MAX_CLASSES || p != nfeatures ||
		c->len - c->pos != (size_t) 8 * NVectors(*k) * ((size_t) p + 1))
		return "logistic_regression payload has the wrong size";
	n = (size_t) NVectors(*k) * ((size_t) p + 1);
	for (size_t i = 0; i < n; i++)
	{
		if (!mlp_get_f64(c, &d))
			Fail("logistic_regression weight read failed after its size was checked");
		if (!isfinite(d))
			return "logistic_regression has a non-finite coefficient";
	}
	if (!mlp_cursor_done(c))
		Fail("logistic_regression payload is not done after its checked size");
	return NULL;
}

/*
 * SvmDeserialize's checks: u32 k (2 .. 1000), u32 p (the features the
 * estimator sees), u8 calibrated (0 or 1), then exactly nv * (p + 1)
 * weights and nv * 2 Platt values, all finite, calibrated or not.  *k is
 * the class count.
 */
static const char *
WalkLinearSvm(MlpCursor *c, uint32_t nfeatures, uint32_t *k)
{
	uint32_t	p;
	uint8_t		calibrated;
	size_t		n;
	double		d;

	if (!mlp_get_u32(c, k) || !mlp_get_u32(c, &p) ||
		!mlp_get_u8(c, &calibrated) || *k < 2 || *k > LC_MAX_CLASSES ||
		p != nfeatures || calibrated > 1 ||
		c->len - c->pos != (size_t) 8 * NVectors(*k) * ((size_t) p + 3))
		return "linear_svm payload has the wrong size";
	n = (size_t) NVectors(*k) * ((size_t) p + 3);
	for (size_t i = 0; i < n; i++)
	{
		if (!mlp_get_f64(c, &d))
			Fail("linear_svm value read failed after its size was checked");
		if (!isfinite(d))
			return "linear_svm has a non-finite coefficient";
	}
	if (!mlp_cursor_done(c))
		Fail("linear_svm payload is not done after its checked size");
	return NULL;
}

/*
 * Read an accepted model exactly as MlpModelDeserialize does: the header's
 * algorithm and task, the feature section, the target section and whether
 * the task wants class labels, then the algorithm's payload (linear.c's,
 * naive_bayes.c's, logistic.c's or linear_svm.c's) and its class count.
 * Returns NULL, or why model.c would call the model corrupt.
 */
static const char *
WalkModel(const MlpModelView *v, WalkInfo *info)
{
	FeatWalk	fw;
	MlpCursor	c;
	const char *why = NULL;
	uint8_t		task = AlgoTask(v->algorithm);
	uint32_t	nclasses = 0;
	uint32_t	state_classes = 0;	/* 0: the estimator has none */

	memset(&fw, 0, sizeof(fw));
	if (task == 0)
		why = "unknown algorithm id";
	else if (v->task != task)
		why = "task does not match the algorithm";
	if (why == NULL)
	{
		mlp_cursor_init(&fw.c, v->section[MLP_SEC_FEATURES],
						v->section_len[MLP_SEC_FEATURES]);
		why = WalkFeatures(&fw);
	}
	if (why == NULL)
		why = WalkTarget(v->section[MLP_SEC_TARGET],
						 v->section_len[MLP_SEC_TARGET], &nclasses);
	if (why == NULL && (v->task == TASK_CLASSIFICATION) != (nclasses > 0))
		why = "target section does not match the task";
	if (why == NULL)
	{
		uint32_t	p = fw.info.nselected > 0 ? fw.info.nselected : fw.info.nf;

		mlp_cursor_init(&c, v->section[MLP_SEC_ESTIMATOR],
						v->section_len[MLP_SEC_ESTIMATOR]);
		switch (v->algorithm)
		{
			case ALGO_NAIVE_BAYES:
				{
					const char *second;

					why = WalkNaiveBayes(&c, p, &state_classes);
					second = NbPayloadVerdict(c.p, c.len, p);
					if (why == NULL ? second != NULL :
						second == NULL || strcmp(why, second) != 0)
						Fail("WalkNaiveBayes said \"%s\", its second reading \"%s\"",
							 why ? why : "ok", second ? second : "ok");
				}
				break;
			case ALGO_LOGISTIC:
				why = WalkLogistic(&c, p, &state_classes);
				break;
			case ALGO_LINEAR_SVM:
				why = WalkLinearSvm(&c, p, &state_classes);
				break;
			default:
				why = WalkLinear(&c, p);
				break;
		}
		if (why == NULL && !mlp_cursor_done(&c))
			why = "estimator section has trailing bytes";
		if (why == NULL && nclasses > 0 && state_classes != nclasses)
			why = "estimator does not match the class labels";
	}
	fw.info.nclasses = nclasses;
	fw.info.algorithm = v->algorithm;
	*info = fw.info;
	free(fw.name);
	free(fw.name_len);
	free(fw.impute);
	free(fw.center);
	free(fw.scale);
	free(fw.degree);
	free(fw.factor);
	free(fw.input_kind);
	free(fw.cat);
	free(fw.cat_len);
	return why;
}

/*
 * Drive one cursor with a random mix of reads until it fails, checking that
 * it never claims bytes it does not have, never moves on failure, and stays
 * failed.  This does not rely on the length pre-checks model.c makes.
 */
static void
StressCursor(const uint8_t *p, size_t len, uint64_t h)
{
	MlpCursor	c;
	uint64_t	saved = rng_state;

	rng_state = h;
	mlp_cursor_init(&c, p, len);
	for (int step = 0; step < 256; step++)
	{
		size_t		before = c.pos;
		size_t		left = c.len - c.pos;
		size_t		need = 0;
		bool		ok = false;
		uint8_t		u8;
		uint16_t	u16;
		uint32_t	u32;
		double		f64;
		const char *s;
		uint32_t	n = 0;
		int			op = (int) RandBelow(5);

		n_cursor_ops++;
		switch (op)
		{
			case 0:
				need = 1;
				ok = mlp_get_u8(&c, &u8);
				break;
			case 1:
				need = 2;
				ok = mlp_get_u16(&c, &u16);
				break;
			case 2:
				need = 4;
				ok = mlp_get_u32(&c, &u32);
				break;
			case 3:
				need = 8;
				ok = mlp_get_f64(&c, &f64);
				break;
			default:
				ok = mlp_get_str(&c, &s, &n);
				need = 4 + (size_t) n;
				if (ok)
					TouchString(s, n);
				break;
		}
		if (c.pos > c.len)
			Fail("cursor position %zu is past its length %zu", c.pos, c.len);
		if (ok)
		{
			if (c.failed || need > left || c.pos != before + need)
				Fail("cursor read of %zu bytes with %zu left moved %zu -> %zu",
					 need, left, before, c.pos);
			continue;
		}
		if (!c.failed)
			Fail("a failed cursor read did not mark the cursor failed");
		if (op < 4 && (need <= left || c.pos != before))
			Fail("cursor refused %zu bytes with %zu left, or moved (%zu -> %zu)",
				 need, left, before, c.pos);
		/* a string refused for a NUL byte has consumed it: still in bounds */
		if (op == 4 && c.pos < before)
			Fail("failed string read moved the cursor back %zu -> %zu",
				 before, c.pos);
		before = c.pos;
		if (mlp_get_u8(&c, &u8) || c.pos != before || mlp_cursor_done(&c))
			Fail("a failed cursor did not stay failed");
		break;
	}
	if (mlp_cursor_done(&c) != (!c.failed && c.pos == c.len))
		Fail("mlp_cursor_done disagrees with the cursor state");
	rng_state = saved;
}

/*
 * Check one input: copy it into an exactly-sized allocation, parse, verify
 * the parser's promises and the expectation, and walk what it accepts, each
 * section copied into an exactly-sized allocation of its own.
 */
static void
CheckCase(const uint8_t *data, size_t len, Expect expect)
{
	uint8_t    *buf = malloc(len);
	MlpModelView view;
	const char *error = NULL;
	bool		ok;

	if (buf == NULL && len > 0)
	{
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	if (len > 0)
		memcpy(buf, data, len);
	cur_data = data;
	cur_len = len;
	n_cases++;

	memset(&last_walk, 0, sizeof(last_walk));
	last_why = NULL;
	ok = mlp_model_parse(buf, len, &view, &error);
	if (!ok)
	{
		n_rejected++;
		if (error == NULL || error[0] == '\0')
			Fail("mlp_model_parse rejected without an error message");
		CountReason(parse_reasons, error);
		if (expect == EXPECT_ACCEPT || expect == EXPECT_PARSE)
			Fail("a valid model was rejected: %s", error);
	}
	else
	{
		uintptr_t	lo = (uintptr_t) buf + MLP_HEADER_SIZE;
		uintptr_t	hi = (uintptr_t) buf + len - MLP_TRAILER_SIZE;
		size_t		body = MLP_HEADER_SIZE + 3 * MLP_SECTION_HEADER;
		MlpCursor	hc;
		uint16_t	nsec = 0;
		uint32_t	total = 0;
		MlpModelView own = view;
		WalkInfo	info;
		const char *why;

		n_accepted++;
		if (expect == EXPECT_REJECT)
			Fail("a damaged model was accepted");

		/* header values, read back through the cursor */
		mlp_cursor_init(&hc, buf, len);
		for (int i = 0; i < 10; i++)
		{
			uint8_t		skip;

			mlp_get_u8(&hc, &skip);
		}
		if (!mlp_get_u16(&hc, &nsec) || !mlp_get_u32(&hc, &total))
			Fail("accepted model has no readable header");
		if (view.version != MLP_FORMAT_VERSION || total != len || nsec != 3)
			Fail("accepted model has version %u, total %u (len %zu), %u sections",
				 view.version, total, len, nsec);
		if (TableCrc32c(buf, len - 4) != GetLE(buf + len - 4, 4))
			Fail("accepted model has a wrong checksum");

		/* the three sections lie in the body and tile it exactly */
		for (int id = 1; id <= MLP_SEC_MAX; id++)
		{
			uintptr_t	s = (uintptr_t) view.section[id];

			if (view.section[id] == NULL || s < lo || s > hi ||
				view.section_len[id] > hi - s)
				Fail("section %d lies outside the model", id);
			body += view.section_len[id];
		}
		if (body != len - MLP_TRAILER_SIZE)
			Fail("sections cover %zu bytes of a %zu-byte body", body,
				 len - MLP_TRAILER_SIZE);

		/* each section in an allocation of its own: reading past it is caught */
		for (int id = 1; id <= MLP_SEC_MAX; id++)
		{
			uint8_t    *sec = malloc(view.section_len[id]);

			if (sec == NULL && view.section_len[id] > 0)
			{
				fprintf(stderr, "out of memory\n");
				exit(2);
			}
			if (view.section_len[id] > 0)
				memcpy(sec, view.section[id], view.section_len[id]);
			own.section[id] = sec;
		}
		for (int id = 1; id <= MLP_SEC_MAX; id++)
			StressCursor(own.section[id], own.section_len[id],
						 HashBytes(buf, len) + (uint64_t) id);

		why = WalkModel(&own, &info);
		for (int id = 1; id <= MLP_SEC_MAX; id++)
			free((void *) own.section[id]);
		last_why = why;
		if (why == NULL)
		{
			n_walk_ok++;
			CountReason(walk_reasons, "ok");
			last_walk = info;
		}
		else
			CountReason(walk_reasons, why);
		if (expect == EXPECT_ACCEPT && why != NULL)
			Fail("a valid model failed the model.c walk: %s", why);
	}
	free(buf);
	cur_data = NULL;
}


#ifndef MLPIPE_LIBFUZZER

/* What a classifier's payload reader says of a payload of the wrong size. */
static const char *
WrongSize(uint32_t algorithm)
{
	switch (algorithm)
	{
		case ALGO_NAIVE_BAYES:
			return "naive_bayes payload has the wrong size";
		case ALGO_LOGISTIC:
			return "logistic_regression payload has the wrong size";
		case ALGO_LINEAR_SVM:
			return "linear_svm payload has the wrong size";
	}
	Fail("algorithm %u is no classifier", algorithm);
	return NULL;
}

/*
 * Check an input that must parse and whose walk verdict is known: want,
 * or NULL for a model model.c accepts.
 */
static void
CheckVerdict(const uint8_t *data, size_t len, const char *want)
{
	CheckCase(data, len, EXPECT_PARSE);
	if (want == NULL ? last_why != NULL :
		last_why == NULL || strcmp(last_why, want) != 0)
	{
		cur_data = data;
		cur_len = len;
		Fail("the walk said \"%s\" where model.c says \"%s\"",
			 last_why ? last_why : "ok", want ? want : "ok");
	}
	cur_data = NULL;
}

#define SEED_MAX_FEATURES	12
#define SEED_MAX_INPUTS		8
#define SEED_MAX_CATS		4	/* categories or buckets written, at most */
#define SEED_MAX_EDGES		6	/* bucketize edges written, at most */
#define SEED_MAX_BLOCKS		5
#define SEED_MAX_CLASSES	4	/* class labels and classifier classes written */
#define SEED_MAX_NB			(SEED_MAX_CLASSES * SEED_MAX_FEATURES)
#define SEED_MAX_LC			(SEED_MAX_CLASSES * (SEED_MAX_FEATURES + 1))

/* a u8/u16/u32 field of a seed model, for targeted mutations */
typedef struct Field
{
	size_t		off;
	int			width;
} Field;

/* offsets recorded while a seed model was written */
typedef struct Layout
{
	size_t		sec_off[MLP_SEC_MAX + 1];	/* section header offset */
	size_t		sec_size[MLP_SEC_MAX + 1];	/* header plus payload */
	size_t		block_off[SEED_MAX_BLOCKS]; /* the optional blocks' markers */
	int			nblocks;
	size_t		blocks_end;		/* end of the feature section */
	size_t		classes_off;	/* the class labels' marker, or 0 */
	size_t		target_end;		/* end of the target section */
	Field		fields[MAX_FIELDS];
	int			nfields;
	size_t		f64s[MAX_FIELDS];	/* the blocks' f64 values */
	int			nf64s;
} Layout;

/*
 * one input column of a seed model's encoding block; a count is written as
 * given, and after it at most SEED_MAX_CATS of the items it counts (the
 * categories only up to the first NULL), so a broken seed may say more
 */
typedef struct SeedInput
{
	const char *name;
	uint8_t		kind;			/* INPUT_* */
	uint8_t		parts;			/* a date's parts kept */
	uint32_t	ncat;			/* kept categories, or a hash input's buckets */
	const char *cats[SEED_MAX_CATS];	/* one-hot, ordinal, target */
	double		tvalue[SEED_MAX_CATS];	/* target: a value per category */
	double		null_value;		/* target */
	double		default_value;	/* target */
	uint32_t	nbuckets;		/* hash: the bucket count */
	uint32_t	buckets[SEED_MAX_CATS]; /* hash: the kept ones */
	uint32_t	length;			/* array: its elements */
	uint8_t		other;
	uint8_t		isnull;
} SeedInput;

/* a model of the corpus: features, optional blocks, target, estimator payload */
typedef struct SeedSpec
{
	const char *label;
	uint32_t	nf;
	const char *names[SEED_MAX_FEATURES];
	const char *types[SEED_MAX_FEATURES];
	bool		prep;			/* a 'P' block of the next four */
	uint8_t		impute[SEED_MAX_FEATURES];
	double		fill[SEED_MAX_FEATURES];
	double		center[SEED_MAX_FEATURES];
	double		scale[SEED_MAX_FEATURES];
	uint32_t	nterms;			/* an 'M' block when positive */
	uint8_t		degree[SEED_MAX_FEATURES];
	uint32_t	factor[SEED_MAX_FEATURES][MAX_DEGREE];
	uint32_t	ninputs;		/* a 'C' block when positive */
	SeedInput	inputs[SEED_MAX_INPUTS];
	bool		transform;		/* a 'T' block of the next five */
	uint8_t		tkind[SEED_MAX_FEATURES];
	double		lo[SEED_MAX_FEATURES];
	double		hi[SEED_MAX_FEATURES];
	uint32_t	nedges[SEED_MAX_FEATURES];	/* bucketize: written as given, */
	double		edges[SEED_MAX_FEATURES][SEED_MAX_EDGES];	/* these after */
	uint32_t	nselected;		/* an 'S' block when positive */
	uint32_t	selected[SEED_MAX_FEATURES];
	bool		est_all;		/* estimator sized for nf even with an 'S' block */
	double		coef[SEED_MAX_FEATURES];	/* linear: nselected, else nf of them */
	uint16_t	algorithm;		/* 0: linear_regression */
	uint8_t		task;			/* 0: the algorithm's */
	const char *target;			/* NULL: target_name and target_type */
	const char *target_type;
	bool		classes;		/* a class-labels block of the next four */
	uint8_t		classes_marker; /* 0: CLASSES_MARKER */
	bool		classes_cut;	/* the block is its marker alone */
	uint32_t	nclasses;		/* written as given, then at most */
	const char *labels[SEED_MAX_CLASSES];	/* these, up to the first NULL */
	uint32_t	target_extra;	/* zero bytes after the target section's end */
	/* naive_bayes: k classes, p features, priors, means, variances */
	uint32_t	nb_k;			/* 0: nclasses */
	uint32_t	nb_p;			/* 0: the features the estimator sees */
	double		nb_prior[SEED_MAX_CLASSES];
	double		nb_mean[SEED_MAX_NB];	/* class c, feature j at c * p + j */
	double		nb_var[SEED_MAX_NB];
	/* then, with nb_groups, the one-hot groups and their log probabilities */
	bool		nb_groups;		/* the groups' part of the next five */
	uint32_t	nb_ngroups;		/* written as given, then that many groups */
	uint32_t	nb_first[SEED_MAX_FEATURES];	/* (at most SEED_MAX_FEATURES */
	uint32_t	nb_width[SEED_MAX_FEATURES];	/* less nb_groups_short) */
	int			nb_groups_short;	/* groups left unwritten (< 0: more written) */
	double		nb_logp[SEED_MAX_NB];	/* class c, category t at c * total + t */
	int			nb_extra;		/* f64 values added (> 0) or left off (< 0), */
								/* of the last run: log probabilities with groups */
	uint32_t	nb_pad;			/* zero bytes after them */
	/* logistic_regression and linear_svm: nv = 1 for k = 2, else k */
	uint32_t	lc_k;			/* 0: nclasses */
	uint32_t	lc_p;			/* 0: the features the estimator sees */
	uint8_t		lc_calibrated;	/* linear_svm's flag, written as given */
	bool		lc_noflag;		/* linear_svm's flag left out */
	double		lc_w[SEED_MAX_LC];	/* vector v: p weights, the intercept */
	double		lc_platt[2 * SEED_MAX_CLASSES]; /* linear_svm: A, B per vector */
	int			lc_extra;		/* f64 values added (> 0) or left off (< 0) */
	uint32_t	lc_pad;			/* zero bytes after them */
	uint16_t	payload;		/* 0: the algorithm's payload, else this one's */
} SeedSpec;

/*
 * The corpus.  The first is the plain model every exhaustive phase uses;
 * the others carry the optional blocks, each valid the way model.c checks
 * it: products after the base features and named after their factors,
 * one-hot and hashed one-hot features with no NULL handling, centre 0 and
 * scale 1, date parts named "input:part" and array elements "input[i]",
 * ordinal and target inputs named like their feature with categories in
 * ascending order, transforms only on numeric and array inputs (bucketize
 * with ascending edges), selections ascending and the estimator sized for
 * them.  Then three naive_bayes classifiers (algorithm 5, task 2) with
 * distinct class labels and a payload of as many classes, without blocks
 * and with P+C+S and P+M+C+S; the last holds the edge values NbDeserialize
 * still accepts (a prior of 1 and of the least denormal, means of
 * +-DBL_MAX, variances of the least denormal and DBL_MAX).  Then
 * logistic_regression (6) and linear_svm (7) classifiers, binary (one
 * weight vector) and multiclass (one per class), without blocks and with
 * P+C+S and P+M+C+S, linear_svm calibrated and not (uncalibrated, its
 * Platt values are the zeros SvmFitRows leaves), two with the edge values
 * their readers still accept (+-DBL_MAX, the least denormal, -0).  Last,
 * naive_bayes classifiers with one-hot groups (their features' means 0 and
 * variances 1, as NbFitRows leaves them): one group at the end after a
 * numeric feature (P+C), three (at the start, of width 1, at the end,
 * with a gap) over category and hash inputs, one of every feature with the
 * edge log probabilities still accepted (0, -0, -DBL_MAX, the least
 * denormals), and as many width-1 groups as features.
 */
static const SeedSpec seed_specs[] = {
	{
		.label = "plain",
		.nf = 3,
		.names = {"x1", "x2", "a_rather_longer_feature_name"},
		.types = {"double precision", "integer", "numeric"},
		.coef = {2.0, -1.0, 0.5}
	},
	{
		.label = "P+M+S",
		.nf = 7,
		.names = {"x1", "x2", "bmi", "x1^2", "x1*bmi", "x1*bmi^2", "x2^3"},
		.types = {"double precision", "integer", "numeric", "double precision",
		"double precision", "double precision", "double precision"},
		.prep = true,
		.impute = {PREP_FILL, PREP_DROP, PREP_ERROR, 0, 0, 0, 0},
		.fill = {1.5, 0, 0, 0, 0, 0, 0},
		.center = {0.5, -1, 27.25, 1.25, 14, 380, -8},
		.scale = {2, 1, 4.5, 3, 10, 250, 12},
		.nterms = 4,
		.degree = {2, 2, 3, 3},
		.factor = {{0, 0}, {0, 2}, {0, 2, 2}, {1, 1, 1}},
		.nselected = 3,
		.selected = {1, 3, 5},
		.coef = {0.75, -2, 0.125}
	},
	{
		.label = "M+S",
		.nf = 3,
		.names = {"a", "b", "a*b"},
		.types = {"integer", "integer", "double precision"},
		.nterms = 1,
		.degree = {2},
		.factor = {{0, 1}},
		.nselected = 2,
		.selected = {0, 2},
		.coef = {1, -0.5}
	},
	{
		.label = "P+M+C+T+S",
		.nf = 11,
		.names = {"age", "sex=f", "sex=m", "sex=(other)", "bmi", "visit:year",
			"visit:dow", "s5", "bmi^2", "age*bmi", "bmi^2*s5"},
		.types = {"integer", "one-hot", "one-hot", "one-hot", "numeric",
			"date part", "date part", "double precision", "double precision",
		"double precision", "double precision"},
		.prep = true,
		.impute = {PREP_FILL, 0, 0, 0, PREP_DROP, PREP_FILL, PREP_FILL, 0, 0, 0, 0},
		.fill = {40, 0, 0, 0, 0, 2020, 3, 0, 0, 0, 0},
		.center = {3.5, 0, 0, 0, 26, 2019.5, 3, 0.01, 700, 1100, 0.2},
		.scale = {0.5, 1, 1, 1, 4.5, 1.5, 2, 0.05, 250, 400, 3},
		.nterms = 3,
		.degree = {2, 2, 3},
		.factor = {{4, 4}, {0, 4}, {4, 4, 7}},
		.ninputs = 5,
		.inputs = {
			{.name = "age", .kind = INPUT_NUMERIC},
			{.name = "sex", .kind = INPUT_CATEGORY, .ncat = 2, .cats = {"f", "m"},
			.other = 1},
			{.name = "bmi", .kind = INPUT_NUMERIC},
			{.name = "visit", .kind = INPUT_DATE, .parts = 0x09},
			{.name = "s5", .kind = INPUT_NUMERIC}
		},
		.transform = true,
		.tkind = {1, 0, 0, 0, TRANSFORM_CLIP, 0, 0, 0, 0, 0, 0},
		.lo = {0, 0, 0, 0, 15},
		.hi = {0, 0, 0, 0, 50},
		.nselected = 5,
		.selected = {0, 4, 8, 9, 10},
		.coef = {0.5, -1.25, 2, 0.0625, -3}
	},
	{
		.label = "P+C+S",
		.nf = 5,
		.names = {"x", "colour=red", "colour=green", "colour=blue", "colour IS NULL"},
		.types = {"real", "one-hot", "one-hot", "one-hot", "one-hot"},
		.prep = true,
		.impute = {PREP_FILL, 0, 0, 0, 0},
		.fill = {0.25, 0, 0, 0, 0},
		.center = {0.5, 0, 0, 0, 0},
		.scale = {0.25, 1, 1, 1, 1},
		.ninputs = 2,
		.inputs = {
			{.name = "x", .kind = INPUT_NUMERIC},
			{.name = "colour", .kind = INPUT_CATEGORY, .ncat = 3,
			.cats = {"red", "green", "blue"}, .isnull = 1}
		},
		.nselected = 2,
		.selected = {0, 3},
		.coef = {4, -4}
	},
	{
		.label = "P+M+T",
		.nf = 4,
		.names = {"u", "v", "u*v", "u^2*v"},
		.types = {"double precision", "bigint", "double precision", "double precision"},
		.prep = true,
		.impute = {PREP_ERROR, PREP_FILL, 0, 0},
		.fill = {0, 7, 0, 0},
		.center = {0, 7, 0, 0},
		.scale = {1, 2, 6, 18},
		.nterms = 2,
		.degree = {2, 3},
		.factor = {{0, 1}, {0, 0, 1}},
		.transform = true,
		.tkind = {TRANSFORM_CLIP, 1, 0, 0},
		.lo = {-3, 0, 0, 0},
		.hi = {3, 0, 0, 0},
		.coef = {1, 2, 3, 4}
	},
	{
		.label = "P+M+C+S",
		.nf = 4,
		.names = {"t:hour", "t:epoch", "z", "z^2"},
		.types = {"date part", "date part", "numeric", "double precision"},
		.prep = true,
		.impute = {PREP_DROP, PREP_DROP, PREP_FILL, 0},
		.fill = {0, 0, -2.5, 0},
		.center = {11.5, 1.6e9, -2, 5},
		.scale = {7, 3e7, 1.5, 4},
		.nterms = 1,
		.degree = {2},
		.factor = {{2, 2}},
		.ninputs = 2,
		.inputs = {
			{.name = "t", .kind = INPUT_TIMESTAMPTZ, .parts = 0x30},
			{.name = "z", .kind = INPUT_NUMERIC}
		},
		.nselected = 1,
		.selected = {3},
		.coef = {-0.25}
	},
	{
		.label = "P+C+T+S ordinal/target/hash/array",
		.nf = 10,
		.names = {"grade", "city", "tag#2", "tag#7", "tag#13", "tag IS NULL",
		"v[1]", "v[2]", "v[3]", "x"},
		.types = {"ordinal", "target mean", "hashed one-hot", "hashed one-hot",
			"hashed one-hot", "one-hot", "array element", "array element",
		"array element", "numeric"},
		.prep = true,
		.impute = {PREP_FILL, PREP_ERROR, 0, 0, 0, 0, PREP_DROP, PREP_DROP,
		PREP_DROP, PREP_FILL},
		.fill = {1, 0, 0, 0, 0, 0, 0, 0, 0, 2},
		.center = {1, 0.9, 0, 0, 0, 0, -0.5, 0.25, 3, 1.5},
		.scale = {0.8, 1.25, 1, 1, 1, 1, 2, 0.5, 1.5, 1},
		.ninputs = 5,
		.inputs = {
			{.name = "grade", .kind = INPUT_ORDINAL, .ncat = 3, .cats = {"A", "B", "C"}},
			{.name = "city", .kind = INPUT_TARGET, .ncat = 3,
				.cats = {"berlin", "oslo", "paris"}, .tvalue = {1.5, -0.25, 3},
			.isnull = 1, .null_value = 0.5, .default_value = 0.75},
			{.name = "tag", .kind = INPUT_HASH, .nbuckets = 16, .ncat = 3,
			.buckets = {2, 7, 13}, .isnull = 1},
			{.name = "v", .kind = INPUT_ARRAY, .length = 3},
			{.name = "x", .kind = INPUT_NUMERIC}
		},
		.transform = true,
		.tkind = {0, 0, 0, 0, 0, 0, TRANSFORM_CLIP, TRANSFORM_BUCKETIZE,
		TRANSFORM_LOG1P, TRANSFORM_BUCKETIZE},
		.lo = {0, 0, 0, 0, 0, 0, -1},
		.hi = {0, 0, 0, 0, 0, 0, 1},
		.nedges = {[7] = 3,[9] = 5},
		.edges = {[7] = {0, 0.5, 1},[9] = {-10, -1, 0, 2.5, 10}},
		.nselected = 6,
		.selected = {0, 1, 3, 6, 7, 9},
		.coef = {0.5, -0.75, 1, 2, -2, 0.125}
	},
	{
		.label = "P+M+C+T hash/ordinal/target/array",
		.nf = 10,
		.names = {"a", "h#0", "h#1", "h2 IS NULL", "o", "t", "arr[1]", "b",
		"a^2", "a*b"},
		.types = {"integer", "hashed one-hot", "hashed one-hot", "one-hot",
			"ordinal", "target mean", "array element", "real",
		"double precision", "double precision"},
		.prep = true,
		.impute = {PREP_FILL, 0, 0, 0, PREP_FILL, PREP_FILL, PREP_FILL, PREP_ERROR,
		0, 0},
		.fill = {3, 0, 0, 0, 0, 1.25, -1, 0, 0, 0},
		.center = {2, 0, 0, 0, 0, 1, 0, 5, 9, 10},
		.scale = {1.5, 1, 1, 1, 1, 0.5, 3, 2, 4, 8},
		.nterms = 2,
		.degree = {2, 2},
		.factor = {{0, 0}, {0, 7}},
		.ninputs = 7,
		.inputs = {
			{.name = "a", .kind = INPUT_NUMERIC},
			{.name = "h", .kind = INPUT_HASH, .nbuckets = 2, .ncat = 2, .buckets = {0, 1}},
			{.name = "h2", .kind = INPUT_HASH, .nbuckets = HASH_MAX_BUCKETS, .isnull = 1},
			{.name = "o", .kind = INPUT_ORDINAL, .ncat = 1, .cats = {"only"}},
			{.name = "t", .kind = INPUT_TARGET, .ncat = 2, .cats = {"", "z"},
			.tvalue = {-1e300, 1e300}, .null_value = 0, .default_value = 1.25},
			{.name = "arr", .kind = INPUT_ARRAY, .length = 1},
			{.name = "b", .kind = INPUT_NUMERIC}
		},
		.transform = true,
		.tkind = {TRANSFORM_BUCKETIZE, 0, 0, 0, 0, 0, TRANSFORM_BUCKETIZE,
		TRANSFORM_CLIP, 0, 0},
		.lo = {[7] = 0},
		.hi = {[7] = 100},
		.nedges = {[0] = 2,[6] = 4},
		.edges = {[0] = {1, 2},[6] = {-1e9, -0.5, 0.5, 1e9}},
		.coef = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	},
	{
		.label = "C+S array/target/hash, no P",
		.nf = 4,
		.names = {"big[1]", "big[2]", "k", "q#999"},
		.types = {"array element", "array element", "target mean", "hashed one-hot"},
		.ninputs = 3,
		.inputs = {
			{.name = "big", .kind = INPUT_ARRAY, .length = 2},
			{.name = "k", .kind = INPUT_TARGET, .ncat = 1, .cats = {"\xc3\xa9t\xc3\xa9"},
			.tvalue = {42}, .isnull = 1, .null_value = -3, .default_value = 0},
			{.name = "q", .kind = INPUT_HASH, .nbuckets = HASH_MAX_BUCKETS, .ncat = 1,
			.buckets = {999}}
		},
		.nselected = 2,
		.selected = {1, 3},
		.coef = {-1, 0.25}
	},
	{
		.label = "naive_bayes",
		.nf = 3,
		.names = {"sepal_length", "sepal_width", "petal_length"},
		.types = {"double precision", "double precision", "real"},
		.algorithm = ALGO_NAIVE_BAYES,
		.target = "species",
		.target_type = "text",
		.classes = true,
		.nclasses = 3,
		.labels = {"setosa", "versicolor", "virginica"},
		.nb_prior = {0.3125, 0.3125, 0.375},
		.nb_mean = {5.006, 3.428, 1.462, 5.936, 2.77, 4.26, 6.588, 2.974, 5.552},
		.nb_var = {0.121764, 0.140816, 0.029556, 0.261104, 0.0965, 0.2164,
		0.396256, 0.101924, 0.298496}
	},
	{
		.label = "naive_bayes P+C+S",
		.nf = 5,
		.names = {"x", "colour=red", "colour=green", "colour=blue", "colour IS NULL"},
		.types = {"real", "one-hot", "one-hot", "one-hot", "one-hot"},
		.prep = true,
		.impute = {PREP_FILL, 0, 0, 0, 0},
		.fill = {0.25, 0, 0, 0, 0},
		.center = {0.5, 0, 0, 0, 0},
		.scale = {0.25, 1, 1, 1, 1},
		.ninputs = 2,
		.inputs = {
			{.name = "x", .kind = INPUT_NUMERIC},
			{.name = "colour", .kind = INPUT_CATEGORY, .ncat = 3,
			.cats = {"red", "green", "blue"}, .isnull = 1}
		},
		.nselected = 2,
		.selected = {0, 3},
		.algorithm = ALGO_NAIVE_BAYES,
		.target = "churned",
		.target_type = "boolean",
		.classes = true,
		.nclasses = 2,
		.labels = {"false", "true"},
		.nb_prior = {0.75, 0.25},
		.nb_mean = {-0.5, 0.125, 1.5, 0.875},
		.nb_var = {0.8, 0.109375, 1.25, 0.109375}
	},
	{
		.label = "naive_bayes P+M+C+S boundary values",
		.nf = 4,
		.names = {"t:hour", "t:epoch", "z", "z^2"},
		.types = {"date part", "date part", "numeric", "double precision"},
		.prep = true,
		.impute = {PREP_DROP, PREP_DROP, PREP_FILL, 0},
		.fill = {0, 0, -2.5, 0},
		.center = {11.5, 1.6e9, -2, 5},
		.scale = {7, 3e7, 1.5, 4},
		.nterms = 1,
		.degree = {2},
		.factor = {{2, 2}},
		.ninputs = 2,
		.inputs = {
			{.name = "t", .kind = INPUT_TIMESTAMPTZ, .parts = 0x30},
			{.name = "z", .kind = INPUT_NUMERIC}
		},
		.nselected = 1,
		.selected = {3},
		.algorithm = ALGO_NAIVE_BAYES,
		.target = "label",
		.target_type = "character varying",
		.classes = true,
		.nclasses = 2,
		.labels = {"", "a label, with spaces"},
		/* the edges NbDeserialize allows: prior 1, the least and most variance */
		.nb_prior = {1, 4.9406564584124654e-324},
		.nb_mean = {-1.7976931348623157e308, 1.7976931348623157e308},
		.nb_var = {4.9406564584124654e-324, 1.7976931348623157e308}
	},
	{
		.label = "logistic_regression binary",
		.nf = 3,
		.names = {"sepal_length", "sepal_width", "petal_length"},
		.types = {"double precision", "double precision", "real"},
		.algorithm = ALGO_LOGISTIC,
		.target = "is_setosa",
		.target_type = "boolean",
		.classes = true,
		.nclasses = 2,
		.labels = {"false", "true"},
		.lc_w = {-0.40625, 2.25, -3.5, 0.875}
	},
	{
		.label = "logistic_regression multinomial P+C+S",
		.nf = 5,
		.names = {"x", "colour=red", "colour=green", "colour=blue", "colour IS NULL"},
		.types = {"real", "one-hot", "one-hot", "one-hot", "one-hot"},
		.prep = true,
		.impute = {PREP_FILL, 0, 0, 0, 0},
		.fill = {0.25, 0, 0, 0, 0},
		.center = {0.5, 0, 0, 0, 0},
		.scale = {0.25, 1, 1, 1, 1},
		.ninputs = 2,
		.inputs = {
			{.name = "x", .kind = INPUT_NUMERIC},
			{.name = "colour", .kind = INPUT_CATEGORY, .ncat = 3,
			.cats = {"red", "green", "blue"}, .isnull = 1}
		},
		.nselected = 2,
		.selected = {0, 3},
		.algorithm = ALGO_LOGISTIC,
		.target = "tier",
		.target_type = "text",
		.classes = true,
		.nclasses = 3,
		.labels = {"bronze", "gold", "silver"},
		.lc_w = {1.5, -0.25, 0.125, -2, 0.75, -0.0625, 0.5, -0.5, -0.0625}
	},
	{
		.label = "linear_svm binary calibrated",
		.nf = 3,
		.names = {"x1", "x2", "a_rather_longer_feature_name"},
		.types = {"double precision", "integer", "numeric"},
		.algorithm = ALGO_LINEAR_SVM,
		.target = "label",
		.target_type = "integer",
		.classes = true,
		.nclasses = 2,
		.labels = {"0", "1"},
		.lc_calibrated = 1,
		.lc_w = {0.3125, -1.125, 0.0078125, -0.5},
		.lc_platt = {-1.75, 0.125}
	},
	{
		.label = "linear_svm one-vs-rest P+M+C+S uncalibrated",
		.nf = 4,
		.names = {"t:hour", "t:epoch", "z", "z^2"},
		.types = {"date part", "date part", "numeric", "double precision"},
		.prep = true,
		.impute = {PREP_DROP, PREP_DROP, PREP_FILL, 0},
		.fill = {0, 0, -2.5, 0},
		.center = {11.5, 1.6e9, -2, 5},
		.scale = {7, 3e7, 1.5, 4},
		.nterms = 1,
		.degree = {2},
		.factor = {{2, 2}},
		.ninputs = 2,
		.inputs = {
			{.name = "t", .kind = INPUT_TIMESTAMPTZ, .parts = 0x30},
			{.name = "z", .kind = INPUT_NUMERIC}
		},
		.nselected = 1,
		.selected = {3},
		.algorithm = ALGO_LINEAR_SVM,
		.target = "grade",
		.target_type = "character varying",
		.classes = true,
		.nclasses = 4,
		.labels = {"a", "b", "c", "d"},
		.lc_w = {0.5, -1, -0.25, 0.125, 1.5, 0.375, -2, -0.75}
	},
	{
		.label = "linear_svm one-vs-rest calibrated boundary values",
		.nf = 3,
		.names = {"x1", "x2", "a_rather_longer_feature_name"},
		.types = {"double precision", "integer", "numeric"},
		.algorithm = ALGO_LINEAR_SVM,
		.target = "species",
		.target_type = "text",
		.classes = true,
		.nclasses = 3,
		.labels = {"", "a label, with spaces", "setosa"},
		.lc_calibrated = 1,
		/* the edges SvmDeserialize allows: +-DBL_MAX, the least denormal, -0 */
		.lc_w = {1.7976931348623157e308, -1.7976931348623157e308,
			4.9406564584124654e-324, -0.0, -4.9406564584124654e-324, 0, 1, -1,
		2.2250738585072014e-308, 1e300, -1e-300, 0.5},
		.lc_platt = {-1.7976931348623157e308, 1.7976931348623157e308, -0.0, 0,
		4.9406564584124654e-324, -3}
	},
	{
		.label = "logistic_regression boundary values",
		.nf = 1,
		.names = {"only"},
		.types = {"bigint"},
		.algorithm = ALGO_LOGISTIC,
		.target = "flag",
		.target_type = "text",
		.classes = true,
		.nclasses = 2,
		.labels = {"no", "yes"},
		/* the edges LogDeserialize allows */
		.lc_w = {1.7976931348623157e308, -4.9406564584124654e-324}
	},
	{
		.label = "naive_bayes one-hot group P+C",
		.nf = 5,
		.names = {"x", "colour=red", "colour=green", "colour=blue", "colour IS NULL"},
		.types = {"real", "one-hot", "one-hot", "one-hot", "one-hot"},
		.prep = true,
		.impute = {PREP_FILL, 0, 0, 0, 0},
		.fill = {0.25, 0, 0, 0, 0},
		.center = {0.5, 0, 0, 0, 0},
		.scale = {0.25, 1, 1, 1, 1},
		.ninputs = 2,
		.inputs = {
			{.name = "x", .kind = INPUT_NUMERIC},
			{.name = "colour", .kind = INPUT_CATEGORY, .ncat = 3,
			.cats = {"red", "green", "blue"}, .isnull = 1}
		},
		.algorithm = ALGO_NAIVE_BAYES,
		.target = "churned",
		.target_type = "boolean",
		.classes = true,
		.nclasses = 2,
		.labels = {"false", "true"},
		/* a group's features: mean 0 and variance 1, as NbFitRows leaves them */
		.nb_prior = {0.75, 0.25},
		.nb_mean = {-0.5, 0, 0, 0, 0, 1.5, 0, 0, 0, 0},
		.nb_var = {0.8, 1, 1, 1, 1, 1.25, 1, 1, 1, 1},
		/* one group, at the end */
		.nb_groups = true,
		.nb_ngroups = 1,
		.nb_first = {1},
		.nb_width = {4},
		.nb_logp = {-1.0986122886681098, -0.6931471805599453, -2.0794415416798357,
			-2.772588722239781, -0.2876820724517809, -1.6094379124341003,
		-2.3025850929940455, -4.605170185988091}
	},
	{
		.label = "naive_bayes three one-hot groups C",
		.nf = 7,
		.names = {"size=L", "size=S", "x", "flag=t", "h#3", "h#7", "h IS NULL"},
		.types = {"one-hot", "one-hot", "double precision", "one-hot", "one-hot",
		"one-hot", "one-hot"},
		.ninputs = 4,
		.inputs = {
			{.name = "size", .kind = INPUT_CATEGORY, .ncat = 2, .cats = {"L", "S"}},
			{.name = "x", .kind = INPUT_NUMERIC},
			{.name = "flag", .kind = INPUT_CATEGORY, .ncat = 1, .cats = {"t"}},
			{.name = "h", .kind = INPUT_HASH, .nbuckets = 16, .ncat = 2,
			.buckets = {3, 7}, .isnull = 1}
		},
		.algorithm = ALGO_NAIVE_BAYES,
		.target = "grade",
		.target_type = "text",
		.classes = true,
		.nclasses = 3,
		.labels = {"a", "b", "c"},
		.nb_prior = {0.25, 0.25, 0.5},
		.nb_mean = {0, 0, -1.25, 0, 0, 0, 0, 0, 0, 0.5, 0, 0, 0, 0,
		0, 0, 3.75, 0, 0, 0, 0},
		.nb_var = {1, 1, 0.5, 1, 1, 1, 1, 1, 1, 2.25, 1, 1, 1, 1,
		1, 1, 0.125, 1, 1, 1, 1},
		/* at the start, of width 1 right before the last, and at the end */
		.nb_groups = true,
		.nb_ngroups = 3,
		.nb_first = {0, 3, 4},
		.nb_width = {2, 1, 3},
		.nb_logp = {
			-1.3862943611198906, -0.2876820724517809, -0.6931471805599453,
			-0.6931471805599453, -1.3862943611198906, -1.3862943611198906,
			-0.5108256237659907, -0.916290731874155, 0,
			-1.6094379124341003, -0.5108256237659907, -1.6094379124341003,
			-0.2231435513142097, -1.6094379124341003, -0.1053605156578263,
		-1.0986122886681098, -1.0986122886681098, -1.0986122886681098}
	},
	{
		.label = "naive_bayes one group of every feature, boundary values",
		.nf = 3,
		.names = {"c=a", "c=b", "c (other)"},
		.types = {"one-hot", "one-hot", "one-hot"},
		.ninputs = 1,
		.inputs = {
			{.name = "c", .kind = INPUT_CATEGORY, .ncat = 2, .cats = {"a", "b"},
			.other = 1}
		},
		.algorithm = ALGO_NAIVE_BAYES,
		.target = "label",
		.target_type = "text",
		.classes = true,
		.nclasses = 2,
		.labels = {"", "a label, with spaces"},
		.nb_prior = {0.5, 0.5},
		.nb_mean = {0, 0, 0, 0, 0, 0},
		.nb_var = {1, 1, 1, 1, 1, 1},
		.nb_groups = true,
		.nb_ngroups = 1,
		.nb_first = {0},
		.nb_width = {3},
		/* the edges NbDeserialize allows: 0, -0, -DBL_MAX, the least denormal */
		.nb_logp = {0, -0.0, -1.7976931348623157e308, -4.9406564584124654e-324,
		-2.2250738585072014e-308, -1}
	},
	{
		.label = "naive_bayes a width-1 group per feature",
		.nf = 3,
		.names = {"a=1", "b=1", "c=1"},
		.types = {"one-hot", "one-hot", "one-hot"},
		.algorithm = ALGO_NAIVE_BAYES,
		.target = "ok",
		.target_type = "boolean",
		.classes = true,
		.nclasses = 2,
		.labels = {"false", "true"},
		.nb_prior = {0.625, 0.375},
		.nb_mean = {0, 0, 0, 0, 0, 0},
		.nb_var = {1, 1, 1, 1, 1, 1},
		/* as many groups as features, each right after the one before */
		.nb_groups = true,
		.nb_ngroups = 3,
		.nb_first = {0, 1, 2},
		.nb_width = {1, 1, 1},
		.nb_logp = {-0.5, -0.25, -2, -0.125, -1, -4}
	}
};
#define NSEEDS ((int) (sizeof(seed_specs) / sizeof(seed_specs[0])))

/* a seed model as written, and what the walk must find in it */
typedef struct Seed
{
	const SeedSpec *spec;
	uint8_t    *buf;
	size_t		len;
	Layout		layout;
	WalkInfo	want;
} Seed;

static const double intercept = 3.0;
static const char *const target_name = "y";
static const char *const target_type = "double precision";

/* strings the random model generator draws from */
static const char *const dict[] = {
	"", "x", "y", "x1", "double precision", "integer", "numeric", "bigint",
	"a name with spaces", "\xc3\xa9t\xc3\xa9", "x^2", "x*y", "x:year", "x[1]",
	"x#1", "x IS NULL",
	"0123456789012345678901234567890123456789012345678901234567890123456789"
};
#define NDICT ((int) (sizeof(dict) / sizeof(dict[0])))

/* bytes an optional block's byte is set to */
static const uint8_t block_bytes[] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x3F, 0x40, 0x7F, 0x80, 0xFE, 0xFF,
	PREP_MARKER, POLY_MARKER, ENC_MARKER, TRANSFORM_MARKER, SELECT_MARKER
};
#define NBLOCK_BYTES ((int) sizeof(block_bytes))

/* counts and indexes an optional block's u32 is set to, besides nearby ones */
static const uint32_t block_u32s[] = {
	0, 1, 2, 3, 4, 8, 0xFF, 0x100, 0xFFFF, 0x10000, 100000, 100001,
	0x1C71C71Cu, 0x1C71C71Du, 0x1FFFFFFFu, 0x20000000u, 0x3FFFFFFFu,
	0x40000000u, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFEu, 0xFFFFFFFFu
};
#define NBLOCK_U32S ((int) (sizeof(block_u32s) / sizeof(block_u32s[0])))

static Seed seeds[NSEEDS];
static const uint8_t *valid;	/* the seed being mutated */
static size_t valid_len;
static const Layout *layout;
static const Seed *cur_seed;
static Layout *building;		/* the layout NoteField fills */
static uint8_t work[WORK_CAP];
static unsigned long n_crc_collisions;

/* realloc() semantics through malloc/realloc, as the writer expects. */
static void *
MallocGrow(void *ptr, size_t size)
{
	if (ptr == NULL)
		return malloc(size);
	return realloc(ptr, size);
}

/* A grow function that always fails, to check the writer's failure path. */
static void *
FailingGrow(void *ptr, size_t size)
{
	(void) ptr;
	(void) size;
	return NULL;
}

/* Make seed i the model that the phases and mutations start from. */
static void
UseSeed(int i)
{
	cur_seed = &seeds[i];
	valid = seeds[i].buf;
	valid_len = seeds[i].len;
	layout = &seeds[i].layout;
	cur_model = seeds[i].spec->label;
}

/* Remember a field about to be written, for targeted mutations. */
static void
NoteField(const MlpWriter *w, size_t delta, int width)
{
	if (building->nfields < MAX_FIELDS)
	{
		building->fields[building->nfields].off = w->len + delta;
		building->fields[building->nfields].width = width;
		building->nfields++;
	}
}

/* Write a string and note its length field. */
static void
PutStrNoted(MlpWriter *w, const char *s)
{
	NoteField(w, 0, 4);
	mlp_put_str(w, s);
}

/* Write a u8 and note it. */
static void
PutU8Noted(MlpWriter *w, uint8_t v)
{
	NoteField(w, 0, 1);
	mlp_put_u8(w, v);
}

/* Write a u32 and note it. */
static void
PutU32Noted(MlpWriter *w, uint32_t v)
{
	NoteField(w, 0, 4);
	mlp_put_u32(w, v);
}

/* Write an f64 of an optional block and note where it lies. */
static void
PutF64Noted(MlpWriter *w, double v)
{
	if (building->nf64s < MAX_FIELDS)
		building->f64s[building->nf64s++] = w->len;
	mlp_put_f64(w, v);
}

/* pos's byte index inside a noted f64 of the current seed, or -1. */
static int
InF64(size_t pos)
{
	for (int i = 0; i < layout->nf64s; i++)
		if (pos >= layout->f64s[i] && pos < layout->f64s[i] + 8)
			return (int) (pos - layout->f64s[i]);
	return -1;
}

/* Open a section and note its id, pad and length fields. */
static void
BeginSectionNoted(MlpWriter *w, uint16_t id)
{
	building->sec_off[id] = w->len;
	NoteField(w, 0, 2);
	NoteField(w, 2, 2);
	NoteField(w, 4, 4);
	mlp_begin_section(w, id);
}

/* Start an optional block with its marker, and note where it begins. */
static void
BeginBlock(MlpWriter *w, uint8_t marker)
{
	if (building->nblocks < SEED_MAX_BLOCKS)
		building->block_off[building->nblocks++] = w->len;
	PutU8Noted(w, marker);
}

/* The optional blocks of a seed's feature section, as MlpModelSerialize writes them. */
static void
PutSeedBlocks(MlpWriter *w, const SeedSpec *s)
{
	if (s->prep)
	{
		BeginBlock(w, PREP_MARKER);
		for (uint32_t j = 0; j < s->nf; j++)
		{
			PutU8Noted(w, s->impute[j]);
			PutF64Noted(w, s->fill[j]);
			PutF64Noted(w, s->center[j]);
			PutF64Noted(w, s->scale[j]);
		}
	}
	if (s->nterms > 0)
	{
		BeginBlock(w, POLY_MARKER);
		PutU32Noted(w, s->nterms);
		for (uint32_t t = 0; t < s->nterms; t++)
		{
			PutU8Noted(w, s->degree[t]);
			for (int k = 0; k < s->degree[t]; k++)
				PutU32Noted(w, s->factor[t][k]);
		}
	}
	if (s->ninputs > 0)
	{
		BeginBlock(w, ENC_MARKER);
		PutU32Noted(w, s->ninputs);
		for (uint32_t i = 0; i < s->ninputs; i++)
		{
			const SeedInput *in = &s->inputs[i];

			uint32_t	nwrite = in->ncat < SEED_MAX_CATS ? in->ncat : SEED_MAX_CATS;

			PutStrNoted(w, in->name);
			PutU8Noted(w, in->kind);
			if (IS_DATE(in->kind))
				PutU8Noted(w, in->parts);
			if (in->kind == INPUT_ARRAY)
				PutU32Noted(w, in->length);
			if (in->kind == INPUT_HASH)
			{
				PutU32Noted(w, in->nbuckets);
				PutU32Noted(w, in->ncat);
				for (uint32_t k = 0; k < nwrite; k++)
					PutU32Noted(w, in->buckets[k]);
				PutU8Noted(w, in->isnull);
				continue;
			}
			if (in->kind != INPUT_CATEGORY && in->kind != INPUT_ORDINAL &&
				in->kind != INPUT_TARGET)
				continue;
			PutU32Noted(w, in->ncat);
			for (uint32_t k = 0; k < nwrite && in->cats[k] != NULL; k++)
			{
				PutStrNoted(w, in->cats[k]);
				if (in->kind == INPUT_TARGET)
					PutF64Noted(w, in->tvalue[k]);
			}
			if (in->kind == INPUT_TARGET)
			{
				PutU8Noted(w, in->isnull);
				PutF64Noted(w, in->null_value);
				PutF64Noted(w, in->default_value);
			}
			if (in->kind == INPUT_CATEGORY)
			{
				PutU8Noted(w, in->other);
				PutU8Noted(w, in->isnull);
			}
		}
	}
	if (s->transform)
	{
		BeginBlock(w, TRANSFORM_MARKER);
		for (uint32_t j = 0; j < s->nf; j++)
		{
			PutU8Noted(w, s->tkind[j]);
			PutF64Noted(w, s->lo[j]);
			PutF64Noted(w, s->hi[j]);
			if (s->tkind[j] != TRANSFORM_BUCKETIZE)
				continue;
			PutU32Noted(w, s->nedges[j]);
			for (uint32_t e = 0; e < s->nedges[j] && e < SEED_MAX_EDGES; e++)
				PutF64Noted(w, s->edges[j][e]);
		}
	}
	if (s->nselected > 0)
	{
		BeginBlock(w, SELECT_MARKER);
		PutU32Noted(w, s->nselected);
		for (uint32_t i = 0; i < s->nselected; i++)
			PutU32Noted(w, s->selected[i]);
	}
}

/* The algorithm id and task a seed is written with. */
static uint16_t
SeedAlgorithm(const SeedSpec *s)
{
	return s->algorithm ? s->algorithm : ALGO_LINEAR_FIRST;
}

static uint8_t
SeedTask(const SeedSpec *s)
{
	if (s->task)
		return s->task;
	return AlgoTask(SeedAlgorithm(s)) == TASK_CLASSIFICATION ?
		TASK_CLASSIFICATION : TASK_REGRESSION;
}

/* The algorithm whose payload a seed's estimator section holds. */
static uint16_t
SeedPayload(const SeedSpec *s)
{
	return s->payload ? s->payload : SeedAlgorithm(s);
}

/* naive_bayes's k and p as a seed writes them */
static uint32_t
SeedNbK(const SeedSpec *s)
{
	return s->nb_k ? s->nb_k : s->nclasses;
}

static uint32_t
SeedNbP(const SeedSpec *s)
{
	if (s->nb_p)
		return s->nb_p;
	return s->nselected > 0 && !s->est_all ? s->nselected : s->nf;
}

/*
 * The naive_bayes payload, as NbSerialize writes it: u32 k, u32 p, the
 * priors, the means, the variances (at most SEED_MAX_CLASSES classes and
 * SEED_MAX_FEATURES features of values, so a broken seed may say more);
 * with nb_groups then u32 ngroups, that many groups' u32 first and u32
 * width (at most SEED_MAX_FEATURES, nb_groups_short fewer) and k * total
 * log probabilities (total the written widths' sum; at most SEED_MAX_NB);
 * nb_extra more values (1 after the Gaussian part, -0.5 after the log
 * probabilities) or that many fewer of the last run, then nb_pad zero
 * bytes.
 */
static void
PutSeedNaiveBayes(MlpWriter *w, const SeedSpec *s)
{
	uint32_t	k = SeedNbK(s);
	uint32_t	p = SeedNbP(s);
	uint32_t	kw = k < SEED_MAX_CLASSES ? k : SEED_MAX_CLASSES;
	uint32_t	pw = p < SEED_MAX_FEATURES ? p : SEED_MAX_FEATURES;
	double		vals[SEED_MAX_CLASSES + 2 * SEED_MAX_NB];
	int			n = 0;
	int			extra = s->nb_groups ? 0 : s->nb_extra;

	PutU32Noted(w, k);
	PutU32Noted(w, p);
	for (uint32_t c = 0; c < kw; c++)
		vals[n++] = s->nb_prior[c];
	for (uint32_t i = 0; i < kw * pw; i++)
		vals[n++] = s->nb_mean[i];
	for (uint32_t i = 0; i < kw * pw; i++)
		vals[n++] = s->nb_var[i];
	for (int i = 0; i < n + (extra < 0 ? extra : 0); i++)
		PutF64Noted(w, vals[i]);
	for (int i = 0; i < extra; i++)
		PutF64Noted(w, 1.0);
	if (s->nb_groups)
	{
		int			ngw = (int) (s->nb_ngroups < SEED_MAX_FEATURES ?
								 s->nb_ngroups : SEED_MAX_FEATURES) - s->nb_groups_short;
		uint64_t	total = 0;
		uint64_t	nlogp;

		PutU32Noted(w, s->nb_ngroups);
		for (int g = 0; g < ngw; g++)
		{
			PutU32Noted(w, s->nb_first[g]);
			PutU32Noted(w, s->nb_width[g]);
			total += s->nb_width[g];
		}
		/* k * total, at most SEED_MAX_NB (total first, so it cannot wrap) */
		nlogp = total < SEED_MAX_NB ? (uint64_t) k * total : SEED_MAX_NB;
		if (nlogp > SEED_MAX_NB)
			nlogp = SEED_MAX_NB;
		for (int i = 0; i < (int) nlogp + (s->nb_extra < 0 ? s->nb_extra : 0); i++)
			PutF64Noted(w, s->nb_logp[i]);
		for (int i = 0; i < s->nb_extra; i++)
			PutF64Noted(w, -0.5);
	}
	for (uint32_t i = 0; i < s->nb_pad; i++)
		mlp_put_u8(w, 0);
}

/* logistic_regression's and linear_svm's k and p as a seed writes them */
static uint32_t
SeedLcK(const SeedSpec *s)
{
	return s->lc_k ? s->lc_k : s->nclasses;
}

static uint32_t
SeedLcP(const SeedSpec *s)
{
	if (s->lc_p)
		return s->lc_p;
	return s->nselected > 0 && !s->est_all ? s->nselected : s->nf;
}

/*
 * The logistic_regression or linear_svm payload, as LogSerialize and
 * SvmSerialize write it: u32 k, u32 p, linear_svm's u8 calibrated, the
 * weights of each vector (then its intercept), linear_svm's Platt values
 * (at most SEED_MAX_CLASSES vectors of SEED_MAX_FEATURES weights, so a
 * broken seed may say more), then lc_extra more values or that many
 * fewer, then lc_pad zero bytes.
 */
static void
PutSeedLinearClassifier(MlpWriter *w, const SeedSpec *s, bool svm)
{
	uint32_t	k = SeedLcK(s);
	uint32_t	p = SeedLcP(s);
	uint32_t	nv = NVectors(k) < SEED_MAX_CLASSES ? NVectors(k) : SEED_MAX_CLASSES;
	uint32_t	pw = p < SEED_MAX_FEATURES ? p : SEED_MAX_FEATURES;
	double		vals[SEED_MAX_LC + 2 * SEED_MAX_CLASSES];
	int			n = 0;

	PutU32Noted(w, k);
	PutU32Noted(w, p);
	if (svm && !s->lc_noflag)
		PutU8Noted(w, s->lc_calibrated);
	for (uint32_t i = 0; i < nv * (pw + 1); i++)
		vals[n++] = s->lc_w[i];
	for (uint32_t i = 0; svm && i < 2 * nv; i++)
		vals[n++] = s->lc_platt[i];
	for (int i = 0; i < n + (s->lc_extra < 0 ? s->lc_extra : 0); i++)
		PutF64Noted(w, vals[i]);
	for (int i = 0; i < s->lc_extra; i++)
		PutF64Noted(w, 1.0);
	for (uint32_t i = 0; i < s->lc_pad; i++)
		mlp_put_u8(w, 0);
}

/* Build the model s describes as model.c and its estimator would write it. */
static void
BuildSeed(const SeedSpec *s, Seed *sd)
{
	Layout	   *l = &sd->layout;
	uint32_t	p = s->nselected > 0 && !s->est_all ? s->nselected : s->nf;
	MlpWriter	w;

	memset(sd, 0, sizeof(*sd));
	sd->spec = s;
	building = l;
	cur_model = s->label;
	mlp_writer_init(&w, MallocGrow);
	NoteField(&w, 4, 2);		/* version */
	NoteField(&w, 6, 2);		/* algorithm */
	NoteField(&w, 8, 1);		/* task */
	NoteField(&w, 10, 2);		/* section count */
	NoteField(&w, 12, 4);		/* total length */
	mlp_begin_model(&w, SeedAlgorithm(s), SeedTask(s));

	BeginSectionNoted(&w, MLP_SEC_FEATURES);
	PutU32Noted(&w, s->nf);
	for (uint32_t j = 0; j < s->nf; j++)
	{
		PutStrNoted(&w, s->names[j]);
		PutStrNoted(&w, s->types[j]);
	}
	PutSeedBlocks(&w, s);
	l->blocks_end = w.len;
	mlp_end_section(&w);

	BeginSectionNoted(&w, MLP_SEC_TARGET);
	PutStrNoted(&w, s->target ? s->target : target_name);
	PutStrNoted(&w, s->target_type ? s->target_type : target_type);
	if (s->classes)
	{
		l->classes_off = w.len;
		PutU8Noted(&w, s->classes_marker ? s->classes_marker : CLASSES_MARKER);
		if (!s->classes_cut)
		{
			PutU32Noted(&w, s->nclasses);
			for (uint32_t c = 0; c < s->nclasses && c < SEED_MAX_CLASSES &&
				 s->labels[c] != NULL; c++)
				PutStrNoted(&w, s->labels[c]);
		}
	}
	for (uint32_t i = 0; i < s->target_extra; i++)
		mlp_put_u8(&w, 0);
	l->target_end = w.len;
	mlp_end_section(&w);

	BeginSectionNoted(&w, MLP_SEC_ESTIMATOR);
	switch (SeedPayload(s))
	{
		case ALGO_NAIVE_BAYES:
			PutSeedNaiveBayes(&w, s);
			break;
		case ALGO_LOGISTIC:
		case ALGO_LINEAR_SVM:
			PutSeedLinearClassifier(&w, s, SeedPayload(s) == ALGO_LINEAR_SVM);
			break;
		default:
			PutU32Noted(&w, p);
			mlp_put_f64(&w, intercept);
			for (uint32_t j = 0; j < p; j++)
				mlp_put_f64(&w, s->coef[j]);
			break;
	}
	mlp_end_section(&w);

	mlp_finish_model(&w);
	if (w.failed)
		Fail("the writer failed on a seed model");
	sd->buf = w.buf;
	sd->len = w.len;
	l->sec_size[MLP_SEC_FEATURES] = l->sec_off[MLP_SEC_TARGET] -
		l->sec_off[MLP_SEC_FEATURES];
	l->sec_size[MLP_SEC_TARGET] = l->sec_off[MLP_SEC_ESTIMATOR] -
		l->sec_off[MLP_SEC_TARGET];
	l->sec_size[MLP_SEC_ESTIMATOR] = w.len - MLP_TRAILER_SIZE -
		l->sec_off[MLP_SEC_ESTIMATOR];
	if (w.len + 1024 > WORK_CAP)
		Fail("seed model is too large for the work buffer");
	if (l->nfields >= MAX_FIELDS || l->nf64s >= MAX_FIELDS)
		Fail("seed model has more fields than MAX_FIELDS");

	sd->want.nf = s->nf;
	sd->want.nbase = s->nf - s->nterms;
	sd->want.nterms = s->nterms;
	sd->want.ninputs = s->ninputs;
	sd->want.nselected = s->nselected;
	sd->want.prep = s->prep;
	sd->want.transform = s->transform;
	sd->want.nclasses = s->classes ? s->nclasses : 0;
	sd->want.algorithm = SeedAlgorithm(s);
	for (uint32_t i = 0; i < s->ninputs; i++)
		sd->want.kinds |= UINT32_C(1) << s->inputs[i].kind;
	for (uint32_t j = 0; s->transform && j < s->nf; j++)
		sd->want.nbucketized += (s->tkind[j] == TRANSFORM_BUCKETIZE);
}

/* a seed model with one rule of its optional blocks broken (BreakSpec) */
typedef struct BadSeed
{
	int			base;			/* the seed_specs entry it starts from */
	const char *what;
	const char *why;			/* what model.c says, so what the walk must */
} BadSeed;

static const BadSeed bad_seeds[] = {
	{1, "product imputed", "block of products does not match the features"},
	{1, "product misnamed", "block of products does not match the features"},
	{1, "factors decreasing", "feature section has a bad block of products"},
	{1, "selection not ascending", "feature section has a bad block of selected features"},
	{1, "estimator sized for every feature", "linear model size does not match its features"},
	{2, "factor among the products", "feature section has a bad block of products"},
	{2, "every feature selected", "feature section has a bad block of selected features"},
	{2, "selected index past the features", "feature section has a bad block of selected features"},
	{2, "transform without preprocessing", "feature section has a bad transform block"},
	{3, "products encoded as inputs", "encoding does not match the features"},
	{3, "one-hot feature centred", "encoding does not match the preprocessing"},
	{5, "transform on a product", "feature section has invalid transform values"},
	{6, "product of a date part", "block of products does not match the encoding"},
	{6, "date parts imputed apart", "encoding does not match the features"},
	{7, "ordinal categories out of order", "feature section has a bad encoding block"},
	{7, "ordinal category repeated", "feature section has a bad encoding block"},
	{7, "ordinal category a prefix of the one before", "feature section has a bad encoding block"},
	{7, "ordinal without categories", "feature section has a bad encoding block"},
	{7, "ordinal past the category limit", "feature section has a bad encoding block"},
	{7, "ordinal categories past the section", "feature section has a bad encoding block"},
	{7, "ordinal input named unlike its feature", "encoding does not match the features"},
	{7, "target categories out of order", "feature section has a bad encoding block"},
	{7, "target value infinite", "feature section has a bad encoding block"},
	{7, "target NULL value NaN", "feature section has a bad encoding block"},
	{7, "target default value infinite", "feature section has a bad encoding block"},
	{7, "target has NULL 2", "feature section has a bad encoding block"},
	{7, "target input named unlike its feature", "encoding does not match the features"},
	{7, "hash with one bucket", "feature section has a bad encoding block"},
	{7, "hash past the bucket limit", "feature section has a bad encoding block"},
	{7, "hash keeps more buckets than it has", "feature section has a bad encoding block"},
	{7, "hash bucket past the count", "feature section has a bad encoding block"},
	{7, "hash buckets out of order", "feature section has a bad encoding block"},
	{7, "hash bucket repeated", "feature section has a bad encoding block"},
	{7, "hash has NULL 2", "feature section has a bad encoding block"},
	{7, "hash feature scaled", "encoding does not match the preprocessing"},
	{7, "hash NULL feature imputed", "encoding does not match the preprocessing"},
	{7, "array of length 0", "feature section has a bad encoding block"},
	{7, "array past the length limit", "feature section has a bad encoding block"},
	{7, "array longer than the features left", "encoding does not match the features"},
	{7, "array elements out of order", "encoding does not match the features"},
	{7, "array element named from 0", "encoding does not match the features"},
	{7, "array elements imputed apart", "encoding does not match the features"},
	{7, "input kind past array", "feature section has a bad encoding block"},
	{7, "transform on an ordinal feature", "feature section has invalid transform values"},
	{7, "transform on a target feature", "feature section has invalid transform values"},
	{7, "bucketize on a hash feature", "feature section has invalid transform values"},
	{7, "bucketize edges out of order", "feature section has invalid transform values"},
	{7, "bucketize edges equal", "feature section has invalid transform values"},
	{7, "bucketize edge infinite", "feature section has invalid transform values"},
	{7, "bucketize edge NaN", "feature section has invalid transform values"},
	{7, "bucketize with one edge", "feature section has a bad transform block"},
	{7, "bucketize past the bin limit", "feature section has a bad transform block"},
	{7, "bucketize edges past the section", "feature section has a bad transform block"},
	{7, "transform id past bucketize", "feature section has invalid transform values"},
	{8, "bucketize on a product", "feature section has invalid transform values"},
	{8, "product of an array element", "block of products does not match the encoding"},
	{8, "product of an ordinal feature", "block of products does not match the encoding"},
	{8, "hash without features", "feature section has a bad encoding block"},
	{8, "target categories equal empty strings", "feature section has a bad encoding block"},
	{9, "array elements named after another input", "encoding does not match the features"},
	{9, "target with too few bytes for its categories", "feature section has a bad encoding block"},
	{0, "regression with class labels", "target section does not match the task"},
	{0, "regression target with a byte after its type", "target section has bad class labels"},
	{0, "linear_regression with the classification task", "task does not match the algorithm"},
	{0, "algorithm id 65535", "unknown algorithm id"},
	{10, "algorithm id past linear_svm", "unknown algorithm id"},
	{10, "naive_bayes with the regression task", "task does not match the algorithm"},
	{10, "naive_bayes with task 3", "task does not match the algorithm"},
	{10, "classifier without class labels", "target section does not match the task"},
	{10, "class labels with another marker", "target section has bad class labels"},
	{10, "class labels marker alone", "target section has bad class labels"},
	{10, "one class label", "target section has bad class labels"},
	{10, "no class labels after the marker", "target section has bad class labels"},
	{10, "class labels past the limit", "target section has bad class labels"},
	{10, "class count past the section", "target section has bad class labels"},
	{10, "class labels fewer than their count", "a name is truncated"},
	{10, "class label repeated", "target section has bad class labels"},
	{12, "empty class label repeated", "target section has bad class labels"},
	{10, "bytes after the class labels", "target section has trailing bytes"},
	{10, "naive_bayes with one class", "naive_bayes payload has the wrong size"},
	{10, "naive_bayes past the class limit", "naive_bayes payload has the wrong size"},
	{10, "naive_bayes sized for a feature fewer", "naive_bayes payload has the wrong size"},
	{10, "naive_bayes sized for a feature more", "naive_bayes payload has the wrong size"},
	{11, "naive_bayes sized for every feature despite a selection", "naive_bayes payload has the wrong size"},
	{10, "naive_bayes a value short", "naive_bayes payload has the wrong size"},
	{10, "naive_bayes a value long", "naive_bayes payload has the wrong size"},
	{10, "naive_bayes a byte long", "naive_bayes payload has the wrong size"},
	{10, "naive_bayes prior 0", "naive_bayes has an invalid prior"},
	{10, "naive_bayes prior just above 1", "naive_bayes has an invalid prior"},
	{10, "naive_bayes prior negative", "naive_bayes has an invalid prior"},
	{10, "naive_bayes prior NaN", "naive_bayes has an invalid prior"},
	{10, "naive_bayes prior infinite", "naive_bayes has an invalid prior"},
	{10, "naive_bayes prior and mean both bad", "naive_bayes has an invalid prior"},
	{10, "naive_bayes mean infinite", "naive_bayes has a non-finite mean"},
	{10, "naive_bayes mean NaN", "naive_bayes has a non-finite mean"},
	{10, "naive_bayes mean and variance both bad", "naive_bayes has a non-finite mean"},
	{10, "naive_bayes variance 0", "naive_bayes has an invalid variance"},
	{10, "naive_bayes variance -0", "naive_bayes has an invalid variance"},
	{10, "naive_bayes variance negative", "naive_bayes has an invalid variance"},
	{10, "naive_bayes variance infinite", "naive_bayes has an invalid variance"},
	{10, "naive_bayes variance NaN", "naive_bayes has an invalid variance"},
	{11, "naive_bayes variance 0 with a selection", "naive_bayes has an invalid variance"},
	{10, "naive_bayes of fewer classes than labels", "estimator does not match the class labels"},
	{10, "naive_bayes of more classes than labels", "estimator does not match the class labels"},
	{11, "two labels, naive_bayes of three classes", "estimator does not match the class labels"},
	{12, "boundary prior past 1", "naive_bayes has an invalid prior"},
	{12, "boundary mean overflowed", "naive_bayes has a non-finite mean"},
	{12, "boundary variance underflowed", "naive_bayes has an invalid variance"},
	{13, "logistic_regression with the regression task", "task does not match the algorithm"},
	{13, "logistic_regression without class labels", "target section does not match the task"},
	{13, "logistic_regression with one class", "logistic_regression payload has the wrong size"},
	{14, "logistic_regression past the class limit", "logistic_regression payload has the wrong size"},
	{14, "logistic_regression sized for a feature fewer", "logistic_regression payload has the wrong size"},
	{14, "logistic_regression sized for a feature more", "logistic_regression payload has the wrong size"},
	{14, "logistic_regression sized for every feature despite a selection", "logistic_regression payload has the wrong size"},
	{13, "logistic_regression a value short", "logistic_regression payload has the wrong size"},
	{13, "logistic_regression a value long", "logistic_regression payload has the wrong size"},
	{13, "logistic_regression a byte long", "logistic_regression payload has the wrong size"},
	{13, "logistic_regression of two classes with two vectors", "logistic_regression payload has the wrong size"},
	{14, "logistic_regression of three classes with one vector", "logistic_regression payload has the wrong size"},
	{14, "logistic_regression multinomial a byte long", "logistic_regression payload has the wrong size"},
	{13, "logistic_regression weight NaN", "logistic_regression has a non-finite coefficient"},
	{13, "logistic_regression intercept infinite", "logistic_regression has a non-finite coefficient"},
	{14, "logistic_regression last intercept -infinity", "logistic_regression has a non-finite coefficient"},
	{14, "logistic_regression weight and intercept both bad", "logistic_regression has a non-finite coefficient"},
	{14, "three labels, logistic_regression of two classes", "estimator does not match the class labels"},
	{13, "two labels, logistic_regression of three classes", "estimator does not match the class labels"},
	{14, "three labels, logistic_regression of four classes", "estimator does not match the class labels"},
	{18, "logistic_regression boundary weight overflowed", "logistic_regression has a non-finite coefficient"},
	{13, "logistic_regression payload read as linear_svm", "linear_svm payload has the wrong size"},
	{13, "logistic_regression payload read as naive_bayes", "naive_bayes payload has the wrong size"},
	{10, "naive_bayes payload read as logistic_regression", "logistic_regression payload has the wrong size"},
	{10, "naive_bayes payload read as linear_svm", "linear_svm payload has the wrong size"},
	{15, "linear_svm with the regression task", "task does not match the algorithm"},
	{16, "linear_svm with task 3", "task does not match the algorithm"},
	{16, "linear_svm without class labels", "target section does not match the task"},
	{15, "linear_svm with one class", "linear_svm payload has the wrong size"},
	{16, "linear_svm past the class limit", "linear_svm payload has the wrong size"},
	{15, "linear_svm sized for a feature fewer", "linear_svm payload has the wrong size"},
	{16, "linear_svm sized for a feature more", "linear_svm payload has the wrong size"},
	{16, "linear_svm sized for every feature despite a selection", "linear_svm payload has the wrong size"},
	{15, "linear_svm calibrated flag 2", "linear_svm payload has the wrong size"},
	{16, "linear_svm calibrated flag 255", "linear_svm payload has the wrong size"},
	{15, "linear_svm without its calibrated flag", "linear_svm payload has the wrong size"},
	{15, "linear_svm without its Platt values", "linear_svm payload has the wrong size"},
	{16, "linear_svm shaped as logistic_regression", "linear_svm payload has the wrong size"},
	{15, "linear_svm a value short", "linear_svm payload has the wrong size"},
	{15, "linear_svm a value long", "linear_svm payload has the wrong size"},
	{16, "linear_svm a byte long", "linear_svm payload has the wrong size"},
	{16, "linear_svm a byte short", "linear_svm payload has the wrong size"},
	{15, "linear_svm of two classes with two problems", "linear_svm payload has the wrong size"},
	{16, "linear_svm of four classes with one problem", "linear_svm payload has the wrong size"},
	{15, "linear_svm weight NaN", "linear_svm has a non-finite coefficient"},
	{15, "linear_svm intercept infinite", "linear_svm has a non-finite coefficient"},
	{15, "linear_svm Platt slope NaN", "linear_svm has a non-finite coefficient"},
	{16, "linear_svm uncalibrated Platt value infinite", "linear_svm has a non-finite coefficient"},
	{16, "linear_svm uncalibrated Platt value NaN", "linear_svm has a non-finite coefficient"},
	{17, "linear_svm boundary Platt value overflowed", "linear_svm has a non-finite coefficient"},
	{17, "linear_svm boundary weight overflowed", "linear_svm has a non-finite coefficient"},
	{16, "four labels, linear_svm of three classes", "estimator does not match the class labels"},
	{15, "two labels, linear_svm of three classes", "estimator does not match the class labels"},
	{17, "three labels, linear_svm of two classes", "estimator does not match the class labels"},
	{15, "linear_svm payload read as logistic_regression", "logistic_regression payload has the wrong size"},
	{17, "linear_svm payload read as naive_bayes", "naive_bayes payload has the wrong size"},
	{10, "naive_bayes two bytes long", "naive_bayes payload has the wrong size"},
	{10, "naive_bayes three bytes long", "naive_bayes payload has the wrong size"},
	{10, "naive_bayes four zero bytes long: a group count of 0", "naive_bayes payload has the wrong size"},
	{10, "naive_bayes a group count of 0 and a group", "naive_bayes payload has the wrong size"},
	{19, "naive_bayes three bytes where the group count goes", "naive_bayes payload has the wrong size"},
	{19, "naive_bayes log probabilities a value short", "naive_bayes payload has the wrong size"},
	{19, "naive_bayes log probabilities a value long", "naive_bayes payload has the wrong size"},
	{19, "naive_bayes log probabilities a byte long", "naive_bayes payload has the wrong size"},
	{19, "naive_bayes log probabilities sized for a category fewer", "naive_bayes payload has the wrong size"},
	{19, "naive_bayes group count past the features", "naive_bayes payload has the wrong size"},
	{20, "naive_bayes group count 0xFFFFFFFF", "naive_bayes payload has the wrong size"},
	{20, "naive_bayes fewer bytes than the group count's groups", "naive_bayes payload has the wrong size"},
	{19, "naive_bayes group count alone", "naive_bayes payload has the wrong size"},
	{20, "naive_bayes groups overlapping", "naive_bayes has an invalid one-hot group"},
	{20, "naive_bayes groups out of order", "naive_bayes has an invalid one-hot group"},
	{20, "naive_bayes group repeated", "naive_bayes has an invalid one-hot group"},
	{19, "naive_bayes group of width 0", "naive_bayes has an invalid one-hot group"},
	{19, "naive_bayes group wider than the features", "naive_bayes has an invalid one-hot group"},
	{19, "naive_bayes group past the last feature", "naive_bayes has an invalid one-hot group"},
	{19, "naive_bayes group first 0xFFFFFFFF", "naive_bayes has an invalid one-hot group"},
	{19, "naive_bayes group width wrapping its end to 0", "naive_bayes has an invalid one-hot group"},
	{22, "naive_bayes width-1 group after the last feature", "naive_bayes has an invalid one-hot group"},
	{21, "naive_bayes group of every feature from feature 1", "naive_bayes has an invalid one-hot group"},
	{19, "naive_bayes log probability positive", "naive_bayes has an invalid category probability"},
	{19, "naive_bayes log probability NaN", "naive_bayes has an invalid category probability"},
	{20, "naive_bayes log probability infinite", "naive_bayes has an invalid category probability"},
	{20, "naive_bayes log probability -infinity", "naive_bayes has an invalid category probability"},
	{21, "boundary log probability just above 0", "naive_bayes has an invalid category probability"},
	{22, "naive_bayes log probability -NaN", "naive_bayes has an invalid category probability"},
	{19, "naive_bayes group and log probability both bad", "naive_bayes has an invalid one-hot group"},
	{20, "naive_bayes variance and group both bad", "naive_bayes has an invalid variance"},
	{19, "naive_bayes group count and log probability both bad", "naive_bayes payload has the wrong size"},
	{19, "naive_bayes log probabilities short and one NaN", "naive_bayes payload has the wrong size"},
	{19, "naive_bayes payload with groups read as logistic_regression", "logistic_regression payload has the wrong size"},
	{20, "naive_bayes payload with groups read as linear_svm", "linear_svm payload has the wrong size"},
	{22, "two labels, naive_bayes with groups of three classes", "estimator does not match the class labels"}
};
#define NBAD_SEEDS ((int) (sizeof(bad_seeds) / sizeof(bad_seeds[0])))

/* Break rule i of bad_seeds in a copy of its seed's spec. */
static void
BreakSpec(int i, SeedSpec *s)
{
	switch (i)
	{
		case 0:
			s->impute[3] = PREP_FILL;
			s->fill[3] = 1;
			break;
		case 1:
			s->names[5] = "x1*bmi*bmi";
			break;
		case 2:
			s->factor[1][0] = 2;
			s->factor[1][1] = 0;
			s->names[4] = "bmi*x1";
			break;
		case 3:
			s->selected[0] = 3;
			s->selected[1] = 1;
			break;
		case 4:
			s->est_all = true;
			break;
		case 5:
			s->factor[0][1] = 2;
			s->names[2] = "a*a*b";
			break;
		case 6:
			s->nselected = 3;
			s->selected[1] = 1;
			s->selected[2] = 2;
			s->coef[2] = 1;
			break;
		case 7:
			s->selected[1] = 3;
			break;
		case 8:
			s->transform = true;
			break;
		case 9:
			s->ninputs = 8;
			for (int k = 0; k < 3; k++)
			{
				s->inputs[5 + k].name = s->names[8 + k];
				s->inputs[5 + k].kind = INPUT_NUMERIC;
			}
			break;
		case 10:
			s->center[2] = 0.5;
			break;
		case 11:
			s->tkind[2] = 1;
			break;
		case 12:
			s->names[3] = "t:hour^2";
			s->factor[0][0] = 0;
			s->factor[0][1] = 0;
			break;
		case 13:
			s->impute[1] = PREP_FILL;
			break;
		case 14:				/* ordinal categories out of order */
			s->inputs[0].cats[0] = "B";
			s->inputs[0].cats[1] = "A";
			break;
		case 15:				/* ordinal category repeated */
			s->inputs[0].cats[1] = "A";
			break;
		case 16:				/* ordinal category a prefix of the one before */
			s->inputs[0].cats[0] = "AB";
			s->inputs[0].cats[1] = "A";
			break;
		case 17:				/* ordinal without categories */
			s->inputs[0].ncat = 0;
			break;
		case 18:				/* ordinal past the category limit */
			s->inputs[0].ncat = MAX_CATEGORIES_LIMIT + 1;
			break;
		case 19:				/* ordinal categories past the section */
			s->inputs[0].ncat = MAX_CATEGORIES_LIMIT;
			break;
		case 20:				/* ordinal input named unlike its feature */
			s->inputs[0].name = "grades";
			break;
		case 21:				/* target categories out of order */
			s->inputs[1].cats[0] = "oslo";
			s->inputs[1].cats[1] = "berlin";
			break;
		case 22:				/* target value infinite */
			s->inputs[1].tvalue[2] = INFINITY;
			break;
		case 23:				/* target NULL value NaN */
			s->inputs[1].null_value = NAN;
			break;
		case 24:				/* target default value infinite */
			s->inputs[1].default_value = -INFINITY;
			break;
		case 25:				/* target has NULL 2 */
			s->inputs[1].isnull = 2;
			break;
		case 26:				/* target input named unlike its feature */
			s->inputs[1].name = "town";
			break;
		case 27:				/* hash with one bucket */
			s->inputs[2].nbuckets = 1;
			break;
		case 28:				/* hash past the bucket limit */
			s->inputs[2].nbuckets = HASH_MAX_BUCKETS + 1;
			break;
		case 29:				/* hash keeps more buckets than it has */
			s->inputs[2].nbuckets = 2;
			break;
		case 30:				/* hash bucket past the count */
			s->inputs[2].nbuckets = 13;
			break;
		case 31:				/* hash buckets out of order */
			s->inputs[2].buckets[0] = 7;
			s->inputs[2].buckets[1] = 2;
			break;
		case 32:				/* hash bucket repeated */
			s->inputs[2].buckets[1] = 2;
			break;
		case 33:				/* hash has NULL 2 */
			s->inputs[2].isnull = 2;
			break;
		case 34:				/* hash feature scaled */
			s->scale[3] = 2;
			break;
		case 35:				/* hash NULL feature imputed */
			s->impute[5] = PREP_FILL;
			break;
		case 36:				/* array of length 0 */
			s->inputs[3].length = 0;
			break;
		case 37:				/* array past the length limit */
			s->inputs[3].length = MAX_ARRAY_LENGTH + 1;
			break;
		case 38:				/* array longer than the features left */
			s->inputs[3].length = 5;
			break;
		case 39:				/* array elements out of order */
			s->names[7] = "v[3]";
			s->names[8] = "v[2]";
			break;
		case 40:				/* array element named from 0 */
			s->names[6] = "v[0]";
			break;
		case 41:				/* array elements imputed apart */
			s->impute[8] = PREP_FILL;
			break;
		case 42:				/* input kind past array */
			s->inputs[4].kind = INPUT_KIND_MAX + 1;
			break;
		case 43:				/* transform on an ordinal feature */
			s->tkind[0] = TRANSFORM_LOG1P;
			break;
		case 44:				/* transform on a target feature */
			s->tkind[1] = TRANSFORM_CLIP;
			s->hi[1] = 1;
			break;
		case 45:				/* bucketize on a hash feature */
			s->tkind[3] = TRANSFORM_BUCKETIZE;
			s->nedges[3] = 2;
			s->edges[3][1] = 1;
			break;
		case 46:				/* bucketize edges out of order */
			s->edges[9][2] = -2;
			break;
		case 47:				/* bucketize edges equal */
			s->edges[7][2] = 0.5;
			break;
		case 48:				/* bucketize edge infinite */
			s->edges[9][4] = INFINITY;
			break;
		case 49:				/* bucketize edge NaN */
			s->edges[7][0] = NAN;
			break;
		case 50:				/* bucketize with one edge */
			s->nedges[7] = 1;
			break;
		case 51:				/* bucketize past the bin limit */
			s->nedges[9] = BUCKETIZE_MAX_BINS + 2;
			break;
		case 52:				/* bucketize edges past the section */
			s->nedges[9] = 40;
			break;
		case 53:				/* transform id past bucketize */
			s->tkind[9] = TRANSFORM_BUCKETIZE + 1;
			break;
		case 54:				/* bucketize on a product */
			s->tkind[8] = TRANSFORM_BUCKETIZE;
			s->nedges[8] = 2;
			s->edges[8][1] = 1;
			break;
		case 55:				/* product of an array element */
			s->factor[1][1] = 6;
			s->names[9] = "a*arr[1]";
			break;
		case 56:				/* product of an ordinal feature */
			s->factor[1][1] = 4;
			s->names[9] = "a*o";
			break;
		case 57:				/* hash without features */
			s->inputs[2].isnull = 0;
			break;
		case 58:				/* target categories equal empty strings */
			s->inputs[4].cats[1] = "";
			break;
		case 59:				/* array elements named after another input */
			s->inputs[0].name = "bigger";
			break;
		case 60:				/* target with too few bytes for its categories */
			s->inputs[1].ncat = 300;
			break;
		case 61:				/* regression with class labels */
			s->classes = true;
			s->nclasses = 2;
			s->labels[0] = "a";
			s->labels[1] = "b";
			break;
		case 62:				/* regression target with a byte after its type */
			s->target_extra = 1;
			break;
		case 63:				/* linear_regression with the classification task */
			s->task = TASK_CLASSIFICATION;
			break;
		case 64:				/* algorithm id 65535 */
			s->algorithm = 0xFFFF;
			break;
		case 65:				/* algorithm id past linear_svm */
			s->algorithm = ALGO_LINEAR_SVM + 1;
			break;
		case 66:				/* naive_bayes with the regression task */
			s->task = TASK_REGRESSION;
			break;
		case 67:				/* naive_bayes with task 3 */
			s->task = 3;
			break;
		case 68:				/* classifier without class labels */
			s->classes = false;
			s->nb_k = 3;
			break;
		case 69:				/* class labels with another marker */
			s->classes_marker = CLASSES_MARKER - 1;
			break;
		case 70:				/* class labels marker alone */
			s->classes_cut = true;
			break;
		case 71:				/* one class label */
			s->nclasses = 1;
			s->nb_k = 3;
			break;
		case 72:				/* no class labels after the marker */
			s->nclasses = 0;
			s->nb_k = 3;
			break;
		case 73:				/* class labels past the limit */
			s->nclasses = MAX_CLASSES + 1;
			s->nb_k = 3;
			break;
		case 74:				/* class count past the section */
			s->nclasses = 100;
			s->nb_k = 3;
			break;
		case 75:				/* class labels fewer than their count */
			s->nclasses = 4;
			s->nb_k = 3;
			break;
		case 76:				/* class label repeated */
			s->labels[2] = "setosa";
			break;
		case 77:				/* empty class label repeated */
			s->labels[1] = "";
			break;
		case 78:				/* bytes after the class labels */
			s->target_extra = 1;
			break;
		case 79:				/* naive_bayes with one class */
			s->nb_k = 1;
			break;
		case 80:				/* naive_bayes past the class limit */
			s->nb_k = NB_MAX_CLASSES + 1;
			break;
		case 81:				/* naive_bayes sized for a feature fewer */
			s->nb_p = 2;
			break;
		case 82:				/* naive_bayes sized for a feature more */
			s->nb_p = 4;
			break;
		case 83:				/* naive_bayes sized for every feature despite a selection */
			s->est_all = true;
			break;
		case 84:				/* naive_bayes a value short */
			s->nb_extra = -1;
			break;
		case 85:				/* naive_bayes a value long */
			s->nb_extra = 1;
			break;
		case 86:				/* naive_bayes a byte long */
			s->nb_pad = 1;
			break;
		case 87:				/* naive_bayes prior 0 */
			s->nb_prior[1] = 0;
			break;
		case 88:				/* naive_bayes prior just above 1 */
			s->nb_prior[2] = nextafter(1.0, 2.0);
			break;
		case 89:				/* naive_bayes prior negative */
			s->nb_prior[0] = -0.3125;
			break;
		case 90:				/* naive_bayes prior NaN */
			s->nb_prior[1] = NAN;
			break;
		case 91:				/* naive_bayes prior infinite */
			s->nb_prior[2] = INFINITY;
			break;
		case 92:				/* naive_bayes prior and mean both bad */
			s->nb_prior[2] = 0;
			s->nb_mean[0] = NAN;
			break;
		case 93:				/* naive_bayes mean infinite */
			s->nb_mean[8] = INFINITY;
			break;
		case 94:				/* naive_bayes mean NaN */
			s->nb_mean[4] = NAN;
			break;
		case 95:				/* naive_bayes mean and variance both bad */
			s->nb_mean[0] = -INFINITY;
			s->nb_var[0] = 0;
			break;
		case 96:				/* naive_bayes variance 0 */
			s->nb_var[8] = 0;
			break;
		case 97:				/* naive_bayes variance -0 */
			s->nb_var[0] = -0.0;
			break;
		case 98:				/* naive_bayes variance negative */
			s->nb_var[3] = -0.25;
			break;
		case 99:				/* naive_bayes variance infinite */
			s->nb_var[5] = INFINITY;
			break;
		case 100:				/* naive_bayes variance NaN */
			s->nb_var[7] = NAN;
			break;
		case 101:				/* naive_bayes variance 0 with a selection */
			s->nb_var[3] = 0;
			break;
		case 102:				/* naive_bayes of fewer classes than labels */
			s->nb_k = 2;
			break;
		case 103:				/* naive_bayes of more classes than labels */
			s->nb_k = 4;
			s->nb_prior[3] = 0.125;
			for (int i = 9; i < 12; i++)
			{
				s->nb_mean[i] = 1;
				s->nb_var[i] = 1;
			}
			break;
		case 104:				/* two labels, naive_bayes of three classes */
			s->nb_k = 3;
			s->nb_prior[2] = 0.5;
			s->nb_var[4] = 1;
			s->nb_var[5] = 1;
			break;
		case 105:				/* boundary prior past 1 */
			s->nb_prior[0] = nextafter(1.0, 2.0);
			break;
		case 106:				/* boundary mean overflowed */
			s->nb_mean[1] = INFINITY;
			break;
		case 107:				/* boundary variance underflowed */
			s->nb_var[0] = 0;
			break;
		case 108:				/* logistic_regression with the regression task */
			s->task = TASK_REGRESSION;
			break;
		case 109:				/* logistic_regression without class labels */
			s->classes = false;
			break;
		case 110:				/* logistic_regression with one class */
			s->lc_k = 1;
			break;
		case 111:				/* logistic_regression past the class limit */
			s->lc_k = LC_MAX_CLASSES + 1;
			break;
		case 112:				/* logistic_regression sized for a feature fewer */
			s->lc_p = 1;
			break;
		case 113:				/* logistic_regression sized for a feature more */
			s->lc_p = 3;
			break;
		case 114:				/* logistic_regression sized for every feature despite a selection */
			s->est_all = true;
			break;
		case 115:				/* logistic_regression a value short */
			s->lc_extra = -1;
			break;
		case 116:				/* logistic_regression a value long */
			s->lc_extra = 1;
			break;
		case 117:				/* logistic_regression a byte long */
			s->lc_pad = 1;
			break;
		case 118:				/* logistic_regression of two classes with two vectors */
			s->lc_extra = 4;
			break;
		case 119:				/* logistic_regression of three classes with one vector */
			s->lc_extra = -6;
			break;
		case 120:				/* logistic_regression multinomial a byte long */
			s->lc_pad = 1;
			break;
		case 121:				/* logistic_regression weight NaN */
			s->lc_w[1] = NAN;
			break;
		case 122:				/* logistic_regression intercept infinite */
			s->lc_w[3] = INFINITY;
			break;
		case 123:				/* logistic_regression last intercept -infinity */
			s->lc_w[8] = -INFINITY;
			break;
		case 124:				/* logistic_regression weight and intercept both bad */
			s->lc_w[0] = NAN;
			s->lc_w[8] = INFINITY;
			break;
		case 125:				/* three labels, logistic_regression of two classes */
			s->lc_k = 2;
			break;
		case 126:				/* two labels, logistic_regression of three classes */
			s->lc_k = 3;
			break;
		case 127:				/* three labels, logistic_regression of four classes */
			s->lc_k = 4;
			break;
		case 128:				/* logistic_regression boundary weight overflowed */
			s->lc_w[0] = INFINITY;
			break;
		case 129:				/* logistic_regression payload read as linear_svm */
			s->payload = ALGO_LOGISTIC;
			s->algorithm = ALGO_LINEAR_SVM;
			break;
		case 130:				/* logistic_regression payload read as naive_bayes */
			s->payload = ALGO_LOGISTIC;
			s->algorithm = ALGO_NAIVE_BAYES;
			break;
		case 131:				/* naive_bayes payload read as logistic_regression */
			s->payload = ALGO_NAIVE_BAYES;
			s->algorithm = ALGO_LOGISTIC;
			break;
		case 132:				/* naive_bayes payload read as linear_svm */
			s->payload = ALGO_NAIVE_BAYES;
			s->algorithm = ALGO_LINEAR_SVM;
			break;
		case 133:				/* linear_svm with the regression task */
			s->task = TASK_REGRESSION;
			break;
		case 134:				/* linear_svm with task 3 */
			s->task = 3;
			break;
		case 135:				/* linear_svm without class labels */
			s->classes = false;
			break;
		case 136:				/* linear_svm with one class */
			s->lc_k = 1;
			break;
		case 137:				/* linear_svm past the class limit */
			s->lc_k = LC_MAX_CLASSES + 1;
			break;
		case 138:				/* linear_svm sized for a feature fewer */
			s->lc_p = 2;
			break;
		case 139:				/* linear_svm sized for a feature more */
			s->lc_p = 2;
			break;
		case 140:				/* linear_svm sized for every feature despite a selection */
			s->est_all = true;
			break;
		case 141:				/* linear_svm calibrated flag 2 */
			s->lc_calibrated = 2;
			break;
		case 142:				/* linear_svm calibrated flag 255 */
			s->lc_calibrated = 0xFF;
			break;
		case 143:				/* linear_svm without its calibrated flag */
			s->lc_noflag = true;
			break;
		case 144:				/* linear_svm without its Platt values */
			s->lc_extra = -2;
			break;
		case 145:				/* linear_svm shaped as logistic_regression */
			s->lc_noflag = true;
			s->lc_extra = -8;
			break;
		case 146:				/* linear_svm a value short */
			s->lc_extra = -1;
			break;
		case 147:				/* linear_svm a value long */
			s->lc_extra = 1;
			break;
		case 148:				/* linear_svm a byte long */
			s->lc_pad = 1;
			break;
		case 149:				/* linear_svm a byte short */
			s->lc_extra = -1;
			s->lc_pad = 7;
			break;
		case 150:				/* linear_svm of two classes with two problems */
			s->lc_extra = 6;
			break;
		case 151:				/* linear_svm of four classes with one problem */
			s->lc_extra = -12;
			break;
		case 152:				/* linear_svm weight NaN */
			s->lc_w[0] = NAN;
			break;
		case 153:				/* linear_svm intercept infinite */
			s->lc_w[3] = INFINITY;
			break;
		case 154:				/* linear_svm Platt slope NaN */
			s->lc_platt[0] = NAN;
			break;
		case 155:				/* linear_svm uncalibrated Platt value infinite */
			s->lc_platt[7] = INFINITY;
			break;
		case 156:				/* linear_svm uncalibrated Platt value NaN */
			s->lc_platt[0] = NAN;
			break;
		case 157:				/* linear_svm boundary Platt value overflowed */
			s->lc_platt[5] = -INFINITY;
			break;
		case 158:				/* linear_svm boundary weight overflowed */
			s->lc_w[11] = INFINITY;
			break;
		case 159:				/* four labels, linear_svm of three classes */
			s->lc_k = 3;
			break;
		case 160:				/* two labels, linear_svm of three classes */
			s->lc_k = 3;
			break;
		case 161:				/* three labels, linear_svm of two classes */
			s->lc_k = 2;
			break;
		case 162:				/* linear_svm payload read as logistic_regression */
			s->payload = ALGO_LINEAR_SVM;
			s->algorithm = ALGO_LOGISTIC;
			break;
		case 163:				/* linear_svm payload read as naive_bayes */
			s->payload = ALGO_LINEAR_SVM;
			s->algorithm = ALGO_NAIVE_BAYES;
			break;
		case 164:				/* naive_bayes two bytes long */
			s->nb_pad = 2;
			break;
		case 165:				/* naive_bayes three bytes long */
			s->nb_pad = 3;
			break;
		case 166:				/* naive_bayes four zero bytes long: a group count of 0 */
			s->nb_pad = 4;
			break;
		case 167:				/* naive_bayes a group count of 0 and a group */
			s->nb_groups = true;
			s->nb_groups_short = -1;
			s->nb_first[0] = 0;
			s->nb_width[0] = 1;
			s->nb_logp[0] = s->nb_logp[1] = s->nb_logp[2] = -0.5;
			break;
		case 168:				/* naive_bayes three bytes where the group count goes */
			s->nb_groups = false;
			s->nb_pad = 3;
			break;
		case 169:				/* naive_bayes log probabilities a value short */
			s->nb_extra = -1;
			break;
		case 170:				/* naive_bayes log probabilities a value long */
			s->nb_extra = 1;
			break;
		case 171:				/* naive_bayes log probabilities a byte long */
			s->nb_pad = 1;
			break;
		case 172:				/* naive_bayes log probabilities sized for a category fewer */
			s->nb_extra = -2;
			break;
		case 173:				/* naive_bayes group count past the features */
			s->nb_ngroups = 6;
			for (int g = 1; g < 6; g++)
				s->nb_first[g] = s->nb_width[g] = 0;
			break;
		case 174:				/* naive_bayes group count 0xFFFFFFFF */
			s->nb_ngroups = 0xFFFFFFFFu;
			break;
		case 175:				/* naive_bayes fewer bytes than the group count's groups */
			s->nb_groups_short = 1;
			s->nb_extra = -9;
			break;
		case 176:				/* naive_bayes group count alone */
			s->nb_groups_short = 1;
			break;
		case 177:				/* naive_bayes groups overlapping */
			s->nb_first[1] = 1;
			break;
		case 178:				/* naive_bayes groups out of order */
			s->nb_first[0] = 4;
			s->nb_first[1] = 0;
			break;
		case 179:				/* naive_bayes group repeated */
			s->nb_first[1] = 0;
			s->nb_width[1] = 2;
			break;
		case 180:				/* naive_bayes group of width 0 */
			s->nb_width[0] = 0;
			break;
		case 181:				/* naive_bayes group wider than the features */
			s->nb_first[0] = 0;
			s->nb_width[0] = 6;
			break;
		case 182:				/* naive_bayes group past the last feature */
			s->nb_first[0] = 2;
			break;
		case 183:				/* naive_bayes group first 0xFFFFFFFF */
			s->nb_first[0] = 0xFFFFFFFFu;
			break;
		case 184:				/* naive_bayes group width wrapping its end to 0 */
			s->nb_width[0] = 0xFFFFFFFFu;
			break;
		case 185:				/* naive_bayes width-1 group after the last feature */
			s->nb_first[2] = 3;
			break;
		case 186:				/* naive_bayes group of every feature from feature 1 */
			s->nb_first[0] = 1;
			break;
		case 187:				/* naive_bayes log probability positive */
			s->nb_logp[3] = 0.5;
			break;
		case 188:				/* naive_bayes log probability NaN */
			s->nb_logp[7] = NAN;
			break;
		case 189:				/* naive_bayes log probability infinite */
			s->nb_logp[17] = INFINITY;
			break;
		case 190:				/* naive_bayes log probability -infinity */
			s->nb_logp[0] = -INFINITY;
			break;
		case 191:				/* boundary log probability just above 0 */
			s->nb_logp[3] = 4.9406564584124654e-324;
			break;
		case 192:				/* naive_bayes log probability -NaN */
			s->nb_logp[5] = -NAN;
			break;
		case 193:				/* naive_bayes group and log probability both bad */
			s->nb_width[0] = 5;
			s->nb_logp[0] = NAN;
			break;
		case 194:				/* naive_bayes variance and group both bad */
			s->nb_var[9] = 0;
			s->nb_first[1] = 0;
			break;
		case 195:				/* naive_bayes group count and log probability both bad */
			s->nb_ngroups = 0;
			s->nb_groups_short = -1;
			s->nb_logp[0] = NAN;
			break;
		case 196:				/* naive_bayes log probabilities short and one NaN */
			s->nb_extra = -1;
			s->nb_logp[0] = NAN;
			break;
		case 197:				/* naive_bayes payload with groups read as logistic_regression */
			s->payload = ALGO_NAIVE_BAYES;
			s->algorithm = ALGO_LOGISTIC;
			break;
		case 198:				/* naive_bayes payload with groups read as linear_svm */
			s->payload = ALGO_NAIVE_BAYES;
			s->algorithm = ALGO_LINEAR_SVM;
			break;
		case 199:				/* two labels, naive_bayes with groups of three classes */
			s->nb_k = 3;
			s->nb_prior[2] = 0.5;
			for (int i = 6; i < 9; i++)
				s->nb_var[i] = 1;
			break;
		default:
			Fail("broken seed %d has no rule", i);
	}
}

/*
 * The walk must refuse each broken seed with model.c's message: a check
 * of the mirror itself, one rule of the 'M', 'C', 'T' and 'S' blocks each
 * (every input kind's, bucketize's edges included), of the header's
 * algorithm and task, of the class labels, and of the payloads of
 * naive_bayes.c, logistic.c and linear_svm.c (each also read as another's).
 */
static void
CheckBadSeeds(void)
{
	for (int i = 0; i < NBAD_SEEDS; i++)
	{
		SeedSpec	s = seed_specs[bad_seeds[i].base];
		Seed		sd;

		BreakSpec(i, &s);
		BuildSeed(&s, &sd);
		SetPhase("broken seed");
		cur_model = bad_seeds[i].what;
		cur_a = (size_t) i;
		CheckCase(sd.buf, sd.len, EXPECT_PARSE);
		if (last_why == NULL || strcmp(last_why, bad_seeds[i].why) != 0)
		{
			cur_data = sd.buf;
			cur_len = sd.len;
			Fail("the walk said \"%s\" where model.c says \"%s\"",
				 last_why ? last_why : "ok", bad_seeds[i].why);
		}
		free(sd.buf);
	}
}

/*
 * Classifiers of MAX_CLASSES labels, too many for a seed: each classifier's
 * payload of k classes for one feature, written by the writer, must be
 * accepted for k = the labels' count and refused as the wrong size past
 * the readers' limit of 1000 classes (and one class fewer than the labels
 * must not match them), so the walk's class limits are model.c's.
 */
static void
CheckClassLimit(void)
{
	static const uint32_t ks[] = {MAX_CLASSES - 1, MAX_CLASSES, MAX_CLASSES + 1};

	SetPhase("class limit");
	for (uint16_t alg = ALGO_NAIVE_BAYES; alg <= ALGO_LINEAR_SVM; alg++)
	{
		for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++)
		{
			uint32_t	k = ks[i];
			size_t		nvals = alg == ALGO_NAIVE_BAYES ? 3 * (size_t) k :
				(size_t) NVectors(k) * (alg == ALGO_LINEAR_SVM ? 4 : 2);
			MlpWriter	w;
			char		label[16];

			cur_model = alg == ALGO_NAIVE_BAYES ? "naive_bayes" :
				alg == ALGO_LOGISTIC ? "logistic_regression" : "linear_svm";
			cur_a = k;
			mlp_writer_init(&w, MallocGrow);
			mlp_begin_model(&w, alg, TASK_CLASSIFICATION);
			mlp_begin_section(&w, MLP_SEC_FEATURES);
			mlp_put_u32(&w, 1);
			mlp_put_str(&w, "x");
			mlp_put_str(&w, "double precision");
			mlp_end_section(&w);
			mlp_begin_section(&w, MLP_SEC_TARGET);
			mlp_put_str(&w, "y");
			mlp_put_str(&w, "text");
			mlp_put_u8(&w, CLASSES_MARKER);
			mlp_put_u32(&w, MAX_CLASSES);
			for (uint32_t c = 0; c < MAX_CLASSES; c++)
			{
				snprintf(label, sizeof(label), "class %u", c);
				mlp_put_str(&w, label);
			}
			mlp_end_section(&w);
			mlp_begin_section(&w, MLP_SEC_ESTIMATOR);
			mlp_put_u32(&w, k);
			mlp_put_u32(&w, 1);
			if (alg == ALGO_LINEAR_SVM)
				mlp_put_u8(&w, 1);
			for (size_t v = 0; v < nvals; v++)
				mlp_put_f64(&w, alg == ALGO_NAIVE_BAYES && v < k ? 1.0 / k : 0.5);
			mlp_end_section(&w);
			mlp_finish_model(&w);
			if (w.failed)
				Fail("the writer failed on a model of %u classes", k);
			CheckVerdict(w.buf, w.len, k > MAX_CLASSES ? WrongSize(alg) :
						 k < MAX_CLASSES ? "estimator does not match the class labels" :
						 NULL);
			free(w.buf);
		}
	}
	cur_a = 0;
}

/*
 * Check the current seed parses to exactly what was written, and that the
 * walk accepts it and finds the blocks it was written with.
 */
static void
CheckValid(void)
{
	const SeedSpec *s = cur_seed->spec;
	bool		blocks = (layout->nblocks > 0);
	uint16_t	alg = SeedPayload(s);
	bool		nb = (alg == ALGO_NAIVE_BAYES);
	bool		lc = (alg == ALGO_LOGISTIC || alg == ALGO_LINEAR_SVM);
	bool		svm = (alg == ALGO_LINEAR_SVM);
	uint32_t	p = s->nselected > 0 ? s->nselected : s->nf;
	uint32_t	nv = NVectors(s->nclasses);
	uint32_t	nw = nv * (p + 1);	/* linear classifiers: weights */
	const char *tname = s->target ? s->target : target_name;
	const char *ttype = s->target_type ? s->target_type : target_type;
	MlpModelView v;
	const char *error = NULL;
	MlpCursor	c;
	size_t		flen = 4;
	size_t		tlen = 8 + strlen(tname) + strlen(ttype);
	uint32_t	ntotal = 0;		/* naive_bayes: the groups' widths */
	size_t		elen;
	uint32_t	u;
	double		d;
	const char *str;
	uint32_t	n;

	SetPhase("valid");
	for (uint32_t g = 0; nb && s->nb_groups && g < s->nb_ngroups; g++)
		ntotal += s->nb_width[g];
	elen = nb ? 8 + 8 * ((size_t) s->nclasses * (1 + 2 * p)) +
		(s->nb_groups ? 4 + 8 * (size_t) s->nb_ngroups +
		 8 * (size_t) s->nclasses * ntotal : 0) :
		svm ? 9 + 8 * ((size_t) nv * (p + 3)) :
		lc ? 8 + 8 * (size_t) nw : 4 + 8 + 8 * p;
	for (uint32_t j = 0; j < s->nf; j++)
		flen += 8 + strlen(s->names[j]) + strlen(s->types[j]);
	for (uint32_t k = 0; s->classes && k < s->nclasses; k++)
		tlen += 4 + strlen(s->labels[k]);
	if (s->classes)
		tlen += 5;

	CheckCase(valid, valid_len, EXPECT_ACCEPT);
	if (memcmp(&last_walk, &cur_seed->want, sizeof(WalkInfo)) != 0)
		Fail("the walk found nf %u nbase %u nterms %u ninputs %u nselected %u "
			 "kinds 0x%x bucketized %u classes %u algorithm %u prep %d "
			 "transform %d, not what the seed was written with", last_walk.nf,
			 last_walk.nbase, last_walk.nterms, last_walk.ninputs,
			 last_walk.nselected, last_walk.kinds, last_walk.nbucketized,
			 last_walk.nclasses, last_walk.algorithm, last_walk.prep,
			 last_walk.transform);
	cur_data = valid;
	cur_len = valid_len;
	if (!mlp_model_parse(valid, valid_len, &v, &error))
		Fail("seed model rejected: %s", error);
	if (v.version != MLP_FORMAT_VERSION || v.algorithm != SeedAlgorithm(s) ||
		v.task != SeedTask(s))
		Fail("seed header read back as version %u algorithm %u task %u",
			 v.version, v.algorithm, v.task);
	if ((blocks ? v.section_len[MLP_SEC_FEATURES] <= flen :
		 v.section_len[MLP_SEC_FEATURES] != flen) ||
		v.section_len[MLP_SEC_TARGET] != tlen ||
		v.section_len[MLP_SEC_ESTIMATOR] != elen)
		Fail("seed section lengths are %u/%u/%u",
			 v.section_len[1], v.section_len[2], v.section_len[3]);
	if (valid_len != MLP_HEADER_SIZE + 3 * MLP_SECTION_HEADER +
		v.section_len[1] + v.section_len[2] + v.section_len[3] + MLP_TRAILER_SIZE)
		Fail("seed model has %zu bytes", valid_len);

	/* the values round-trip */
	mlp_cursor_init(&c, v.section[MLP_SEC_FEATURES], v.section_len[MLP_SEC_FEATURES]);
	if (!mlp_get_u32(&c, &u) || u != s->nf)
		Fail("feature count did not round-trip");
	for (uint32_t j = 0; j < s->nf; j++)
	{
		if (!mlp_get_str(&c, &str, &n) || n != strlen(s->names[j]) ||
			memcmp(str, s->names[j], n) != 0 ||
			!mlp_get_str(&c, &str, &n) || n != strlen(s->types[j]) ||
			memcmp(str, s->types[j], n) != 0)
			Fail("feature %u did not round-trip", j);
	}
	if (blocks ? c.p + c.pos != valid + layout->block_off[0] : !mlp_cursor_done(&c))
		Fail("feature names do not end where the optional blocks begin");
	mlp_cursor_init(&c, v.section[MLP_SEC_TARGET], v.section_len[MLP_SEC_TARGET]);
	if (!mlp_get_str(&c, &str, &n) || n != strlen(tname) ||
		memcmp(str, tname, n) != 0 ||
		!mlp_get_str(&c, &str, &n) || n != strlen(ttype) ||
		memcmp(str, ttype, n) != 0)
		Fail("target section did not round-trip");
	if (s->classes)
	{
		uint8_t		marker;

		if (!mlp_get_u8(&c, &marker) || marker != CLASSES_MARKER ||
			!mlp_get_u32(&c, &u) || u != s->nclasses)
			Fail("class labels did not round-trip");
		for (uint32_t k = 0; k < s->nclasses; k++)
			if (!mlp_get_str(&c, &str, &n) || n != strlen(s->labels[k]) ||
				memcmp(str, s->labels[k], n) != 0)
				Fail("class label %u did not round-trip", k);
	}
	if (!mlp_cursor_done(&c))
		Fail("target section has trailing bytes");
	mlp_cursor_init(&c, v.section[MLP_SEC_ESTIMATOR], v.section_len[MLP_SEC_ESTIMATOR]);
	if (nb)
	{
		uint32_t	kp = s->nclasses * p;

		if (!mlp_get_u32(&c, &u) || u != s->nclasses || !mlp_get_u32(&c, &u) || u != p)
			Fail("naive_bayes header did not round-trip");
		for (uint32_t i = 0; i < s->nclasses + 2 * kp; i++)
		{
			double		want = i < s->nclasses ? s->nb_prior[i] :
				i < s->nclasses + kp ? s->nb_mean[i - s->nclasses] :
				s->nb_var[i - s->nclasses - kp];

			if (!mlp_get_f64(&c, &d) || memcmp(&d, &want, sizeof(d)) != 0)
				Fail("naive_bayes value %u did not round-trip", i);
		}
		if (s->nb_groups)
		{
			if (!mlp_get_u32(&c, &u) || u != s->nb_ngroups)
				Fail("naive_bayes group count did not round-trip");
			for (uint32_t g = 0; g < s->nb_ngroups; g++)
				if (!mlp_get_u32(&c, &u) || u != s->nb_first[g] ||
					!mlp_get_u32(&c, &u) || u != s->nb_width[g])
					Fail("naive_bayes group %u did not round-trip", g);
			for (uint32_t i = 0; i < s->nclasses * ntotal; i++)
				if (!mlp_get_f64(&c, &d) || memcmp(&d, &s->nb_logp[i], sizeof(d)) != 0)
					Fail("naive_bayes log probability %u did not round-trip", i);
		}
	}
	else if (lc)
	{
		uint8_t		cal;

		if (!mlp_get_u32(&c, &u) || u != s->nclasses || !mlp_get_u32(&c, &u) || u != p ||
			(svm && (!mlp_get_u8(&c, &cal) || cal != s->lc_calibrated)))
			Fail("linear classifier header did not round-trip");
		for (uint32_t i = 0; i < nw + (svm ? 2 * nv : 0); i++)
		{
			double		want = i < nw ? s->lc_w[i] : s->lc_platt[i - nw];

			if (!mlp_get_f64(&c, &d) || memcmp(&d, &want, sizeof(d)) != 0)
				Fail("linear classifier value %u did not round-trip", i);
		}
	}
	else
	{
		if (!mlp_get_u32(&c, &u) || u != p || !mlp_get_f64(&c, &d) || d != intercept)
			Fail("estimator header did not round-trip");
		for (uint32_t j = 0; j < p; j++)
			if (!mlp_get_f64(&c, &d) || d != s->coef[j])
				Fail("coefficient %u did not round-trip", j);
	}
	if (!mlp_cursor_done(&c))
		Fail("estimator section has trailing bytes");
	cur_data = NULL;
}

/* Bitwise CRC-32C, independent of format.c's table, to cross-check it. */
static uint32_t
SlowCrc32c(const uint8_t *p, size_t len)
{
	uint32_t	crc = 0xFFFFFFFFu;

	for (size_t i = 0; i < len; i++)
	{
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
	}
	return ~crc;
}

/* Known-answer tests of the checksum and the writer's failure path. */
static void
CheckBasics(void)
{
	MlpWriter	w;
	uint8_t		buf[300];

	SetPhase("basics");
	if (mlp_crc32c(0, "123456789", 9) != 0xE3069283u)
		Fail("CRC-32C check value is wrong");
	if (mlp_crc32c(mlp_crc32c(0, "1234", 4), "56789", 5) != 0xE3069283u)
		Fail("CRC-32C does not continue from a previous value");
	for (size_t len = 0; len < sizeof(buf); len++)
	{
		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t) Rand();
		if (mlp_crc32c(0, buf, len) != SlowCrc32c(buf, len) ||
			TableCrc32c(buf, len) != SlowCrc32c(buf, len))
			Fail("table CRC-32C disagrees with the bitwise one at length %zu", len);
	}

	mlp_writer_init(&w, FailingGrow);
	mlp_begin_model(&w, 1, 1);
	mlp_begin_section(&w, MLP_SEC_FEATURES);
	mlp_put_u32(&w, 1);
	mlp_end_section(&w);
	mlp_finish_model(&w);
	if (!w.failed || w.buf != NULL || w.len != 0)
		Fail("a writer whose allocator fails did not report failure");

	/* nothing but a header: finishing must fail, not write past the buffer */
	mlp_writer_init(&w, MallocGrow);
	mlp_put_u8(&w, 0);
	mlp_finish_model(&w);
	if (!w.failed)
		Fail("finishing a model shorter than its header did not fail");
	free(w.buf);
}

/* Every single bit flip of the valid model must be rejected. */
static void
PhaseBitFlips(void)
{
	SetPhase("bit flip");
	for (size_t i = 0; i < valid_len; i++)
	{
		for (int bit = 0; bit < 8; bit++)
		{
			cur_a = i;
			cur_b = (size_t) bit;
			memcpy(work, valid, valid_len);
			work[i] ^= (uint8_t) (1u << bit);
			CheckCase(work, valid_len, EXPECT_REJECT);
		}
	}
}

/* Every pair of bit flips must be rejected too (CRC-32C has distance > 2). */
static void
PhaseDoubleBitFlips(void)
{
	size_t		nbits = valid_len * 8;

	SetPhase("double bit flip");
	memcpy(work, valid, valid_len);
	for (size_t a = 0; a < nbits; a++)
	{
		work[a / 8] ^= (uint8_t) (1u << (a % 8));
		for (size_t b = a + 1; b < nbits; b++)
		{
			cur_a = a;
			cur_b = b;
			work[b / 8] ^= (uint8_t) (1u << (b % 8));
			CheckCase(work, valid_len, EXPECT_REJECT);
			work[b / 8] ^= (uint8_t) (1u << (b % 8));
		}
		work[a / 8] ^= (uint8_t) (1u << (a % 8));
	}
}

/* Every truncation is rejected, with and without a repaired trailer. */
static void
PhaseTruncations(void)
{
	for (size_t len = 0; len < valid_len; len++)
	{
		SetPhase("truncation");
		cur_a = len;
		CheckCase(valid, len, EXPECT_REJECT);
		cur_phase = "truncation + crc fix-up";
		memcpy(work, valid, len);
		FixUp(work, len, true);
		CheckCase(work, len, EXPECT_REJECT);
	}
}

/* Copy the valid model into work with field f set to v, trailer repaired. */
static void
SetField(size_t off, int width, uint32_t v)
{
	memcpy(work, valid, valid_len);
	PutLE(work + off, width, v);
	FixUp(work, valid_len, off != 12);
}

/*
 * Deterministic structural damage behind a valid checksum: each of these
 * breaks one rule the parser enforces after the CRC, so each must fail.
 */
static void
PhaseStructure(void)
{
	static const uint16_t bad_ids[] = {0, 4, 5, 0x100, 0x8000, 0xFFFF};
	static const uint16_t bad_counts[] = {0, 1, 2, 4, 5, 0x100, 0xFFFF};
	static const uint16_t bad_versions[] = {0, 2, 0x100, 0xFFFF};
	static const int perms[6][3] = {
		{1, 2, 3}, {1, 3, 2}, {2, 1, 3}, {2, 3, 1}, {3, 1, 2}, {3, 2, 1}
	};
	size_t		body = valid_len - MLP_TRAILER_SIZE;

	SetPhase("structure: reserved byte");
	for (uint32_t v = 1; v < 256; v++)
	{
		cur_a = v;
		memcpy(work, valid, valid_len);
		work[9] = (uint8_t) v;
		FixUp(work, valid_len, true);
		CheckCase(work, valid_len, EXPECT_REJECT);
	}

	SetPhase("structure: magic");
	for (size_t i = 0; i < 4; i++)
	{
		cur_a = i;
		memcpy(work, valid, valid_len);
		work[i] ^= 0x20;
		FixUp(work, valid_len, true);
		CheckCase(work, valid_len, EXPECT_REJECT);
	}

	SetPhase("structure: version");
	for (size_t i = 0; i < sizeof(bad_versions) / sizeof(bad_versions[0]); i++)
	{
		cur_a = bad_versions[i];
		SetField(4, 2, bad_versions[i]);
		CheckCase(work, valid_len, EXPECT_REJECT);
	}

	SetPhase("structure: total length");
	for (uint32_t d = 1; d <= 8; d++)
	{
		cur_a = d;
		SetField(12, 4, (uint32_t) valid_len + d);
		CheckCase(work, valid_len, EXPECT_REJECT);
		SetField(12, 4, (uint32_t) valid_len - d);
		CheckCase(work, valid_len, EXPECT_REJECT);
	}
	SetField(12, 4, 0);
	CheckCase(work, valid_len, EXPECT_REJECT);
	SetField(12, 4, UINT32_MAX);
	CheckCase(work, valid_len, EXPECT_REJECT);

	SetPhase("structure: section count");
	for (size_t i = 0; i < sizeof(bad_counts) / sizeof(bad_counts[0]); i++)
	{
		cur_a = bad_counts[i];
		SetField(10, 2, bad_counts[i]);
		CheckCase(work, valid_len, EXPECT_REJECT);
	}

	for (int id = 1; id <= MLP_SEC_MAX; id++)
	{
		size_t		off = layout->sec_off[id];
		uint32_t	slen = (uint32_t) (layout->sec_size[id] - MLP_SECTION_HEADER);
		uint32_t	bad_lens[] = {0, slen - 1, slen + 1, slen + 8, slen * 2,
		0x7FFFFFFF, 0x80000000u, UINT32_MAX};

		cur_a = (size_t) id;
		cur_phase = "structure: section id";
		for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++)
		{
			cur_b = bad_ids[i];
			SetField(off, 2, bad_ids[i]);
			CheckCase(work, valid_len, EXPECT_REJECT);
		}
		cur_phase = "structure: duplicate section id";
		for (int other = 1; other <= MLP_SEC_MAX; other++)
		{
			if (other == id)
				continue;
			cur_b = (size_t) other;
			SetField(off, 2, (uint16_t) other);
			CheckCase(work, valid_len, EXPECT_REJECT);
		}
		cur_phase = "structure: section reserved";
		for (uint32_t bit = 0; bit < 16; bit++)
		{
			cur_b = bit;
			SetField(off + 2, 2, (uint16_t) (1u << bit));
			CheckCase(work, valid_len, EXPECT_REJECT);
		}
		cur_phase = "structure: section length";
		for (size_t i = 0; i < sizeof(bad_lens) / sizeof(bad_lens[0]); i++)
		{
			cur_b = bad_lens[i];
			SetField(off + 4, 4, bad_lens[i]);
			CheckCase(work, valid_len, EXPECT_REJECT);
		}

		/* drop the section: two sections left, one required one missing */
		cur_phase = "structure: missing section";
		cur_b = 0;
		memcpy(work, valid, off);
		memcpy(work + off, valid + off + layout->sec_size[id],
			   valid_len - off - layout->sec_size[id]);
		PutLE(work + 10, 2, 2);
		FixUp(work, valid_len - layout->sec_size[id], true);
		CheckCase(work, valid_len - layout->sec_size[id], EXPECT_REJECT);

		/* append a copy of the section: a duplicate */
		cur_phase = "structure: appended duplicate";
		memcpy(work, valid, body);
		memcpy(work + body, valid + off, layout->sec_size[id]);
		PutLE(work + 10, 2, 4);
		FixUp(work, body + layout->sec_size[id] + MLP_TRAILER_SIZE, true);
		CheckCase(work, body + layout->sec_size[id] + MLP_TRAILER_SIZE,
				  EXPECT_REJECT);
	}

	/* an appended well-formed section with an unknown id */
	SetPhase("structure: appended unknown section");
	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++)
	{
		for (uint32_t plen = 0; plen <= 9; plen += 3)
		{
			size_t		len = body + MLP_SECTION_HEADER + plen + MLP_TRAILER_SIZE;

			cur_a = bad_ids[i];
			cur_b = plen;
			memcpy(work, valid, body);
			PutLE(work + body, 2, bad_ids[i]);
			PutLE(work + body + 2, 2, 0);
			PutLE(work + body + 4, 4, plen);
			memset(work + body + MLP_SECTION_HEADER, 'z', plen);
			PutLE(work + 10, 2, 4);
			FixUp(work, len, true);
			CheckCase(work, len, EXPECT_REJECT);
		}
	}

	/* bytes after the last section, inside the checksummed body */
	SetPhase("structure: trailing bytes");
	for (size_t extra = 1; extra <= 64; extra++)
	{
		cur_a = extra;
		memcpy(work, valid, body);
		for (size_t i = 0; i < extra; i++)
			work[body + i] = (uint8_t) (extra % 2 ? 0 : Rand());
		FixUp(work, body + extra + MLP_TRAILER_SIZE, true);
		CheckCase(work, body + extra + MLP_TRAILER_SIZE, EXPECT_REJECT);
	}

	/* the same sections in another order: the parser locates them by id */
	SetPhase("structure: section order");
	for (int k = 0; k < 6; k++)
	{
		size_t		pos = MLP_HEADER_SIZE;

		cur_a = (size_t) k;
		memcpy(work, valid, MLP_HEADER_SIZE);
		for (int i = 0; i < 3; i++)
		{
			int			id = perms[k][i];

			memcpy(work + pos, valid + layout->sec_off[id], layout->sec_size[id]);
			pos += layout->sec_size[id];
		}
		FixUp(work, valid_len, true);
		CheckCase(work, valid_len, EXPECT_ANY);
	}
	cur_b = 0;
}

/*
 * Copy the valid model into work with bytes [from, to) of section id's
 * payload replaced by ins[0 .. n), the section length, the total and the
 * CRC repaired; returns the new length.
 */
static size_t
SpliceSection(int id, size_t from, size_t to, const uint8_t *ins, size_t n)
{
	size_t		soff = layout->sec_off[id];
	size_t		send = soff + layout->sec_size[id];
	uint32_t	slen = GetLE(valid + soff + 4, 4);
	size_t		len = valid_len - (to - from) + n;

	if (from < soff + MLP_SECTION_HEADER || to < from || to > send ||
		len > WORK_CAP)
		Fail("bad splice of section %d %zu..%zu + %zu", id, from, to, n);
	memcpy(work, valid, from);
	if (n > 0)
		memcpy(work + from, ins, n);
	memcpy(work + from + n, valid + to, valid_len - to);
	PutLE(work + soff + 4, 4, (uint32_t) (slen - (to - from) + n));
	FixUp(work, len, true);
	return len;
}

/* SpliceSection of the feature section, whose end is blocks_end. */
static size_t
Splice(size_t from, size_t to, const uint8_t *ins, size_t n)
{
	return SpliceSection(MLP_SEC_FEATURES, from, to, ins, n);
}

/*
 * Damage the current seed's optional blocks behind a valid checksum, so
 * that the walk reads every count, index and marker of them set to
 * awkward values: every byte set to a few values, every u32 to counts near
 * the feature counts and to ones whose products with the record size
 * wrap, the feature section cut at every byte, each block removed,
 * repeated and swapped with the next, and stray markers inserted.  An f64
 * is only ever a value, so only its sign and exponent byte is set, to make
 * it NaN, infinite or negative, and it is cut or added to only in front.
 * Any verdict will do; a crash, an ASan report or a broken invariant will not.
 */
static void
PhaseBlocks(void)
{
	size_t		from = layout->block_off[0];
	size_t		end = layout->blocks_end;
	uint32_t	nf = cur_seed->want.nf;
	uint32_t	nbase = cur_seed->want.nbase;
	static const uint8_t stray[] = {0, PREP_MARKER, POLY_MARKER, ENC_MARKER,
	TRANSFORM_MARKER, SELECT_MARKER};
	uint8_t		tmp[WORK_CAP];
	size_t		len;

	if (layout->nblocks == 0)
		return;

	SetPhase("blocks: byte value");
	for (size_t pos = from; pos < end; pos++)
	{
		int			f64 = InF64(pos);

		if (f64 >= 0 && f64 != 7)
			continue;			/* only the sign and exponent byte */
		for (int i = 0; i < NBLOCK_BYTES + 2; i++)
		{
			uint8_t		v = i < NBLOCK_BYTES ? block_bytes[i] :
				(uint8_t) (valid[pos] + (i == NBLOCK_BYTES ? 1 : -1));

			if (v == valid[pos] || (f64 == 7 && v != 0x7F && v != 0xFF && v != 0x80))
				continue;
			cur_a = pos;
			cur_b = v;
			memcpy(work, valid, valid_len);
			work[pos] = v;
			FixUp(work, valid_len, true);
			CheckCase(work, valid_len, EXPECT_ANY);
		}
	}

	SetPhase("blocks: u32 value");
	for (int f = 0; f < layout->nfields; f++)
	{
		size_t		off = layout->fields[f].off;
		uint32_t	orig;
		uint32_t	near[8];

		if (off < from || off >= end || layout->fields[f].width != 4)
			continue;
		orig = GetLE(valid + off, 4);
		near[0] = orig - 1;
		near[1] = orig + 1;
		near[2] = nf - 1;
		near[3] = nf;
		near[4] = nf + 1;
		near[5] = nbase - 1;
		near[6] = nbase;
		near[7] = nbase + 1;
		for (int i = 0; i < NBLOCK_U32S + 8; i++)
		{
			uint32_t	v = i < NBLOCK_U32S ? block_u32s[i] : near[i - NBLOCK_U32S];

			if (v == orig)
				continue;
			cur_a = off;
			cur_b = v;
			SetField(off, 4, v);
			CheckCase(work, valid_len, EXPECT_ANY);
		}
	}

	SetPhase("blocks: feature section cut");
	for (size_t pos = from; pos < end; pos++)
	{
		if (InF64(pos) > 0)
			continue;
		cur_a = pos;
		len = Splice(pos, end, NULL, 0);
		CheckCase(work, len, EXPECT_ANY);
	}

	SetPhase("blocks: stray byte inserted");
	for (size_t pos = from; pos <= end; pos++)
	{
		if (InF64(pos) > 0)
			continue;
		for (size_t i = 0; i < sizeof(stray); i++)
		{
			cur_a = pos;
			cur_b = stray[i];
			len = Splice(pos, pos, &stray[i], 1);
			CheckCase(work, len, EXPECT_ANY);
		}
	}

	for (int b = 0; b < layout->nblocks; b++)
	{
		size_t		bs = layout->block_off[b];
		size_t		be = b + 1 < layout->nblocks ? layout->block_off[b + 1] : end;

		SetPhase("blocks: block removed");
		cur_a = (size_t) b;
		len = Splice(bs, be, NULL, 0);
		CheckCase(work, len, EXPECT_ANY);

		SetPhase("blocks: block repeated");
		cur_a = (size_t) b;
		len = Splice(be, be, valid + bs, be - bs);
		CheckCase(work, len, EXPECT_ANY);

		if (b + 1 < layout->nblocks)
		{
			size_t		ne = b + 2 < layout->nblocks ? layout->block_off[b + 2] : end;

			SetPhase("blocks: blocks swapped");
			cur_a = (size_t) b;
			memcpy(tmp, valid + be, ne - be);
			memcpy(tmp + (ne - be), valid + bs, be - bs);
			len = Splice(bs, ne, tmp, ne - bs);
			CheckCase(work, len, EXPECT_ANY);
		}
	}
	cur_a = 0;
	cur_b = 0;
}

/*
 * The current seed with every algorithm id and task behind a valid
 * checksum: the walk must say what model.c says, in its order (an unknown
 * id, then a task not the algorithm's, then labels the task does not
 * want or lacks, then a classifier's payload read by another classifier's
 * reader, whose size is wrong for it, except that naive_bayes's reads on
 * into a payload longer than its Gaussian part by at least a u32: then
 * what the values read as decides, and NbPayloadVerdict says it), and
 * accept the seed as any other linear algorithm.
 */
static void
PhaseHeader(void)
{
	static const uint16_t algs[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 0x100, 0x8000, 0xFFFF};
	static const uint8_t tasks[] = {0, 1, 2, 3, 4, 5, 0x80, 0xFF};
	bool		labels = cur_seed->want.nclasses > 0;
	size_t		estart = layout->sec_off[MLP_SEC_ESTIMATOR] + MLP_SECTION_HEADER;
	size_t		eend = layout->sec_off[MLP_SEC_ESTIMATOR] +
		layout->sec_size[MLP_SEC_ESTIMATOR];
	uint32_t	p = cur_seed->want.nselected > 0 ? cur_seed->want.nselected :
		cur_seed->want.nf;

	SetPhase("header: algorithm and task");
	for (size_t a = 0; a < sizeof(algs) / sizeof(algs[0]); a++)
	{
		for (size_t t = 0; t < sizeof(tasks) / sizeof(tasks[0]); t++)
		{
			uint16_t	alg = algs[a];
			uint8_t		task = AlgoTask(alg);
			const char *want = NULL;

			if (task == 0)
				want = "unknown algorithm id";
			else if (tasks[t] != task)
				want = "task does not match the algorithm";
			else if ((task == TASK_CLASSIFICATION) != labels)
				want = "target section does not match the task";
			else if (task == TASK_CLASSIFICATION && alg != cur_seed->want.algorithm)
			{
				want = alg == ALGO_NAIVE_BAYES ?
					NbPayloadVerdict(valid + estart, eend - estart, p) : WrongSize(alg);
				if (want == NULL && GetLE(valid + estart, 4) != cur_seed->want.nclasses)
					want = "estimator does not match the class labels";
			}
			cur_a = alg;
			cur_b = tasks[t];
			memcpy(work, valid, valid_len);
			PutLE(work + 6, 2, alg);
			work[8] = tasks[t];
			FixUp(work, valid_len, true);
			CheckVerdict(work, valid_len, want);
		}
	}
	cur_a = 0;
	cur_b = 0;
}

/* Set every byte of [from, to) to the block bytes and its neighbours. */
static void
ByteValues(size_t from, size_t to)
{
	for (size_t pos = from; pos < to; pos++)
	{
		for (int i = 0; i < NBLOCK_BYTES + 3; i++)
		{
			uint8_t		v = i < NBLOCK_BYTES ? block_bytes[i] :
				i == NBLOCK_BYTES ? CLASSES_MARKER :
				(uint8_t) (valid[pos] + (i == NBLOCK_BYTES + 1 ? 1 : -1));

			if (v == valid[pos])
				continue;
			cur_a = pos;
			cur_b = v;
			memcpy(work, valid, valid_len);
			work[pos] = v;
			FixUp(work, valid_len, true);
			CheckCase(work, valid_len, EXPECT_ANY);
		}
	}
}

/* Set every noted u32 of [from, to) to awkward counts and to near[0 .. nnear). */
static void
U32Values(size_t from, size_t to, const uint32_t *near, int nnear)
{
	for (int f = 0; f < layout->nfields; f++)
	{
		size_t		off = layout->fields[f].off;
		uint32_t	orig;

		if (off < from || off >= to || layout->fields[f].width != 4)
			continue;
		orig = GetLE(valid + off, 4);
		for (int i = 0; i < NBLOCK_U32S + nnear + 2; i++)
		{
			uint32_t	v = i < NBLOCK_U32S ? block_u32s[i] :
				i < NBLOCK_U32S + nnear ? near[i - NBLOCK_U32S] :
				i == NBLOCK_U32S + nnear ? orig - 1 : orig + 1;

			if (v == orig)
				continue;
			cur_a = off;
			cur_b = v;
			SetField(off, 4, v);
			CheckCase(work, valid_len, EXPECT_ANY);
		}
	}
}

/* the names of PhaseClassifier's payload damage, per classifier from naive_bayes */
static const char *const payload_phases[][4] = {
	{"naive_bayes: byte value", "naive_bayes: u32 value",
	"naive_bayes: payload cut", "naive_bayes: payload extended"},
	{"logistic_regression: byte value", "logistic_regression: u32 value",
	"logistic_regression: payload cut", "logistic_regression: payload extended"},
	{"linear_svm: byte value", "linear_svm: u32 value",
	"linear_svm: payload cut", "linear_svm: payload extended"}
};

/*
 * Damage a classifier seed's class labels and its payload (naive_bayes,
 * logistic_regression or linear_svm) behind a valid checksum: every byte
 * set to a few values (an f64's every byte too, making it NaN, infinite,
 * negative, 0 or tiny; linear_svm's calibration flag to 0 .. 4 and the
 * others), every count and string length to awkward values, the target
 * section and the payload cut at every byte and added to, the labels
 * removed, repeated and followed by a stray byte.  Any verdict will do; a
 * crash, an ASan report or a broken invariant will not.
 */
static void
PhaseClassifier(void)
{
	const SeedSpec *s = cur_seed->spec;
	size_t		kstart = layout->classes_off;
	size_t		tstart = layout->sec_off[MLP_SEC_TARGET] + MLP_SECTION_HEADER;
	size_t		tend = layout->target_end;
	size_t		estart = layout->sec_off[MLP_SEC_ESTIMATOR] + MLP_SECTION_HEADER;
	size_t		eend = layout->sec_off[MLP_SEC_ESTIMATOR] +
		layout->sec_size[MLP_SEC_ESTIMATOR];
	uint32_t	near[] = {s->nf, s->nselected, s->nclasses, MAX_CLASSES,
	MAX_CLASSES + 1, (uint32_t) (eend - estart)};
	static const uint8_t stray[] = {0, CLASSES_MARKER};
	static const uint8_t one[8] = {0, 0, 0, 0, 0, 0, 0xF0, 0x3F};	/* 1.0 */
	uint8_t		tmp[WORK_CAP];
	size_t		len;

	if (kstart != 0)
	{
		SetPhase("classes: byte value");
		ByteValues(kstart, tend);
		SetPhase("classes: u32 value");
		U32Values(kstart, tend, near, (int) (sizeof(near) / sizeof(near[0])));

		SetPhase("classes: target section cut");
		for (size_t pos = tstart; pos < tend; pos++)
		{
			cur_a = pos;
			len = SpliceSection(MLP_SEC_TARGET, pos, tend, NULL, 0);
			CheckCase(work, len, EXPECT_ANY);
		}

		SetPhase("classes: stray byte");
		for (size_t i = 0; i < sizeof(stray); i++)
		{
			cur_b = stray[i];
			cur_a = kstart;
			len = SpliceSection(MLP_SEC_TARGET, kstart, kstart, &stray[i], 1);
			CheckCase(work, len, EXPECT_ANY);
			cur_a = tend;
			len = SpliceSection(MLP_SEC_TARGET, tend, tend, &stray[i], 1);
			CheckCase(work, len, EXPECT_ANY);
		}

		SetPhase("classes: labels removed");
		len = SpliceSection(MLP_SEC_TARGET, kstart, tend, NULL, 0);
		CheckCase(work, len, EXPECT_ANY);
		SetPhase("classes: labels repeated");
		memcpy(tmp, valid + kstart, tend - kstart);
		len = SpliceSection(MLP_SEC_TARGET, tend, tend, tmp, tend - kstart);
		CheckCase(work, len, EXPECT_ANY);
	}

	if (AlgoTask(SeedPayload(s)) == TASK_CLASSIFICATION)
	{
		const char *const *names = payload_phases[SeedPayload(s) - ALGO_NAIVE_BAYES];

		SetPhase(names[0]);
		ByteValues(estart, eend);
		SetPhase(names[1]);
		U32Values(estart, eend, near, (int) (sizeof(near) / sizeof(near[0])));

		SetPhase(names[2]);
		for (size_t pos = estart; pos < eend; pos++)
		{
			cur_a = pos;
			len = SpliceSection(MLP_SEC_ESTIMATOR, pos, eend, NULL, 0);
			CheckCase(work, len, EXPECT_ANY);
		}

		SetPhase(names[3]);
		for (size_t n = 1; n <= 16; n++)
		{
			cur_a = n;
			memset(tmp, 0, n);
			len = SpliceSection(MLP_SEC_ESTIMATOR, eend, eend, tmp, n);
			CheckCase(work, len, EXPECT_ANY);
		}
		len = SpliceSection(MLP_SEC_ESTIMATOR, eend, eend, one, sizeof(one));
		CheckCase(work, len, EXPECT_ANY);
	}
	cur_a = 0;
	cur_b = 0;
}

/*
 * A logistic_regression or linear_svm seed's payload fields set behind a
 * valid checksum to values whose verdict is known, so the walk must say
 * exactly what LogDeserialize or SvmDeserialize and model.c say: the class
 * count (the payload keeping its size, only a count of as many weight
 * vectors fits it, and then only the labels' count matches them), the
 * feature count, linear_svm's calibration flag (every byte value: 0 and 1
 * are both accepted, whatever the Platt values), and every coefficient,
 * Platt values included, made non-finite or set to an edge still accepted.
 */
static void
PhaseLinearClassifier(void)
{
	const SeedSpec *s = cur_seed->spec;
	uint16_t	alg = SeedPayload(s);
	bool		svm = (alg == ALGO_LINEAR_SVM);
	size_t		estart = layout->sec_off[MLP_SEC_ESTIMATOR] + MLP_SECTION_HEADER;
	size_t		eend = layout->sec_off[MLP_SEC_ESTIMATOR] +
		layout->sec_size[MLP_SEC_ESTIMATOR];
	uint32_t	k = GetLE(valid + estart, 4);
	uint32_t	p = GetLE(valid + estart + 4, 4);
	uint32_t	nclasses = cur_seed->want.nclasses;
	uint32_t	counts[] = {0, 1, 2, 3, 4, 5, 999, LC_MAX_CLASSES, LC_MAX_CLASSES + 1,
		0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu, k - 1, k + 1, nclasses, p,
	s->nf, s->nselected, 100000, 0x1FFFFFFFu, 0x20000000u};
	static const double nonfinite[] = {NAN, -NAN, INFINITY, -INFINITY};
	static const double edges[] = {0, -0.0, 1.7976931348623157e308,
		-1.7976931348623157e308, 4.9406564584124654e-324,
	-4.9406564584124654e-324, 2.2250738585072014e-308, -1};
	const char *wrong;
	const char *why_nonfinite;

	if (alg != ALGO_LOGISTIC && !svm)
		return;
	wrong = WrongSize(alg);
	why_nonfinite = svm ? "linear_svm has a non-finite coefficient" :
		"logistic_regression has a non-finite coefficient";

	SetPhase(svm ? "linear_svm: class count" : "logistic_regression: class count");
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
	{
		uint32_t	v = counts[i];
		const char *want = NULL;

		if (v < 2 || v > LC_MAX_CLASSES || NVectors(v) != NVectors(k))
			want = wrong;
		else if (v != nclasses)
			want = "estimator does not match the class labels";
		cur_a = v;
		SetField(estart, 4, v);
		CheckVerdict(work, valid_len, want);
	}

	SetPhase(svm ? "linear_svm: feature count" : "logistic_regression: feature count");
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
	{
		uint32_t	v = counts[i];

		cur_a = v;
		SetField(estart + 4, 4, v);
		CheckVerdict(work, valid_len, v == p ? NULL : wrong);
	}

	if (svm)
	{
		SetPhase("linear_svm: calibration flag");
		for (uint32_t v = 0; v < 256; v++)
		{
			cur_a = v;
			SetField(estart + 8, 1, v);
			CheckVerdict(work, valid_len, v <= 1 ? NULL : wrong);
		}
	}

	SetPhase(svm ? "linear_svm: coefficient value" :
			 "logistic_regression: coefficient value");
	for (size_t pos = estart + (svm ? 9 : 8); pos + 8 <= eend; pos += 8)
	{
		for (size_t i = 0; i < 12; i++)
		{
			double		d = i < 4 ? nonfinite[i] : edges[i - 4];
			uint64_t	bits;

			memcpy(&bits, &d, sizeof(bits));
			cur_a = pos;
			cur_b = i;
			memcpy(work, valid, valid_len);
			for (int b = 0; b < 8; b++)
				work[pos + b] = (uint8_t) (bits >> (8 * b));
			FixUp(work, valid_len, true);
			CheckVerdict(work, valid_len, i < 4 ? why_nonfinite : NULL);
		}
	}
	cur_a = 0;
	cur_b = 0;
}

/*
 * Values a naive_bayes f64 is set to, and where NbDeserialize accepts each
 * (a prior in (0, 1], a finite mean, a finite variance above 0, a finite
 * log probability at most 0): spelled out rather than worked out.
 */
static const struct
{
	double		v;
	bool		prior;
	bool		mean;
	bool		var;
	bool		logp;
}			nb_values[] = {
	{NAN, false, false, false, false},
	{-NAN, false, false, false, false},
	{INFINITY, false, false, false, false},
	{-INFINITY, false, false, false, false},
	{0, false, true, false, true},
	{-0.0, false, true, false, true},
	{1, true, true, true, false},
	{-1, false, true, false, true},
	{0.5, true, true, true, false},
	{1.0000000000000002, false, true, true, false},
	{1.7976931348623157e308, false, true, true, false},
	{-1.7976931348623157e308, false, true, false, true},
	{4.9406564584124654e-324, true, true, true, false},
	{-4.9406564584124654e-324, false, true, false, true},
	{2.2250738585072014e-308, true, true, true, false}
};
#define NNB_VALUES ((int) (sizeof(nb_values) / sizeof(nb_values[0])))

/*
 * Groups appended to a naive_bayes payload of p = 3 features cut to its
 * Gaussian part: u32 ngroups, the first ngw groups of g (first, width),
 * then k * cats + adj log probabilities of -0.5 (the one at bad set to
 * badv), pad zero bytes, and the last cut bytes taken off again; and
 * what NbDeserialize says of it.
 */
typedef struct NbTail
{
	const char *what;
	uint32_t	ng;
	int			ngw;
	uint32_t	g[8];
	int			cats;
	int			adj;
	int			bad;			/* -1: none */
	double		badv;
	int			pad;
	int			cut;
	const char *why;
} NbTail;

#define NB_WRONG	"naive_bayes payload has the wrong size"
#define NB_GROUP	"naive_bayes has an invalid one-hot group"
#define NB_LOGP		"naive_bayes has an invalid category probability"

static const NbTail nb_tails[] = {
	{"one byte of a group count", 1, 0, {0}, 0, 0, -1, 0, 0, 3, NB_WRONG},
	{"two bytes of a group count", 1, 0, {0}, 0, 0, -1, 0, 0, 2, NB_WRONG},
	{"three bytes of a group count", 1, 0, {0}, 0, 0, -1, 0, 0, 1, NB_WRONG},
	{"group count 0 alone", 0, 0, {0}, 0, 0, -1, 0, 0, 0, NB_WRONG},
	{"group count 1 alone", 1, 0, {0}, 0, 0, -1, 0, 0, 0, NB_WRONG},
	{"group count 0 and a valid group", 0, 1, {0, 1}, 1, 0, -1, 0, 0, 0, NB_WRONG},
	{"group (0, 1) without log probabilities", 1, 1, {0, 1}, 0, 0, -1, 0, 0, 0, NB_WRONG},
	{"group (0, 1)", 1, 1, {0, 1}, 1, 0, -1, 0, 0, 0, NULL},
	{"group (0, 1), a log probability short", 1, 1, {0, 1}, 1, -1, -1, 0, 0, 0, NB_WRONG},
	{"group (0, 1), a log probability long", 1, 1, {0, 1}, 1, 1, -1, 0, 0, 0, NB_WRONG},
	{"group (0, 1) and a byte", 1, 1, {0, 1}, 1, 0, -1, 0, 1, 0, NB_WRONG},
	{"group (0, 1), a byte short", 1, 1, {0, 1}, 1, 0, -1, 0, 0, 1, NB_WRONG},
	{"group (0, 1), log probability 0.5", 1, 1, {0, 1}, 1, 0, 1, 0.5, 0, 0, NB_LOGP},
	{"group (0, 1), log probability NaN", 1, 1, {0, 1}, 1, 0, 0, NAN, 0, 0, NB_LOGP},
	{"group (0, 1), log probability -infinity", 1, 1, {0, 1}, 1, 0, 1, -INFINITY, 0, 0, NB_LOGP},
	{"group (0, 1), log probability 0", 1, 1, {0, 1}, 1, 0, 0, 0, 0, 0, NULL},
	{"group (2, 1), at the end", 1, 1, {2, 1}, 1, 0, -1, 0, 0, 0, NULL},
	{"group (0, 3), every feature", 1, 1, {0, 3}, 3, 0, -1, 0, 0, 0, NULL},
	{"groups (0, 1) (1, 1) (2, 1)", 3, 3, {0, 1, 1, 1, 2, 1}, 3, 0, -1, 0, 0, 0, NULL},
	{"groups (0, 2) (2, 1)", 2, 2, {0, 2, 2, 1}, 3, 0, -1, 0, 0, 0, NULL},
	{"groups (0, 1) (2, 1), a gap", 2, 2, {0, 1, 2, 1}, 2, 0, -1, 0, 0, 0, NULL},
	{"groups (1, 2), a numeric feature first", 1, 1, {1, 2}, 2, 0, -1, 0, 0, 0, NULL},
	{"four groups of three features", 4, 4, {0, 1, 1, 1, 2, 1, 2, 1}, 4, 0, -1, 0, 0, 0, NB_WRONG},
	{"group count 0xFFFFFFFF", 0xFFFFFFFFu, 1, {0, 1}, 1, 0, -1, 0, 0, 0, NB_WRONG},
	{"group count 0x20000000", 0x20000000u, 1, {0, 1}, 1, 0, -1, 0, 0, 0, NB_WRONG},
	{"group (0, 0)", 1, 1, {0, 0}, 0, 0, -1, 0, 0, 0, NB_GROUP},
	{"group (0, 0) with log probabilities", 1, 1, {0, 0}, 1, 0, -1, 0, 0, 0, NB_GROUP},
	{"group (0, 4)", 1, 1, {0, 4}, 4, 0, -1, 0, 0, 0, NB_GROUP},
	{"group (3, 1)", 1, 1, {3, 1}, 1, 0, -1, 0, 0, 0, NB_GROUP},
	{"group (1, 3)", 1, 1, {1, 3}, 3, 0, -1, 0, 0, 0, NB_GROUP},
	{"group (3, 0)", 1, 1, {3, 0}, 0, 0, -1, 0, 0, 0, NB_GROUP},
	{"groups (1, 1) (0, 1), out of order", 2, 2, {1, 1, 0, 1}, 2, 0, -1, 0, 0, 0, NB_GROUP},
	{"groups (0, 2) (1, 1), overlapping", 2, 2, {0, 2, 1, 1}, 3, 0, -1, 0, 0, 0, NB_GROUP},
	{"groups (0, 1) (0, 1), repeated", 2, 2, {0, 1, 0, 1}, 2, 0, -1, 0, 0, 0, NB_GROUP},
	{"group (0xFFFFFFFF, 1)", 1, 1, {0xFFFFFFFFu, 1}, 1, 0, -1, 0, 0, 0, NB_GROUP},
	{"group (1, 0xFFFFFFFF), its end wrapping to 0", 1, 1, {1, 0xFFFFFFFFu}, 1, 0, -1, 0, 0, 0, NB_GROUP},
	{"groups (0, 1) (0xFFFFFFFF, 2), the end wrapping to 1", 2, 2, {0, 1, 0xFFFFFFFFu, 2}, 1, 0, -1, 0, 0, 0, NB_GROUP},
	{"group (0x80000000, 0x80000000)", 1, 1, {0x80000000u, 0x80000000u}, 1, 0, -1, 0, 0, 0, NB_GROUP},
	{"group count 2, one group", 2, 1, {0, 1}, 0, 0, -1, 0, 0, 0, NB_WRONG},
	{"group count 2, one group, its log probabilities read as a group", 2, 1, {0, 1}, 1, 0, -1, 0, 0, 0, NB_GROUP},
	{"groups (0, 1) (1, 1) (2, 1), a log probability short", 3, 3, {0, 1, 1, 1, 2, 1}, 3, -1, -1, 0, 0, 0, NB_WRONG},
	{"groups (0, 1) (1, 1) (2, 1), log probability +infinity", 3, 3, {0, 1, 1, 1, 2, 1}, 3, 0, 5, INFINITY, 0, 0, NB_LOGP},
	{"bad group and bad log probability", 1, 1, {0, 4}, 1, 0, 0, NAN, 0, 0, NB_GROUP},
	{"log probabilities a value long and one NaN", 1, 1, {0, 1}, 1, 1, 0, NAN, 0, 0, NB_WRONG}
};
#define NNB_TAILS ((int) (sizeof(nb_tails) / sizeof(nb_tails[0])))

/*
 * What NbDeserialize says of ng groups (first[g], width[g]) followed by
 * the log probabilities of total0 categories: each group inside the
 * features (its end, in 64 bits, at most p) with a width of 1 or more and
 * starting at or after the previous one's end, then as many categories.
 */
static const char *
NbGroupsWant(const uint32_t *first, const uint32_t *width, uint32_t ng,
			 uint32_t p, uint64_t total0)
{
	uint64_t	end = 0;
	uint64_t	total = 0;

	for (uint32_t g = 0; g < ng; g++)
	{
		if (width[g] == 0 || first[g] < end || (uint64_t) first[g] + width[g] > p)
			return NB_GROUP;
		end = (uint64_t) first[g] + width[g];
		total += width[g];
	}
	return total == total0 ? NULL : NB_WRONG;
}

/*
 * A naive_bayes seed's payload damaged behind a valid checksum in ways
 * whose verdict is known, so the walk must say exactly what NbDeserialize
 * and model.c say: the feature count; every value (prior, mean, variance,
 * log probability) set to NaN, infinities, 0, -0, 1 and past it, the
 * extremes and the least denormals; the payload cut at every byte (only
 * the whole payload or its Gaussian part alone is a model); zero bytes
 * appended (1 .. 3: too few for a group count; 4 and more: a group count
 * of 0, or log probabilities of the wrong count); groups appended to the
 * Gaussian part of a payload of three features (nb_tails); and, with
 * groups, the group count and every group's first and width set to counts
 * near the features, the neighbours' bounds and ones that wrap.
 */
static void
PhaseNaiveBayes(void)
{
	const SeedSpec *s = cur_seed->spec;
	size_t		estart = layout->sec_off[MLP_SEC_ESTIMATOR] + MLP_SECTION_HEADER;
	size_t		eend = layout->sec_off[MLP_SEC_ESTIMATOR] +
		layout->sec_size[MLP_SEC_ESTIMATOR];
	uint32_t	k;
	uint32_t	p;
	uint32_t	nclasses = cur_seed->want.nclasses;
	size_t		gstart;			/* the group count, or eend */
	size_t		lstart;			/* the log probabilities, or eend */
	uint32_t	ng = 0;
	uint32_t	first[SEED_MAX_FEATURES];
	uint32_t	width[SEED_MAX_FEATURES];
	uint64_t	total = 0;
	uint8_t		tmp[WORK_CAP];
	size_t		len;

	if (SeedPayload(s) != ALGO_NAIVE_BAYES || SeedAlgorithm(s) != ALGO_NAIVE_BAYES)
		return;
	k = GetLE(valid + estart, 4);
	p = GetLE(valid + estart + 4, 4);
	if (k != nclasses)
		Fail("naive_bayes seed of %u classes for %u labels", k, nclasses);
	gstart = estart + 8 + 8 * ((size_t) k + 2 * (size_t) k * p);
	lstart = eend;
	if (gstart < eend)
	{
		ng = GetLE(valid + gstart, 4);
		if (ng == 0 || ng > SEED_MAX_FEATURES)
			Fail("naive_bayes seed of %u groups", ng);
		for (uint32_t g = 0; g < ng; g++)
		{
			first[g] = GetLE(valid + gstart + 4 + 8 * g, 4);
			width[g] = GetLE(valid + gstart + 8 + 8 * g, 4);
			total += width[g];
		}
		lstart = gstart + 4 + 8 * (size_t) ng;
		if (lstart + 8 * k * total != eend || F64At(valid + lstart) > 0)
			Fail("naive_bayes seed's groups are not as written");
	}

	SetPhase("naive_bayes: feature count");
	{
		uint32_t	counts[] = {0, 1, 2, 3, p - 1, p + 1, s->nf, s->nselected,
		MAX_FEATURE_COUNT, 0x1FFFFFFFu, 0x20000000u, 0x80000000u, 0xFFFFFFFFu};

		for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		{
			cur_a = counts[i];
			SetField(estart + 4, 4, counts[i]);
			CheckVerdict(work, valid_len, counts[i] == p ? NULL : NB_WRONG);
		}
	}

	SetPhase("naive_bayes: value");
	for (size_t pos = estart + 8; pos + 8 <= eend; pos += 8)
	{
		size_t		i = (pos - estart - 8) / 8;

		if (pos == gstart)
			pos = lstart;		/* past the groups: u32s, below */
		for (int v = 0; v < NNB_VALUES; v++)
		{
			uint64_t	bits;
			const char *want;

			if (pos >= lstart)
				want = nb_values[v].logp ? NULL : NB_LOGP;
			else if (i < k)
				want = nb_values[v].prior ? NULL : "naive_bayes has an invalid prior";
			else if (i < k + (size_t) k * p)
				want = nb_values[v].mean ? NULL : "naive_bayes has a non-finite mean";
			else
				want = nb_values[v].var ? NULL : "naive_bayes has an invalid variance";
			memcpy(&bits, &nb_values[v].v, sizeof(bits));
			cur_a = pos;
			cur_b = (size_t) v;
			memcpy(work, valid, valid_len);
			for (int b = 0; b < 8; b++)
				work[pos + b] = (uint8_t) (bits >> (8 * b));
			FixUp(work, valid_len, true);
			CheckVerdict(work, valid_len, want);
		}
	}

	SetPhase("naive_bayes: payload cut");
	for (size_t pos = estart; pos < eend; pos++)
	{
		cur_a = pos;
		len = SpliceSection(MLP_SEC_ESTIMATOR, pos, eend, NULL, 0);
		CheckVerdict(work, len, pos == gstart ? NULL : NB_WRONG);
	}

	SetPhase("naive_bayes: zero bytes appended");
	memset(tmp, 0, 64);
	for (size_t n = 1; n <= 64; n++)
	{
		cur_a = n;
		len = SpliceSection(MLP_SEC_ESTIMATOR, eend, eend, tmp, n);
		CheckVerdict(work, len, NB_WRONG);
	}

	if (p == 3)
	{
		SetPhase("naive_bayes: groups appended");
		for (int t = 0; t < NNB_TAILS; t++)
		{
			const NbTail *nt = &nb_tails[t];
			MlpWriter	w;
			int			nlogp = (int) k * nt->cats + nt->adj;

			cur_model = nt->what;
			cur_a = (size_t) t;
			mlp_writer_init(&w, MallocGrow);
			mlp_put_u32(&w, nt->ng);
			for (int g = 0; g < nt->ngw; g++)
			{
				mlp_put_u32(&w, nt->g[2 * g]);
				mlp_put_u32(&w, nt->g[2 * g + 1]);
			}
			for (int i = 0; i < nlogp; i++)
				mlp_put_f64(&w, i == nt->bad ? nt->badv : -0.5);
			for (int i = 0; i < nt->pad; i++)
				mlp_put_u8(&w, 0);
			if (w.failed || w.len < (size_t) nt->cut)
				Fail("the writer failed on a naive_bayes tail");
			len = SpliceSection(MLP_SEC_ESTIMATOR, gstart, eend, w.buf,
								w.len - (size_t) nt->cut);
			free(w.buf);
			CheckVerdict(work, len, nt->why);
		}
		cur_model = s->label;
	}

	if (ng == 0)
	{
		cur_a = 0;
		cur_b = 0;
		return;
	}

	SetPhase("naive_bayes: group count");
	{
		uint32_t	counts[] = {0, 1, 2, 3, 4, ng - 1, ng + 1, p - 1, p, p + 1,
			(uint32_t) ((eend - gstart - 4) / 8), (uint32_t) ((eend - gstart - 4) / 8 + 1),
		MAX_FEATURE_COUNT, 0x1FFFFFFFu, 0x20000000u, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu};
		uint64_t	left = eend - gstart - 4;

		for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		{
			uint32_t	v = counts[i];
			const char *want;

			if (v < 1 || v > p || left < 8 * (uint64_t) v || v < ng)
				want = NB_WRONG;	/* fewer: more bytes left than logs */
			else if (v == ng)
				want = NULL;
			else
				want = NB_GROUP;	/* group ng is a log probability <= 0: */
			/* its width the high word, 0 or 0x80000000 and up */
			cur_a = v;
			SetField(gstart, 4, v);
			CheckVerdict(work, valid_len, want);
		}
	}

	SetPhase("naive_bayes: group bounds");
	for (uint32_t g = 0; g < ng; g++)
	{
		for (int field = 0; field < 2; field++)
		{
			uint32_t   *arr = field == 0 ? first : width;
			uint32_t	orig = arr[g];
			uint32_t	prev_end = g > 0 ? first[g - 1] + width[g - 1] : 0;
			uint32_t	next_first = g + 1 < ng ? first[g + 1] : p;
			uint32_t	vals[] = {0, 1, 2, p - 1, p, p + 1, orig - 1, orig + 1,
				prev_end - 1, prev_end, prev_end + 1, next_first - 1, next_first,
				p - width[g], p - width[g] + 1, p - first[g], p - first[g] + 1,
				MAX_FEATURE_COUNT, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFEu,
			0xFFFFFFFFu, -p, -first[g], -width[g]};

			for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
			{
				const char *want;

				arr[g] = vals[i];
				want = NbGroupsWant(first, width, ng, p, total);
				arr[g] = orig;
				cur_a = gstart + 4 + 8 * (size_t) g + 4 * (size_t) field;
				cur_b = vals[i];
				SetField(cur_a, 4, vals[i]);
				CheckVerdict(work, valid_len, want);
			}
		}
	}

	SetPhase("naive_bayes: groups swapped");
	for (uint32_t g = 0; g + 1 < ng; g++)
	{
		memcpy(work, valid, valid_len);
		memcpy(work + gstart + 4 + 8 * g, valid + gstart + 4 + 8 * (g + 1), 8);
		memcpy(work + gstart + 4 + 8 * (g + 1), valid + gstart + 4 + 8 * g, 8);
		FixUp(work, valid_len, true);
		cur_a = g;
		CheckVerdict(work, valid_len, NB_GROUP);
	}
	cur_a = 0;
	cur_b = 0;
}

/* An "interesting" value for a field that was orig. */
static uint32_t
InterestingValue(uint32_t orig, int width)
{
	static const uint32_t vals[] = {
		0, 1, 2, 3, 4, 7, 8, 16, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000,
		0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000u, 0xFFFFFFFFu
	};
	uint32_t	v;

	switch (RandBelow(4))
	{
		case 0:
			v = vals[RandBelow(sizeof(vals) / sizeof(vals[0]))];
			break;
		case 1:
			v = orig + (uint32_t) RandBelow(17) - 8;
			break;
		case 2:
			v = (uint32_t) valid_len - (uint32_t) RandBelow(40);
			break;
		default:
			v = (uint32_t) Rand();
			break;
	}
	if (width == 2)
		v &= 0xFFFF;
	else if (width == 1)
		v &= 0xFF;
	return v;
}

/* MutateRandom's kinds, for the failure report */
static const char *const mutation_names[] = {
	"random corruption", "random corruption + crc fix-up",
	"garbage appended", "garbage appended + crc fix-up",
	"field value + crc fix-up", "bytes inserted + crc fix-up",
	"bytes deleted + crc fix-up", "truncation + crc fix-up",
	"range overwritten + crc fix-up", "block bytes + crc fix-up"
};
#define NMUTATIONS ((int) (sizeof(mutation_names) / sizeof(mutation_names[0])))

/* One random mutation of the valid model; returns the new length. */
static size_t
MutateRandom(int kind, bool *fixup)
{
	size_t		len = valid_len;
	size_t		n;
	size_t		pos;

	memcpy(work, valid, valid_len);
	*fixup = true;
	switch (kind)
	{
		case 0:				/* multi-byte corruption, trailer untouched */
		case 1:				/* the same, then the trailer repaired */
			*fixup = (kind == 1);
			n = 1 + RandBelow(8);
			for (size_t i = 0; i < n; i++)
			{
				pos = RandBelow(kind == 1 ? valid_len - 4 : valid_len);
				if (RandBelow(2))
					work[pos] = (uint8_t) Rand();
				else
					work[pos] ^= (uint8_t) (1u << RandBelow(8));
			}
			cur_a = n;
			break;
		case 2:				/* garbage appended after the checksum */
		case 3:				/* the same, the new tail then checksummed */
			*fixup = (kind == 3);
			n = 1 + RandBelow(256);
			for (size_t i = 0; i < n; i++)
				work[len + i] = (uint8_t) Rand();
			len += n;
			cur_a = n;
			break;
		case 4:				/* targeted field value */
			{
				Field		f = layout->fields[RandBelow((size_t) layout->nfields)];

				PutLE(work + f.off, f.width,
					  InterestingValue(GetLE(work + f.off, f.width), f.width));
				*fixup = true;
				cur_a = f.off;
				if (f.off == 12)
				{
					FixUp(work, len, false);
					*fixup = false;
				}
			}
			break;
		case 5:				/* bytes inserted into the body */
			n = 1 + RandBelow(32);
			pos = MLP_HEADER_SIZE + RandBelow(valid_len - 4 - MLP_HEADER_SIZE + 1);
			memmove(work + pos + n, work + pos, len - pos);
			for (size_t i = 0; i < n; i++)
				work[pos + i] = RandBelow(3) ? 0 : (uint8_t) Rand();
			len += n;
			cur_a = pos;
			cur_b = n;
			break;
		case 6:				/* bytes deleted from the body */
			pos = MLP_HEADER_SIZE + RandBelow(valid_len - 4 - MLP_HEADER_SIZE);
			n = 1 + RandBelow(valid_len - 4 - pos);
			memmove(work + pos, work + pos + n, len - pos - n);
			len -= n;
			cur_a = pos;
			cur_b = n;
			break;
		case 7:				/* random truncation, trailer repaired */
			len = RandBelow(valid_len);
			cur_a = len;
			break;
		case 9:				/* bytes of the optional blocks */
			{
				size_t		from = layout->nblocks > 0 ? layout->block_off[0] :
					layout->sec_off[MLP_SEC_FEATURES] + MLP_SECTION_HEADER;

				n = 1 + RandBelow(4);
				for (size_t i = 0; i < n; i++)
				{
					pos = from + RandBelow(layout->blocks_end - from);
					work[pos] = RandBelow(2) ? block_bytes[RandBelow(NBLOCK_BYTES)]
						: (uint8_t) Rand();
				}
				cur_a = n;
			}
			break;
		default:			/* a random range overwritten */
			pos = RandBelow(valid_len - 4);
			n = 1 + RandBelow(valid_len - 4 - pos);
			for (size_t i = 0; i < n; i++)
				work[pos + i] = (uint8_t) Rand();
			cur_a = pos;
			cur_b = n;
			break;
	}
	if (*fixup)
		FixUp(work, len, true);
	return len;
}

/* Write one random payload item with the writer. */
static void
PutRandomItem(MlpWriter *w)
{
	switch (RandBelow(6))
	{
		case 0:
			mlp_put_u8(w, (uint8_t) Rand());
			break;
		case 1:
			mlp_put_u16(w, (uint16_t) Rand());
			break;
		case 2:
			mlp_put_u32(w, (uint32_t) RandBelow(6));
			break;
		case 3:
			{
				uint64_t	u = Rand();
				double		d;

				memcpy(&d, &u, sizeof(d));
				mlp_put_f64(w, RandBelow(2) ? d : (double) RandBelow(100));
			}
			break;
		default:
			mlp_put_str(w, dict[RandBelow(NDICT)]);
			break;
	}
}

/*
 * Optional blocks after a random feature list, in model.c's order, each
 * present at random and roughly shaped: small counts and indexes around
 * nf, degrees around 2 and 3, an 'S' block of nsel indexes when nsel > 0.
 */
static void
PutRandomBlocks(MlpWriter *w, uint32_t nf, uint32_t nsel)
{
	if (RandBelow(2))
	{
		mlp_put_u8(w, PREP_MARKER);
		for (uint32_t j = 0; j < nf; j++)
		{
			mlp_put_u8(w, (uint8_t) RandBelow(4));
			mlp_put_f64(w, (double) RandBelow(3));
			mlp_put_f64(w, (double) RandBelow(2));
			mlp_put_f64(w, (double) RandBelow(3));
		}
	}
	if (RandBelow(2))
	{
		uint32_t	nt = (uint32_t) RandBelow(nf + 1);
		uint32_t	written = nt + (RandBelow(8) == 0);

		mlp_put_u8(w, POLY_MARKER);
		mlp_put_u32(w, nt);
		for (uint32_t t = 0; t < written; t++)
		{
			uint8_t		d = (uint8_t) (1 + RandBelow(4));
			uint32_t	f = (uint32_t) RandBelow(2);

			mlp_put_u8(w, d);
			for (int k = 0; k < d; k++)
			{
				mlp_put_u32(w, f);
				f += (uint32_t) RandBelow(2);
			}
		}
	}
	if (RandBelow(3) == 0)
	{
		uint32_t	ni = (uint32_t) RandBelow(nf + 1);

		mlp_put_u8(w, ENC_MARKER);
		mlp_put_u32(w, ni);
		for (uint32_t i = 0; i < ni; i++)
		{
			uint8_t		kind = (uint8_t) RandBelow(INPUT_KIND_MAX + 2);

			mlp_put_str(w, dict[RandBelow(NDICT)]);
			mlp_put_u8(w, kind);
			if (IS_DATE(kind))
				mlp_put_u8(w, (uint8_t) (1u << RandBelow(7)));
			else if (kind == INPUT_CATEGORY)
			{
				uint32_t	ncat = (uint32_t) RandBelow(3);

				mlp_put_u32(w, ncat);
				for (uint32_t k = 0; k < ncat; k++)
					mlp_put_str(w, dict[RandBelow(NDICT)]);
				mlp_put_u8(w, (uint8_t) RandBelow(3));
				mlp_put_u8(w, (uint8_t) RandBelow(2));
			}
			else if (kind == INPUT_ARRAY)
				mlp_put_u32(w, (uint32_t) RandBelow(4));
			else if (kind == INPUT_HASH)
			{
				uint32_t	nk = (uint32_t) RandBelow(3);
				uint32_t	b = (uint32_t) RandBelow(2);

				mlp_put_u32(w, (uint32_t) RandBelow(5));
				mlp_put_u32(w, nk);
				for (uint32_t k = 0; k < nk; k++)
				{
					mlp_put_u32(w, b);
					b += (uint32_t) RandBelow(3);
				}
				mlp_put_u8(w, (uint8_t) RandBelow(3));
			}
			else if (kind == INPUT_ORDINAL || kind == INPUT_TARGET)
			{
				uint32_t	ncat = (uint32_t) RandBelow(3);
				size_t		d = RandBelow(NDICT);

				/* the dictionary is in no order: ascending only by chance */
				mlp_put_u32(w, ncat);
				for (uint32_t k = 0; k < ncat; k++)
				{
					mlp_put_str(w, dict[d]);
					d = (d + 1 + RandBelow(3)) % NDICT;
					if (kind == INPUT_TARGET)
						mlp_put_f64(w, RandBelow(16) ? (double) k : INFINITY);
				}
				if (kind == INPUT_TARGET)
				{
					mlp_put_u8(w, (uint8_t) RandBelow(3));
					mlp_put_f64(w, RandBelow(16) ? 0.5 : NAN);
					mlp_put_f64(w, -0.5);
				}
			}
		}
	}
	if (RandBelow(3) == 0)
	{
		mlp_put_u8(w, TRANSFORM_MARKER);
		for (uint32_t j = 0; j < nf; j++)
		{
			uint8_t		kind = (uint8_t) RandBelow(5);

			mlp_put_u8(w, kind);
			mlp_put_f64(w, -(double) RandBelow(2));
			mlp_put_f64(w, (double) RandBelow(2));
			if (kind == TRANSFORM_BUCKETIZE)
			{
				uint32_t	ne = (uint32_t) RandBelow(5);
				double		edge = -(double) RandBelow(3);

				mlp_put_u32(w, ne);
				for (uint32_t e = 0; e < ne; e++)
				{
					mlp_put_f64(w, edge);
					edge += (double) RandBelow(3);
				}
			}
		}
	}
	if (nsel > 0)
	{
		uint32_t	j = (uint32_t) RandBelow(2);

		mlp_put_u8(w, SELECT_MARKER);
		mlp_put_u32(w, nsel);
		for (uint32_t i = 0; i < nsel; i++)
		{
			mlp_put_u32(w, j);
			j += (uint32_t) RandBelow(3);
		}
	}
}

/*
 * A class-labels block after a random target: usually nc distinct labels
 * (the dictionary is walked forwards, so they differ), sometimes another
 * marker, count or label, or a label repeated.
 */
static void
PutRandomClasses(MlpWriter *w, uint32_t nc)
{
	uint32_t	count = RandBelow(8) ? nc : (uint32_t) RandBelow(6);
	uint32_t	written = count + (RandBelow(8) == 0);
	size_t		d = RandBelow(NDICT);

	mlp_put_u8(w, RandBelow(16) ? CLASSES_MARKER : (uint8_t) Rand());
	mlp_put_u32(w, RandBelow(32) ? count : MAX_CLASSES + (uint32_t) RandBelow(2));
	for (uint32_t k = 0; k < written && k < 8; k++)
	{
		mlp_put_str(w, dict[d]);
		if (RandBelow(16))
			d = (d + 1 + RandBelow(3)) % NDICT;
	}
}

/*
 * A naive_bayes payload for k classes and p features: usually valid, now
 * and then with another k or p, a value NaN, infinite, 0 or negative, or
 * a value more or fewer; a third of them with one-hot groups, usually in
 * order inside the features, now and then with a group count of 0 or past
 * p, a group overlapping, out of the features or of width 0, a log
 * probability positive or not finite, or one more or fewer.
 */
static void
PutRandomNaiveBayes(MlpWriter *w, uint32_t k, uint32_t p)
{
	uint32_t	kk = RandBelow(8) ? k : (uint32_t) RandBelow(5);
	uint32_t	pp = RandBelow(8) ? p : (uint32_t) RandBelow(5);
	size_t		n = (size_t) kk + 2 * (size_t) kk * pp;
	static const double odd[] = {0, -0.0, -1, 1.5, INFINITY, -INFINITY, NAN, 5e-324};
	static const double odd_logp[] = {0, -0.0, 0.5, 5e-324, INFINITY, -INFINITY,
	NAN, -1.7976931348623157e308};

	if (RandBelow(8) == 0)
		n = n + RandBelow(3) - (n > 0);
	mlp_put_u32(w, kk);
	mlp_put_u32(w, pp);
	for (size_t i = 0; i < n && i < 200; i++)
	{
		double		v = i < kk ? 1.0 / kk : i < kk + (size_t) kk * pp ? (double) i : 0.25 + i;

		mlp_put_f64(w, RandBelow(40) ? v : odd[RandBelow(sizeof(odd) / sizeof(odd[0]))]);
	}
	if (pp > 0 && RandBelow(3) == 0)
	{
		uint32_t	ng = 1 + (uint32_t) RandBelow(pp < 4 ? pp : 4);
		uint32_t	next = 0;
		size_t		total = 0;
		size_t		nlogp;

		if (RandBelow(16) == 0)
			ng = RandBelow(2) ? 0 : pp + (uint32_t) RandBelow(2);
		mlp_put_u32(w, ng);
		for (uint32_t g = 0; g < ng && g < 8; g++)
		{
			uint32_t	f = next + (uint32_t) RandBelow(2);
			uint32_t	wd = 1 + (uint32_t) RandBelow(2);

			if (f + wd > pp)
			{
				f = next;
				wd = 1;
			}
			if (RandBelow(16) == 0)
				f = RandBelow(2) ? (uint32_t) RandBelow(pp + 1) : (uint32_t) Rand();
			if (RandBelow(16) == 0)
				wd = RandBelow(2) ? (uint32_t) RandBelow(pp + 2) : (uint32_t) Rand();
			mlp_put_u32(w, f);
			mlp_put_u32(w, wd);
			next = f + wd;
			total += wd;
		}
		nlogp = (size_t) kk * (total < 64 ? total : 64);
		if (RandBelow(8) == 0)
			nlogp = nlogp + RandBelow(3) - (nlogp > 0);
		for (size_t i = 0; i < nlogp && i < 200; i++)
			mlp_put_f64(w, RandBelow(40) ? -0.125 * (double) (i + 1) :
						odd_logp[RandBelow(sizeof(odd_logp) / sizeof(odd_logp[0]))]);
	}
}

/*
 * A logistic_regression (svm false) or linear_svm payload for k classes
 * and p features: usually valid, now and then with another k or p, a
 * calibration flag past 1, a value NaN or infinite, or a value more or
 * fewer.
 */
static void
PutRandomLinearClassifier(MlpWriter *w, bool svm, uint32_t k, uint32_t p)
{
	uint32_t	kk = RandBelow(8) ? k : (uint32_t) RandBelow(5);
	uint32_t	pp = RandBelow(8) ? p : (uint32_t) RandBelow(5);
	size_t		nw = (size_t) NVectors(kk) * (pp + 1);
	size_t		n = nw + (svm ? 2 * (size_t) NVectors(kk) : 0);
	static const double odd[] = {0, -0.0, -1, 1e308, INFINITY, -INFINITY, NAN, 5e-324};

	if (RandBelow(8) == 0)
		n = n + RandBelow(3) - (n > 0);
	mlp_put_u32(w, kk);
	mlp_put_u32(w, pp);
	if (svm)
		mlp_put_u8(w, RandBelow(16) ? (uint8_t) RandBelow(2) : (uint8_t) Rand());
	for (size_t i = 0; i < n && i < 200; i++)
	{
		double		v = i < nw ? 0.25 * (double) i - 1 : (i % 2 ? 0.5 : -2.0);

		mlp_put_f64(w, RandBelow(40) ? v : odd[RandBelow(sizeof(odd) / sizeof(odd[0]))]);
	}
}

/*
 * A random model made by the writer itself: random ids and payloads, some
 * shaped like the real ones (a linear model, or a naive_bayes,
 * logistic_regression or linear_svm classifier with its labels, mostly with
 * the task its algorithm has).  It must be accepted exactly when its ids
 * are 1, 2 and 3, each once.
 */
static void
RandomWriterModel(void)
{
	MlpWriter	w;
	int			nsec = (int) RandBelow(6);
	int			seen[MLP_SEC_MAX + 1] = {0};
	bool		expect_ok = true;
	uint32_t	nf = (uint32_t) RandBelow(5);	/* shared by the sections */
	uint32_t	nsel = nf > 1 && RandBelow(4) == 0 ? 1 + (uint32_t) RandBelow(nf - 1) : 0;
	uint32_t	nc = 2 + (uint32_t) RandBelow(3);
	uint16_t	algorithm;
	uint8_t		task;

	if (RandBelow(4) == 0)
	{
		algorithm = (uint16_t) RandBelow(ALGO_LINEAR_SVM + 2);
		task = (uint8_t) RandBelow(5);
	}
	else if (RandBelow(2))
	{
		algorithm = (uint16_t) (ALGO_NAIVE_BAYES + RandBelow(3));
		task = TASK_CLASSIFICATION;
	}
	else
	{
		algorithm = (uint16_t) (ALGO_LINEAR_FIRST + RandBelow(ALGO_LINEAR_LAST));
		task = TASK_REGRESSION;
	}
	mlp_writer_init(&w, MallocGrow);
	mlp_begin_model(&w, algorithm, task);
	for (int i = 0; i < nsec; i++)
	{
		uint16_t	id = RandBelow(8) ? (uint16_t) (1 + RandBelow(3))
			: (uint16_t) RandBelow(6);

		if (id >= 1 && id <= MLP_SEC_MAX)
			seen[id]++;
		else
			expect_ok = false;
		mlp_begin_section(&w, id);
		if (RandBelow(3) == 0)
		{
			int			items = (int) RandBelow(12);

			for (int k = 0; k < items; k++)
				PutRandomItem(&w);
		}
		else if (id == MLP_SEC_FEATURES)
		{
			uint32_t	npairs = nf + (RandBelow(4) == 0);

			mlp_put_u32(&w, nf);
			for (uint32_t j = 0; j < npairs; j++)
			{
				mlp_put_str(&w, dict[RandBelow(NDICT)]);
				mlp_put_str(&w, dict[RandBelow(NDICT)]);
			}
			if (nsel > 0 || RandBelow(2))
				PutRandomBlocks(&w, nf, nsel);
		}
		else if (id == MLP_SEC_TARGET)
		{
			int			items = RandBelow(4) ? 2 : 1 + (int) RandBelow(3);

			for (int k = 0; k < items; k++)
				mlp_put_str(&w, dict[RandBelow(NDICT)]);
			if (task == TASK_CLASSIFICATION ? RandBelow(8) != 0 : RandBelow(8) == 0)
				PutRandomClasses(&w, nc);
		}
		else if (algorithm == ALGO_NAIVE_BAYES && RandBelow(8))
			PutRandomNaiveBayes(&w, nc, nsel > 0 ? nsel : nf);
		else if ((algorithm == ALGO_LOGISTIC || algorithm == ALGO_LINEAR_SVM) &&
				 RandBelow(8))
			PutRandomLinearClassifier(&w, algorithm == ALGO_LINEAR_SVM, nc,
									  nsel > 0 ? nsel : nf);
		else
		{
			uint32_t	p = RandBelow(4) ? (nsel > 0 ? nsel : nf) : (uint32_t) RandBelow(5);
			uint32_t	ncoef = p + (RandBelow(4) == 0);

			mlp_put_u32(&w, p);
			for (uint32_t j = 0; j <= ncoef; j++)
				mlp_put_f64(&w, RandBelow(20) ? (double) j : NAN);
		}
		mlp_end_section(&w);
	}
	mlp_finish_model(&w);
	if (w.failed)
		Fail("the writer failed on a small random model");
	for (int id = 1; id <= MLP_SEC_MAX; id++)
		if (seen[id] != 1)
			expect_ok = false;
	cur_a = (size_t) nsec;
	CheckCase(w.buf, w.len, expect_ok ? EXPECT_PARSE : EXPECT_REJECT);
	free(w.buf);
}

/*
 * A naive_bayes seed with its payload replaced by a random one for its
 * classes and features (PutRandomNaiveBayes, a third with groups): it must
 * parse, and the walk must agree with NbPayloadVerdict on it.
 */
static void
RandomNbPayload(void)
{
	int			pick[NSEEDS];
	int			npick = 0;
	size_t		estart;
	size_t		eend;
	MlpWriter	w;

	for (int i = 0; i < NSEEDS; i++)
		if (SeedAlgorithm(seeds[i].spec) == ALGO_NAIVE_BAYES &&
			SeedPayload(seeds[i].spec) == ALGO_NAIVE_BAYES)
			pick[npick++] = i;
	UseSeed(pick[RandBelow((size_t) npick)]);
	estart = layout->sec_off[MLP_SEC_ESTIMATOR] + MLP_SECTION_HEADER;
	eend = layout->sec_off[MLP_SEC_ESTIMATOR] + layout->sec_size[MLP_SEC_ESTIMATOR];
	mlp_writer_init(&w, MallocGrow);
	PutRandomNaiveBayes(&w, cur_seed->want.nclasses,
						cur_seed->want.nselected > 0 ? cur_seed->want.nselected :
						cur_seed->want.nf);
	if (w.failed)
		Fail("the writer failed on a random naive_bayes payload");
	if (valid_len - (eend - estart) + w.len <= WORK_CAP)
	{
		size_t		len = SpliceSection(MLP_SEC_ESTIMATOR, estart, eend, w.buf, w.len);

		cur_a = w.len;
		CheckCase(work, len, EXPECT_PARSE);
	}
	free(w.buf);
}

/*
 * A random buffer: sometimes pure noise, sometimes noise behind a valid
 * header, length and checksum so the section walk sees it.
 */
static void
RandomBuffer(void)
{
	size_t		len = RandBelow(RandBelow(4) ? 200 : 1200);
	bool		dressed = RandBelow(2) && len >= MLP_HEADER_SIZE + MLP_TRAILER_SIZE;

	for (size_t i = 0; i < len; i++)
		work[i] = (uint8_t) Rand();
	if (dressed)
	{
		memcpy(work, MLP_MAGIC, 4);
		PutLE(work + 4, 2, MLP_FORMAT_VERSION);
		work[9] = 0;
		PutLE(work + 10, 2, (uint32_t) RandBelow(6));
		for (size_t off = MLP_HEADER_SIZE; off + 8 <= len - 4; off += 8 + RandBelow(24))
		{
			/* sprinkle plausible section headers */
			if (RandBelow(2))
			{
				PutLE(work + off, 2, (uint32_t) (1 + RandBelow(3)));
				PutLE(work + off + 2, 2, 0);
				PutLE(work + off + 4, 4, (uint32_t) RandBelow(len));
			}
		}
		FixUp(work, len, true);
	}
	cur_a = len;
	cur_b = dressed;
	CheckCase(work, len, EXPECT_ANY);
}

/* Print one reason table. */
static void
PrintReasons(const char *title, const ReasonCount *tab)
{
	printf("%s\n", title);
	for (int i = 0; i < MAX_REASONS && tab[i].msg != NULL; i++)
		printf("  %10lu  %s\n", tab[i].count, tab[i].msg);
}

/* Parse a non-negative number argument, or die with usage. */
static uint64_t
ParseArg(const char *s)
{
	char	   *end;
	unsigned long long v;

	v = strtoull(s, &end, 0);
	if (*s == '\0' || *s == '-' || *end != '\0')
	{
		fprintf(stderr, "usage: format_fuzz [ITERATIONS [SEED]]\n");
		exit(2);
	}
	return (uint64_t) v;
}

/* Run every phase, then the random iterations, and report. */
int
main(int argc, char **argv)
{
	unsigned long iterations = DEFAULT_ITERATIONS;
	unsigned long after_fixed;

	seed = DEFAULT_SEED;
	if (argc > 3)
	{
		fprintf(stderr, "usage: format_fuzz [ITERATIONS [SEED]]\n");
		return 2;
	}
	if (argc > 1)
		iterations = (unsigned long) ParseArg(argv[1]);
	if (argc > 2)
		seed = ParseArg(argv[2]);
	rng_state = seed ? seed : DEFAULT_SEED;
	for (int i = 0; i < 8; i++)
		(void) Rand();

	CheckBasics();
	for (int i = 0; i < NSEEDS; i++)
	{
		BuildSeed(&seed_specs[i], &seeds[i]);
		UseSeed(i);
		CheckValid();
		if (i == 0)
			printf("valid model: %zu bytes, sections %zu/%zu/%zu bytes, %d fields\n",
				   valid_len, layout->sec_size[1], layout->sec_size[2],
				   layout->sec_size[3], layout->nfields);
		else
			printf("seed model %s: %zu bytes, %u features (%u products), "
				   "%u selected, %d blocks, %d fields\n",
				   cur_model, valid_len, cur_seed->want.nf,
				   cur_seed->want.nterms, cur_seed->want.nselected,
				   layout->nblocks, layout->nfields);
	}

	/* every pair of bit flips only of the plain model: that one is quadratic */
	UseSeed(0);
	PhaseDoubleBitFlips();
	for (int i = 0; i < NSEEDS; i++)
	{
		UseSeed(i);
		PhaseBitFlips();
		PhaseTruncations();
		PhaseStructure();
	}
	if (n_accepted != 7 * (unsigned long) NSEEDS)	/* seeds and reorderings */
		printf("note: %lu fixed cases were accepted\n", n_accepted);
	CheckBadSeeds();
	CheckClassLimit();
	for (int i = 0; i < NSEEDS; i++)
	{
		UseSeed(i);
		PhaseHeader();
		PhaseBlocks();
		PhaseClassifier();
		PhaseLinearClassifier();
		PhaseNaiveBayes();
	}
	after_fixed = n_cases;

	for (cur_iteration = 0; cur_iteration < iterations; cur_iteration++)
	{
		size_t		r = RandBelow(100);

		if (r < 60)
		{
			int			kind = (int) RandBelow(NMUTATIONS);
			bool		fixup;
			size_t		len;
			bool		same;

			/* half on the plain model, half on those with blocks */
			UseSeed(RandBelow(2) ? 0 : 1 + (int) RandBelow(NSEEDS - 1));
			SetPhase(mutation_names[kind]);
			len = MutateRandom(kind, &fixup);
			same = (len == valid_len && memcmp(work, valid, len) == 0);
			if (kind == 0 && !same)
			{
				/* CRC-32C finds every 1..5 bit error here; more may collide */
				unsigned long accepted = n_accepted;
				int			bits = 0;

				for (size_t i = 0; i < len; i++)
					for (uint8_t x = work[i] ^ valid[i]; x; x &= (uint8_t) (x - 1))
						bits++;
				if (bits <= 5)
					CheckCase(work, len, EXPECT_REJECT);
				else
				{
					CheckCase(work, len, EXPECT_ANY);
					n_crc_collisions += n_accepted - accepted;
				}
			}
			else if (same)
				CheckCase(work, len, EXPECT_ACCEPT);
			else if (kind == 2 || kind == 3 || kind == 7)
				CheckCase(work, len, EXPECT_REJECT);	/* longer or shorter */
			else
				CheckCase(work, len, EXPECT_ANY);
		}
		else if (r < 80)
		{
			cur_model = "-";
			SetPhase("random writer model");
			RandomWriterModel();
		}
		else if (r < 85)
		{
			SetPhase("random naive_bayes payload");
			RandomNbPayload();
		}
		else
		{
			cur_model = "-";
			SetPhase("random buffer");
			RandomBuffer();
		}
	}

	printf("seed 0x%" PRIx64 ": %lu cases (%lu fixed, %lu random), "
		   "%lu accepted, %lu rejected, %lu walked cleanly, "
		   "%lu cursor reads stressed, %lu crc collisions\n",
		   seed, n_cases, after_fixed, iterations, n_accepted, n_rejected,
		   n_walk_ok, n_cursor_ops, n_crc_collisions);
	PrintReasons("rejected by mlp_model_parse:", parse_reasons);
	PrintReasons("accepted models, by the model.c walk:", walk_reasons);
	for (int i = 0; i < NSEEDS; i++)
		free(seeds[i].buf);
	printf("format_fuzz: ok\n");
	return 0;
}

#else							/* MLPIPE_LIBFUZZER */

/*
 * libFuzzer entry point: the input as is, and again with its length and
 * checksum repaired so that mutations reach the structural checks.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t    *copy;

	SetPhase("libfuzzer");
	CheckCase(data, size, EXPECT_ANY);
	if (size >= MLP_HEADER_SIZE + MLP_TRAILER_SIZE && size <= UINT32_MAX)
	{
		copy = malloc(size);
		if (copy == NULL)
			return 0;
		memcpy(copy, data, size);
		FixUp(copy, size, true);
		SetPhase("libfuzzer + crc fix-up");
		CheckCase(copy, size, EXPECT_ANY);
		free(copy);
	}
	return 0;
}

#endif							/* MLPIPE_LIBFUZZER */
