/*
 * format_fuzz.c
 *	  Deterministic fuzzer for the mlpipe model format reader (src/format.c).
 *
 * Links src/format.c alone.  Builds a valid model with the writer, then
 * feeds mlp_model_parse a large number of damaged variants: exhaustive bit
 * flips and truncations, random corruption, garbage extensions, structural
 * edits made behind a recomputed CRC-32C (so the section checks are reached),
 * random models made by the writer, and fully random buffers.  Every input
 * is copied into an exactly-sized malloc'd buffer so that AddressSanitizer
 * reports any overread; every accepted model is walked through the cursor
 * API the way src/model.c and src/algo/linear.c read it.
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
#define MAX_REASONS			32
#define MAX_FIELDS			64

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

static uint64_t rng_state;
static uint64_t seed;
static unsigned long cur_iteration;
static const char *cur_phase = "setup";
static size_t cur_a;
static size_t cur_b;
static const uint8_t *cur_data;
static size_t cur_len;

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
	fprintf(stderr, "\n  case: phase=%s iteration=%lu a=%zu b=%zu seed=0x%" PRIx64 "\n",
			cur_phase, cur_iteration, cur_a, cur_b, seed);
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

/*
 * Read an accepted model's sections exactly as MlpModelDeserialize and
 * LinearDeserialize do.  Returns NULL, or why model.c would call it corrupt.
 */
static const char *
WalkModel(const MlpModelView *v, uint32_t *nf_out)
{
	MlpCursor	c;
	uint32_t	nf;
	uint32_t	p;
	double		d;
	bool		finite;
	const char *why = NULL;

	mlp_cursor_init(&c, v->section[MLP_SEC_FEATURES],
					v->section_len[MLP_SEC_FEATURES]);
	if (!mlp_get_u32(&c, &nf) || nf == 0 || nf > 100000 ||
		(size_t) nf * 8 > c.len - c.pos)
		return "bad feature count";
	for (uint32_t j = 0; j < nf; j++)
	{
		if (!WalkStr(&c, &why) || !WalkStr(&c, &why))
			return why;
	}
	if (!mlp_cursor_done(&c) && c.p[c.pos] == 0x50)
	{
		/* model.c's optional preprocessing block: 'P', then 25 bytes a feature */
		uint8_t		marker;
		uint8_t		flag;

		if (!mlp_get_u8(&c, &marker) || marker != 0x50 ||
			c.len - c.pos < (size_t) nf * 25)
			return "feature section has a bad preprocessing block";
		for (uint32_t j = 0; j < nf; j++)
		{
			if (!mlp_get_u8(&c, &flag) || !mlp_get_f64(&c, &d) ||
				!mlp_get_f64(&c, &d) || !mlp_get_f64(&c, &d))
				Fail("preprocessing block read past its checked length");
		}
	}
	if (!mlp_cursor_done(&c) && c.p[c.pos] == 0x43)
	{
		/* model.c's optional encoding block: 'C', the input columns */
		uint8_t		marker;
		uint32_t	ni;
		uint32_t	first = 0;

		if (!mlp_get_u8(&c, &marker) || marker != 0x43 ||
			!mlp_get_u32(&c, &ni) || ni == 0 || ni > nf)
			return "feature section has a bad encoding block";
		for (uint32_t i = 0; i < ni; i++)
		{
			uint8_t		cat;
			uint32_t	ncat;
			uint8_t		other;
			uint8_t		isnull;
			uint32_t	width = 1;

			if (!WalkStr(&c, &why))
				return why;
			/* kind: 0 numeric, 1 categorical, 2-4 date, timestamp, timestamptz */
			if (!mlp_get_u8(&c, &cat) || cat > 4)
				return "feature section has a bad encoding block";
			if (cat >= 2)
			{
				uint8_t		parts;

				if (!mlp_get_u8(&c, &parts) || parts == 0 || (parts & ~0x3F) != 0)
					return "feature section has a bad encoding block";
				width = 0;
				for (int b = 0; b < 6; b++)
					width += (parts >> b) & 1;
			}
			if (cat == 1)
			{
				if (!mlp_get_u32(&c, &ncat) || ncat > nf)
					return "feature section has a bad encoding block";
				for (uint32_t k = 0; k < ncat; k++)
					if (!WalkStr(&c, &why))
						return why;
				if (!mlp_get_u8(&c, &other) || !mlp_get_u8(&c, &isnull) ||
					other > 1 || isnull > 1)
					return "feature section has a bad encoding block";
				width = ncat + other + isnull;
				if (width == 0)
					return "feature section has a bad encoding block";
			}
			if (width > nf - first)
				return "encoding does not match the features";
			first += width;
		}
		if (first != nf)
			return "encoding does not match the features";
	}
	if (!mlp_cursor_done(&c) && c.p[c.pos] == 0x54)
	{
		/*
		 * model.c's optional transform block: 'T', then 17 bytes a feature.
		 * Only its layout is walked here; model.c also checks the values,
		 * that a preprocessing block came first and which inputs may have one.
		 */
		uint8_t		marker;
		uint8_t		kind;

		if (!mlp_get_u8(&c, &marker) || marker != 0x54 ||
			c.len - c.pos < (size_t) nf * 17)
			return "feature section has a bad transform block";
		for (uint32_t j = 0; j < nf; j++)
		{
			if (!mlp_get_u8(&c, &kind) || !mlp_get_f64(&c, &d) || !mlp_get_f64(&c, &d))
				Fail("transform block read past its checked length");
		}
	}
	if (c.pos > c.len)
		Fail("feature cursor ran past its end (pos %zu, len %zu)", c.pos, c.len);
	if (!mlp_cursor_done(&c))
		return "feature section has trailing bytes";

	mlp_cursor_init(&c, v->section[MLP_SEC_TARGET],
					v->section_len[MLP_SEC_TARGET]);
	if (!WalkStr(&c, &why) || !WalkStr(&c, &why))
		return why;
	if (!mlp_cursor_done(&c))
		return "target section has trailing bytes";

	mlp_cursor_init(&c, v->section[MLP_SEC_ESTIMATOR],
					v->section_len[MLP_SEC_ESTIMATOR]);
	if (!mlp_get_u32(&c, &p) || p != nf)
		return "linear model size does not match its features";
	if ((size_t) p * 8 + 8 != c.len - c.pos)
		return "linear model payload has the wrong length";
	finite = true;
	for (uint32_t j = 0; j <= p; j++)
	{
		if (!mlp_get_f64(&c, &d))
			Fail("linear payload read failed after its length was checked");
		finite = finite && isfinite(d);
	}
	if (!finite)
		return "linear model has a non-finite coefficient";
	if (!mlp_cursor_done(&c))
		return "estimator section has trailing bytes";
	*nf_out = nf;
	return NULL;
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
 * the parser's promises and the expectation, and walk what it accepts.
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
		uint32_t	nf = 0;
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
		if (SlowCrc32c(buf, len - 4) != GetLE(buf + len - 4, 4))
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

		for (int id = 1; id <= MLP_SEC_MAX; id++)
			StressCursor(view.section[id], view.section_len[id],
						 HashBytes(buf, len) + (uint64_t) id);

		why = WalkModel(&view, &nf);
		if (why == NULL)
		{
			n_walk_ok++;
			CountReason(walk_reasons, "ok");
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

/* a u16/u32 field of the valid model, for targeted mutations */
typedef struct Field
{
	size_t		off;
	int			width;
} Field;

/* offsets recorded while the valid model was written */
typedef struct Layout
{
	size_t		sec_off[MLP_SEC_MAX + 1];	/* section header offset */
	size_t		sec_size[MLP_SEC_MAX + 1];	/* header plus payload */
	Field		fields[MAX_FIELDS];
	int			nfields;
} Layout;

/* the canonical model's content */
static const char *const feat_names[] = {"x1", "x2", "a_rather_longer_feature_name"};
static const char *const feat_types[] = {"double precision", "integer", "numeric"};
static const double feat_coef[] = {2.0, -1.0, 0.5};
#define NFEAT 3
static const double intercept = 3.0;
static const char *const target_name = "y";
static const char *const target_type = "double precision";

/* strings the random model generator draws from */
static const char *const dict[] = {
	"", "x", "y", "x1", "double precision", "integer", "numeric", "bigint",
	"a name with spaces", "\xc3\xa9t\xc3\xa9",
	"0123456789012345678901234567890123456789012345678901234567890123456789"
};
#define NDICT ((int) (sizeof(dict) / sizeof(dict[0])))

static uint8_t *valid;
static size_t valid_len;
static Layout layout;
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

/* Remember a u16/u32 field about to be written, for targeted mutations. */
static void
NoteField(const MlpWriter *w, size_t delta, int width)
{
	if (layout.nfields < MAX_FIELDS)
	{
		layout.fields[layout.nfields].off = w->len + delta;
		layout.fields[layout.nfields].width = width;
		layout.nfields++;
	}
}

/* Write a string and note its length field. */
static void
PutStrNoted(MlpWriter *w, const char *s)
{
	NoteField(w, 0, 4);
	mlp_put_str(w, s);
}

/* Open a section and note its id, pad and length fields. */
static void
BeginSectionNoted(MlpWriter *w, uint16_t id)
{
	layout.sec_off[id] = w->len;
	NoteField(w, 0, 2);
	NoteField(w, 2, 2);
	NoteField(w, 4, 4);
	mlp_begin_section(w, id);
}

/* Build the canonical model as model.c and LinearSerialize would write it. */
static void
BuildValid(void)
{
	MlpWriter	w;

	memset(&layout, 0, sizeof(layout));
	mlp_writer_init(&w, MallocGrow);
	NoteField(&w, 4, 2);		/* version */
	NoteField(&w, 6, 2);		/* algorithm */
	NoteField(&w, 10, 2);		/* section count */
	NoteField(&w, 12, 4);		/* total length */
	mlp_begin_model(&w, 1, 1);	/* linear_regression, regression */

	BeginSectionNoted(&w, MLP_SEC_FEATURES);
	NoteField(&w, 0, 4);
	mlp_put_u32(&w, NFEAT);
	for (int j = 0; j < NFEAT; j++)
	{
		PutStrNoted(&w, feat_names[j]);
		PutStrNoted(&w, feat_types[j]);
	}
	mlp_end_section(&w);

	BeginSectionNoted(&w, MLP_SEC_TARGET);
	PutStrNoted(&w, target_name);
	PutStrNoted(&w, target_type);
	mlp_end_section(&w);

	BeginSectionNoted(&w, MLP_SEC_ESTIMATOR);
	NoteField(&w, 0, 4);
	mlp_put_u32(&w, NFEAT);
	mlp_put_f64(&w, intercept);
	for (int j = 0; j < NFEAT; j++)
		mlp_put_f64(&w, feat_coef[j]);
	mlp_end_section(&w);

	mlp_finish_model(&w);
	if (w.failed)
		Fail("the writer failed on the canonical model");
	valid = w.buf;
	valid_len = w.len;
	layout.sec_size[MLP_SEC_FEATURES] = layout.sec_off[MLP_SEC_TARGET] -
		layout.sec_off[MLP_SEC_FEATURES];
	layout.sec_size[MLP_SEC_TARGET] = layout.sec_off[MLP_SEC_ESTIMATOR] -
		layout.sec_off[MLP_SEC_TARGET];
	layout.sec_size[MLP_SEC_ESTIMATOR] = valid_len - MLP_TRAILER_SIZE -
		layout.sec_off[MLP_SEC_ESTIMATOR];
	if (valid_len + 1024 > WORK_CAP)
		Fail("canonical model is too large for the work buffer");
}

/* Check the canonical model parses to exactly what was written. */
static void
CheckValid(void)
{
	MlpModelView v;
	const char *error = NULL;
	MlpCursor	c;
	size_t		flen = 4;
	uint32_t	u;
	double		d;
	const char *s;
	uint32_t	n;

	SetPhase("valid");
	for (int j = 0; j < NFEAT; j++)
		flen += 8 + strlen(feat_names[j]) + strlen(feat_types[j]);

	CheckCase(valid, valid_len, EXPECT_ACCEPT);
	cur_data = valid;
	cur_len = valid_len;
	if (!mlp_model_parse(valid, valid_len, &v, &error))
		Fail("canonical model rejected: %s", error);
	if (v.version != MLP_FORMAT_VERSION || v.algorithm != 1 || v.task != 1)
		Fail("canonical header read back as version %u algorithm %u task %u",
			 v.version, v.algorithm, v.task);
	if (v.section_len[MLP_SEC_FEATURES] != flen ||
		v.section_len[MLP_SEC_TARGET] != 8 + strlen(target_name) + strlen(target_type) ||
		v.section_len[MLP_SEC_ESTIMATOR] != 4 + 8 + 8 * NFEAT)
		Fail("canonical section lengths are %u/%u/%u",
			 v.section_len[1], v.section_len[2], v.section_len[3]);
	if (valid_len != MLP_HEADER_SIZE + 3 * MLP_SECTION_HEADER + flen +
		v.section_len[2] + v.section_len[3] + MLP_TRAILER_SIZE)
		Fail("canonical model has %zu bytes", valid_len);

	/* the values round-trip */
	mlp_cursor_init(&c, v.section[MLP_SEC_FEATURES], v.section_len[MLP_SEC_FEATURES]);
	if (!mlp_get_u32(&c, &u) || u != NFEAT)
		Fail("feature count did not round-trip");
	for (int j = 0; j < NFEAT; j++)
	{
		if (!mlp_get_str(&c, &s, &n) || n != strlen(feat_names[j]) ||
			memcmp(s, feat_names[j], n) != 0 ||
			!mlp_get_str(&c, &s, &n) || n != strlen(feat_types[j]) ||
			memcmp(s, feat_types[j], n) != 0)
			Fail("feature %d did not round-trip", j);
	}
	if (!mlp_cursor_done(&c))
		Fail("feature section has trailing bytes");
	mlp_cursor_init(&c, v.section[MLP_SEC_TARGET], v.section_len[MLP_SEC_TARGET]);
	if (!mlp_get_str(&c, &s, &n) || n != strlen(target_name) ||
		memcmp(s, target_name, n) != 0 ||
		!mlp_get_str(&c, &s, &n) || n != strlen(target_type) ||
		memcmp(s, target_type, n) != 0 || !mlp_cursor_done(&c))
		Fail("target section did not round-trip");
	mlp_cursor_init(&c, v.section[MLP_SEC_ESTIMATOR], v.section_len[MLP_SEC_ESTIMATOR]);
	if (!mlp_get_u32(&c, &u) || u != NFEAT || !mlp_get_f64(&c, &d) || d != intercept)
		Fail("estimator header did not round-trip");
	for (int j = 0; j < NFEAT; j++)
		if (!mlp_get_f64(&c, &d) || d != feat_coef[j])
			Fail("coefficient %d did not round-trip", j);
	if (!mlp_cursor_done(&c))
		Fail("estimator section has trailing bytes");
	cur_data = NULL;
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
		if (mlp_crc32c(0, buf, len) != SlowCrc32c(buf, len))
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
		size_t		off = layout.sec_off[id];
		uint32_t	slen = (uint32_t) (layout.sec_size[id] - MLP_SECTION_HEADER);
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
		memcpy(work + off, valid + off + layout.sec_size[id],
			   valid_len - off - layout.sec_size[id]);
		PutLE(work + 10, 2, 2);
		FixUp(work, valid_len - layout.sec_size[id], true);
		CheckCase(work, valid_len - layout.sec_size[id], EXPECT_REJECT);

		/* append a copy of the section: a duplicate */
		cur_phase = "structure: appended duplicate";
		memcpy(work, valid, body);
		memcpy(work + body, valid + off, layout.sec_size[id]);
		PutLE(work + 10, 2, 4);
		FixUp(work, body + layout.sec_size[id] + MLP_TRAILER_SIZE, true);
		CheckCase(work, body + layout.sec_size[id] + MLP_TRAILER_SIZE,
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

			memcpy(work + pos, valid + layout.sec_off[id], layout.sec_size[id]);
			pos += layout.sec_size[id];
		}
		FixUp(work, valid_len, true);
		CheckCase(work, valid_len, EXPECT_ANY);
	}
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
	return v;
}

/* MutateRandom's kinds, for the failure report */
static const char *const mutation_names[] = {
	"random corruption", "random corruption + crc fix-up",
	"garbage appended", "garbage appended + crc fix-up",
	"field value + crc fix-up", "bytes inserted + crc fix-up",
	"bytes deleted + crc fix-up", "truncation + crc fix-up",
	"range overwritten + crc fix-up"
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
				Field		f = layout.fields[RandBelow((size_t) layout.nfields)];

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
 * A random model made by the writer itself: random ids and payloads, some
 * shaped like the real ones.  It must be accepted exactly when its ids are
 * 1, 2 and 3, each once.
 */
static void
RandomWriterModel(void)
{
	MlpWriter	w;
	int			nsec = (int) RandBelow(6);
	int			seen[MLP_SEC_MAX + 1] = {0};
	bool		expect_ok = true;
	uint32_t	nf = (uint32_t) RandBelow(5);	/* shared by the sections */

	mlp_writer_init(&w, MallocGrow);
	mlp_begin_model(&w, (uint16_t) RandBelow(6), (uint8_t) RandBelow(5));
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
		}
		else if (id == MLP_SEC_TARGET)
		{
			int			items = 1 + (int) RandBelow(3);

			for (int k = 0; k < items; k++)
				mlp_put_str(&w, dict[RandBelow(NDICT)]);
		}
		else
		{
			uint32_t	p = RandBelow(4) ? nf : (uint32_t) RandBelow(5);
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
	BuildValid();
	CheckValid();
	printf("valid model: %zu bytes, sections %zu/%zu/%zu bytes, %d fields\n",
		   valid_len, layout.sec_size[1], layout.sec_size[2],
		   layout.sec_size[3], layout.nfields);

	PhaseBitFlips();
	PhaseDoubleBitFlips();
	PhaseTruncations();
	PhaseStructure();
	after_fixed = n_cases;
	if (n_accepted != 1 + 6)	/* the valid model and its reorderings */
		printf("note: %lu fixed cases were accepted\n", n_accepted);

	for (cur_iteration = 0; cur_iteration < iterations; cur_iteration++)
	{
		size_t		r = RandBelow(100);

		if (r < 60)
		{
			int			kind = (int) RandBelow(NMUTATIONS);
			bool		fixup;
			size_t		len;
			bool		same;

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
			SetPhase("random writer model");
			RandomWriterModel();
		}
		else
		{
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
	free(valid);
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
