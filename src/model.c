/*
 * model.c
 *	  Whole-pipeline models <-> the binary format of format.c.
 *
 * Sections: FEATURES (count, then name and type of each), TARGET (name and
 * type), ESTIMATOR (the algorithm's payload).  Any inconsistency found while
 * reading is reported as data_corrupted: a model is only ever written by
 * mlpipe, so a bad one was damaged after the fact.
 */
#include "postgres.h"

#include <math.h>

#include "utils/memutils.h"

#include "model.h"

/* first byte of the optional preprocessing block of the feature section */
#define MLP_PREP_MARKER 0x50
/* first byte of the optional block of products that follows it */
#define MLP_POLY_MARKER 0x4D
/* first byte of the optional encoding block that follows those */
#define MLP_ENC_MARKER 0x43
/* first byte of the optional transform block */
#define MLP_TRANSFORM_MARKER 0x54
/* first byte of the optional block of selected features, the last one */
#define MLP_SELECT_MARKER 0x53
/* first byte of the class labels in the target section (classifiers) */
#define MLP_CLASSES_MARKER 0x4B
#define MLP_MAX_CLASSES 1000

/* realloc() semantics over palloc, huge allocations allowed. */
static void *
PallocGrow(void *ptr, size_t size)
{
	if (ptr == NULL)
		return MemoryContextAllocExtended(CurrentMemoryContext, size,
										  MCXT_ALLOC_HUGE);
	return repalloc_huge(ptr, size);
}

/* Serialize m into a new bytea in the current context. */
bytea *
MlpModelSerialize(const MlpModel *m)
{
	MlpWriter	w;
	bytea	   *out;

	mlp_writer_init(&w, PallocGrow);
	mlp_begin_model(&w, m->est->id, (uint8) m->task);

	mlp_begin_section(&w, MLP_SEC_FEATURES);
	mlp_put_u32(&w, (uint32) m->nfeatures);
	for (int j = 0; j < m->nfeatures; j++)
	{
		mlp_put_str(&w, m->features[j]);
		mlp_put_str(&w, m->feature_types[j]);
	}
	if (m->prep)
	{
		/* optional: the fitted preprocessing of every feature */
		mlp_put_u8(&w, MLP_PREP_MARKER);
		for (int j = 0; j < m->nfeatures; j++)
		{
			mlp_put_u8(&w, m->prep->impute[j]);
			mlp_put_f64(&w, m->prep->fill[j]);
			mlp_put_f64(&w, m->prep->center[j]);
			mlp_put_f64(&w, m->prep->scale[j]);
		}
	}
	if (m->poly)
	{
		/* optional: the products, after the other features */
		mlp_put_u8(&w, MLP_POLY_MARKER);
		mlp_put_u32(&w, (uint32) m->poly->nterms);
		for (int t = 0; t < m->poly->nterms; t++)
		{
			mlp_put_u8(&w, m->poly->degree[t]);
			for (int k = 0; k < m->poly->degree[t]; k++)
				mlp_put_u32(&w, (uint32) MLP_POLY_FACTOR(m->poly, t, k));
		}
	}
	if (m->enc)
	{
		/* optional: the input columns and their one-hot categories */
		mlp_put_u8(&w, MLP_ENC_MARKER);
		mlp_put_u32(&w, (uint32) m->enc->ninputs);
		for (int i = 0; i < m->enc->ninputs; i++)
		{
			const MlpInput *in = &m->enc->inputs[i];

			mlp_put_str(&w, in->name);
			mlp_put_u8(&w, in->kind);
			if (MlpInputIsDate(in))
				mlp_put_u8(&w, in->parts);
			if (in->array)
				mlp_put_u32(&w, (uint32) in->width);
			if (in->kind == MLP_INPUT_HASH)
			{
				mlp_put_u32(&w, (uint32) in->nbuckets);
				mlp_put_u32(&w, (uint32) in->ncat);
				for (int c = 0; c < in->ncat; c++)
					mlp_put_u32(&w, (uint32) in->buckets[c]);
				mlp_put_u8(&w, in->has_null);
				continue;
			}
			if (!in->textual)
				continue;
			mlp_put_u32(&w, (uint32) in->ncat);
			for (int c = 0; c < in->ncat; c++)
			{
				mlp_put_str(&w, in->cats[c]);
				if (in->kind == MLP_INPUT_TARGET)
					mlp_put_f64(&w, in->tvalue[c]);
			}
			if (in->kind == MLP_INPUT_TARGET)
			{
				mlp_put_u8(&w, in->has_null);
				mlp_put_f64(&w, in->null_value);
				mlp_put_f64(&w, in->default_value);
			}
			if (in->kind == MLP_INPUT_CATEGORY)
			{
				mlp_put_u8(&w, in->has_other);
				mlp_put_u8(&w, in->has_null);
			}
		}
	}
	if (m->prep && m->prep->transform)
	{
		/* optional: each feature's transform, then the clip bounds */
		mlp_put_u8(&w, MLP_TRANSFORM_MARKER);
		for (int j = 0; j < m->nfeatures; j++)
		{
			mlp_put_u8(&w, m->prep->transform[j]);
			mlp_put_f64(&w, m->prep->lo[j]);
			mlp_put_f64(&w, m->prep->hi[j]);
			if (m->prep->transform[j] == MLP_TRANSFORM_BUCKETIZE)
			{
				mlp_put_u32(&w, (uint32) m->prep->nedges[j]);
				for (int e = 0; e < m->prep->nedges[j]; e++)
					mlp_put_f64(&w, m->prep->edges[j][e]);
			}
		}
	}
	if (m->selected)
	{
		/* optional: the features the estimator sees, ascending */
		mlp_put_u8(&w, MLP_SELECT_MARKER);
		mlp_put_u32(&w, (uint32) m->nselected);
		for (int i = 0; i < m->nselected; i++)
			mlp_put_u32(&w, (uint32) m->selected[i]);
	}
	mlp_end_section(&w);

	mlp_begin_section(&w, MLP_SEC_TARGET);
	mlp_put_str(&w, m->target);
	mlp_put_str(&w, m->target_type);
	if (m->nclasses > 0)
	{
		mlp_put_u8(&w, MLP_CLASSES_MARKER);
		mlp_put_u32(&w, (uint32) m->nclasses);
		for (int c = 0; c < m->nclasses; c++)
			mlp_put_str(&w, m->classes[c]);
	}
	mlp_end_section(&w);

	mlp_begin_section(&w, MLP_SEC_ESTIMATOR);
	m->est->serialize(m->state, &w);
	mlp_end_section(&w);

	mlp_finish_model(&w);
	if (w.failed)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("model is too large to serialize")));

	out = (bytea *) MemoryContextAllocExtended(CurrentMemoryContext,
											   w.len + VARHDRSZ,
											   MCXT_ALLOC_HUGE);
	SET_VARSIZE(out, w.len + VARHDRSZ);
	memcpy(VARDATA(out), w.buf, w.len);
	pfree(w.buf);
	return out;
}

/* Report a damaged model. */
static void
Corrupt(const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("model is corrupted: %s", why),
			 errhint("Retrain the model, or restore mlpipe.models from a backup.")));
}

/* Copy a length-counted string out of the buffer. */
static char *
CopyStr(MlpCursor *c)
{
	const char *s;
	uint32		len;

	if (!mlp_get_str(c, &s, &len))
		Corrupt("a name is truncated");
	return pnstrdup(s, len);
}

/* The optional preprocessing block of the feature section, checked. */
static MlpPrep *
ReadPrep(MlpCursor *c, int nf)
{
	MlpPrep    *prep = palloc0(sizeof(MlpPrep));
	uint8		marker;

	if (!mlp_get_u8(c, &marker) || marker != MLP_PREP_MARKER ||
		c->len - c->pos < (Size) nf * 25)
		Corrupt("feature section has a bad preprocessing block");
	prep->p = nf;
	prep->impute = palloc(nf);
	prep->fill = palloc(sizeof(double) * nf);
	prep->center = palloc(sizeof(double) * nf);
	prep->scale = palloc(sizeof(double) * nf);
	for (int j = 0; j < nf; j++)
	{
		mlp_get_u8(c, &prep->impute[j]);
		mlp_get_f64(c, &prep->fill[j]);
		mlp_get_f64(c, &prep->center[j]);
		mlp_get_f64(c, &prep->scale[j]);
		if (prep->impute[j] > MLP_PREP_DROP || !isfinite(prep->center[j]) ||
			!isfinite(prep->scale[j]) || !(prep->scale[j] > 0) ||
			(prep->impute[j] == MLP_PREP_FILL && !isfinite(prep->fill[j])))
			Corrupt("feature section has invalid preprocessing values");
	}
	return prep;
}

/* A bucketized feature's bin edges: 2 .. bins + 1, finite, strictly ascending. */
static void
ReadEdges(MlpCursor *c, MlpPrep *prep, int j)
{
	uint32		ne;

	if (!mlp_get_u32(c, &ne) || ne < 2 || ne > MLP_BUCKETIZE_MAX_BINS + 1 ||
		c->len - c->pos < (Size) ne * 8)
		Corrupt("feature section has a bad transform block");
	prep->nedges[j] = (int) ne;
	prep->edges[j] = palloc(sizeof(double) * ne);
	for (uint32 e = 0; e < ne; e++)
	{
		mlp_get_f64(c, &prep->edges[j][e]);
		if (!isfinite(prep->edges[j][e]) || (e > 0 && !(prep->edges[j][e] > prep->edges[j][e - 1])))
			Corrupt("feature section has invalid transform values");
	}
}

/*
 * The optional transform block: a transform per feature (none, log1p, clip
 * with finite bounds lo < hi), only with a preprocessing block, and none on
 * a one-hot feature or a date part.
 */
static void
ReadTransforms(MlpCursor *c, MlpModel *m)
{
	MlpPrep    *prep = m->prep;
	int			nf = m->nfeatures;
	uint8		marker;

	if (prep == NULL || !mlp_get_u8(c, &marker) || marker != MLP_TRANSFORM_MARKER ||
		c->len - c->pos < (Size) nf * 17)
		Corrupt("feature section has a bad transform block");
	prep->transform = palloc(nf);
	prep->lo = palloc(sizeof(double) * nf);
	prep->hi = palloc(sizeof(double) * nf);
	prep->nedges = palloc0(sizeof(int) * nf);
	prep->edges = palloc0(sizeof(double *) * nf);
	for (int j = 0; j < nf; j++)
	{
		if (!mlp_get_u8(c, &prep->transform[j]) || !mlp_get_f64(c, &prep->lo[j]) ||
			!mlp_get_f64(c, &prep->hi[j]))
			Corrupt("feature section has a bad transform block");
		if (prep->transform[j] == MLP_TRANSFORM_BUCKETIZE)
			ReadEdges(c, prep, j);
		if (prep->transform[j] > MLP_TRANSFORM_BUCKETIZE ||
			(prep->transform[j] == MLP_TRANSFORM_CLIP &&
			 !(isfinite(prep->lo[j]) && isfinite(prep->hi[j]) && prep->lo[j] < prep->hi[j])) ||
			(prep->transform[j] != MLP_TRANSFORM_NONE && m->poly && j >= m->poly->nbase) ||
			(prep->transform[j] != MLP_TRANSFORM_NONE && m->enc && j < m->enc->nfeatures &&
			 m->enc->inputs[m->enc->input_of[j]].kind != MLP_INPUT_NUMERIC &&
			 m->enc->inputs[m->enc->input_of[j]].kind != MLP_INPUT_ARRAY))
			Corrupt("feature section has invalid transform values");
	}
}

/*
 * The optional block of products: each of 2 or 3 ascending factors among
 * the features before the products, named as MlpPolyName names it, with
 * no NULL handling of its own (it is computed, never NULL).
 */
static MlpPoly *
ReadPoly(MlpCursor *c, const MlpModel *m)
{
	MlpPoly    *poly = palloc0(sizeof(MlpPoly));
	uint8		marker;
	uint32		nt;

	if (!mlp_get_u8(c, &marker) || marker != MLP_POLY_MARKER ||
		!mlp_get_u32(c, &nt) || nt == 0 || nt >= (uint32) m->nfeatures ||
		c->len - c->pos < (Size) nt * 9)
		Corrupt("feature section has a bad block of products");
	poly->nterms = (int) nt;
	poly->nbase = m->nfeatures - (int) nt;
	poly->degree = palloc(nt);
	poly->factor = palloc(sizeof(int) * MLP_POLY_MAX_DEGREE * nt);
	for (uint32 t = 0; t < nt; t++)
	{
		uint8		d;
		char	   *want;

		if (!mlp_get_u8(c, &d) || d < 2 || d > MLP_POLY_MAX_DEGREE)
			Corrupt("feature section has a bad block of products");
		poly->degree[t] = d;
		for (int k = 0; k < MLP_POLY_MAX_DEGREE; k++)
		{
			uint32		f = 0;

			if (k < d && (!mlp_get_u32(c, &f) || f >= (uint32) poly->nbase ||
						  (k > 0 && (int) f < MLP_POLY_FACTOR(poly, t, k - 1))))
				Corrupt("feature section has a bad block of products");
			MLP_POLY_FACTOR(poly, t, k) = k < d ? (int) f : -1;
		}
		want = MlpPolyName(poly, (int) t, m->features);
		if (strcmp(want, m->features[poly->nbase + t]) != 0 ||
			(m->prep && (m->prep->impute[poly->nbase + t] != MLP_PREP_ERROR)))
			Corrupt("block of products does not match the features");
		pfree(want);
	}
	return poly;
}

/* A hash encoded input: bucket count, kept buckets (ascending), NULL feature. */
static void
ReadHashInput(MlpCursor *c, MlpInput *in)
{
	uint32		nb;
	uint32		nk;
	uint8		isnull;

	if (!mlp_get_u32(c, &nb) || nb < 2 || nb > MLP_HASH_MAX_BUCKETS ||
		!mlp_get_u32(c, &nk) || nk > nb)
		Corrupt("feature section has a bad encoding block");
	in->nbuckets = (int) nb;
	in->ncat = (int) nk;
	in->buckets = palloc(sizeof(int) * Max(nk, 1));
	for (uint32 k = 0; k < nk; k++)
	{
		uint32		b;

		if (!mlp_get_u32(c, &b) || b >= nb || (k > 0 && (int) b <= in->buckets[k - 1]))
			Corrupt("feature section has a bad encoding block");
		in->buckets[k] = (int) b;
	}
	if (!mlp_get_u8(c, &isnull) || isnull > 1)
		Corrupt("feature section has a bad encoding block");
	in->has_null = isnull;
	in->width = in->ncat + in->has_null;
	if (in->width == 0)
		Corrupt("feature section has a bad encoding block");
}

/*
 * An ordinal or target encoded input: its kept categories in strictly
 * ascending text order (a value's rank is its index), target values finite.
 */
static void
ReadRankedInput(MlpCursor *c, MlpInput *in)
{
	uint32		ncat;
	bool		target = in->kind == MLP_INPUT_TARGET;

	if (!mlp_get_u32(c, &ncat) || ncat == 0 || ncat > MLP_MAX_CATEGORIES_LIMIT ||
		c->len - c->pos < (Size) ncat * (target ? 12 : 4))
		Corrupt("feature section has a bad encoding block");
	in->ncat = (int) ncat;
	in->cats = palloc(sizeof(char *) * ncat);
	if (target)
		in->tvalue = palloc(sizeof(double) * ncat);
	for (uint32 k = 0; k < ncat; k++)
	{
		in->cats[k] = CopyStr(c);
		if ((k > 0 && strcmp(in->cats[k - 1], in->cats[k]) >= 0) ||
			(target && (!mlp_get_f64(c, &in->tvalue[k]) || !isfinite(in->tvalue[k]))))
			Corrupt("feature section has a bad encoding block");
	}
	if (target)
	{
		uint8		isnull;

		if (!mlp_get_u8(c, &isnull) || isnull > 1 ||
			!mlp_get_f64(c, &in->null_value) || !isfinite(in->null_value) ||
			!mlp_get_f64(c, &in->default_value) || !isfinite(in->default_value))
			Corrupt("feature section has a bad encoding block");
		in->has_null = isnull;
	}
	MlpIndexCategories(in);
}

/*
 * The optional encoding block of the feature section: the input columns,
 * whose features (one, or one per kept category plus "(other)" and "IS
 * NULL") must add up to the model's features.
 */
static MlpEncoding *
ReadEncoding(MlpCursor *c, const MlpModel *m)
{
	MlpEncoding *enc = palloc0(sizeof(MlpEncoding));
	uint8		marker;
	uint32		ni;
	int			first = 0;
	int			nbase = m->poly ? m->poly->nbase : m->nfeatures;

	if (!mlp_get_u8(c, &marker) || marker != MLP_ENC_MARKER ||
		!mlp_get_u32(c, &ni) || ni == 0 || ni > (uint32) nbase)
		Corrupt("feature section has a bad encoding block");
	enc->ninputs = (int) ni;
	enc->inputs = palloc0(sizeof(MlpInput) * ni);
	enc->nfeatures = nbase;
	enc->features = m->features;
	enc->feature_types = m->feature_types;
	enc->onehot = palloc0(sizeof(bool) * m->nfeatures);
	enc->input_of = palloc0(sizeof(int) * m->nfeatures);
	for (uint32 i = 0; i < ni; i++)
	{
		MlpInput   *in = &enc->inputs[i];
		uint8		kind;
		uint32		ncat;
		uint8		other;
		uint8		isnull;

		in->name = CopyStr(c);
		if (!mlp_get_u8(c, &kind) || kind > MLP_INPUT_MAX_KIND)
			Corrupt("feature section has a bad encoding block");
		MlpSetInputKind(in, kind);
		in->first = first;
		in->width = 1;
		if (kind == MLP_INPUT_ARRAY)
		{
			uint32		len;

			if (!mlp_get_u32(c, &len) || len == 0 || len > MLP_MAX_ARRAY_LENGTH)
				Corrupt("feature section has a bad encoding block");
			in->width = (int) len;
		}
		if (kind == MLP_INPUT_HASH)
			ReadHashInput(c, in);
		else if (kind == MLP_INPUT_ORDINAL || kind == MLP_INPUT_TARGET)
			ReadRankedInput(c, in);
		if (MlpInputIsDate(in))
		{
			if (!mlp_get_u8(c, &in->parts) || in->parts == 0 ||
				(in->parts & ~MLP_DATE_PARTS_ALL) != 0)
				Corrupt("feature section has a bad encoding block");
			in->width = MlpDatePartCount(in->parts);
		}
		if (in->kind == MLP_INPUT_CATEGORY)
		{
			if (!mlp_get_u32(c, &ncat) || ncat > (uint32) nbase)
				Corrupt("feature section has a bad encoding block");
			in->ncat = (int) ncat;
			in->cats = palloc(sizeof(char *) * Max(ncat, 1));
			for (uint32 k = 0; k < ncat; k++)
				in->cats[k] = CopyStr(c);
			if (!mlp_get_u8(c, &other) || !mlp_get_u8(c, &isnull) ||
				other > 1 || isnull > 1)
				Corrupt("feature section has a bad encoding block");
			in->has_other = other;
			in->has_null = isnull;
			in->width = in->ncat + other + isnull;
			if (in->width == 0)
				Corrupt("feature section has a bad encoding block");
			/* kept categories are distinct: a binary search needs one match */
			MlpIndexCategories(in);
			for (int k = 1; k < in->ncat; k++)
				if (strcmp(in->cats[in->sorted[k - 1]], in->cats[in->sorted[k]]) == 0)
					Corrupt("feature section has a bad encoding block");
		}
		if (in->width > nbase - first)
			Corrupt("encoding does not match the features");
		if ((in->kind == MLP_INPUT_NUMERIC || in->kind == MLP_INPUT_ORDINAL ||
			 in->kind == MLP_INPUT_TARGET) && strcmp(in->name, m->features[first]) != 0)
			Corrupt("encoding does not match the features");
		/* an array's elements are named after it and share its NULL handling */
		for (int k = 0; in->array && k < in->width; k++)
		{
			char	   *want = psprintf("%s[%d]", in->name, k + 1);

			if (strcmp(want, m->features[first + k]) != 0 ||
				(m->prep && m->prep->impute[first + k] != m->prep->impute[first]))
				Corrupt("encoding does not match the features");
			pfree(want);
		}
		/* a date's parts are named after it and share its NULL handling */
		if (MlpInputIsDate(in))
		{
			int			k = first;

			for (int part = 0; part < MLP_DATE_NPARTS; part++)
				if (in->parts & (1 << part))
				{
					char	   *want = psprintf("%s:%s", in->name, MlpDatePartName(part));

					if (strcmp(want, m->features[k]) != 0 ||
						(m->prep && m->prep->impute[k] != m->prep->impute[first]))
						Corrupt("encoding does not match the features");
					pfree(want);
					k++;
				}
		}
		/* one-hot features are 0 or 1 at scoring: no fill, centre or scale */
		if (in->categorical && m->prep)
			for (int k = first; k < first + in->width; k++)
				if (m->prep->impute[k] != MLP_PREP_ERROR ||
					m->prep->center[k] != 0 || m->prep->scale[k] != 1)
					Corrupt("encoding does not match the preprocessing");
		for (int k = 0; k < in->width; k++)
		{
			enc->onehot[first + k] = in->categorical;
			enc->input_of[first + k] = (int) i;
		}
		first += in->width;
	}
	if (first != nbase)
		Corrupt("encoding does not match the features");
	/* products are of numeric features */
	for (int t = 0; m->poly && t < m->poly->nterms; t++)
		for (int k = 0; k < m->poly->degree[t]; k++)
			if (enc->inputs[enc->input_of[MLP_POLY_FACTOR(m->poly, t, k)]].kind != MLP_INPUT_NUMERIC)
				Corrupt("block of products does not match the encoding");
	return enc;
}

/* The optional block of selected features: 1 .. nfeatures - 1, ascending. */
static void
ReadSelected(MlpCursor *c, MlpModel *m)
{
	uint8		marker;
	uint32		k;

	if (!mlp_get_u8(c, &marker) || marker != MLP_SELECT_MARKER ||
		!mlp_get_u32(c, &k) || k == 0 || k >= (uint32) m->nfeatures ||
		c->len - c->pos < (Size) k * 4)
		Corrupt("feature section has a bad block of selected features");
	m->nselected = (int) k;
	m->selected = palloc(sizeof(int) * k);
	for (uint32 i = 0; i < k; i++)
	{
		uint32		j;

		mlp_get_u32(c, &j);
		if (j >= (uint32) m->nfeatures || (i > 0 && (int) j <= m->selected[i - 1]))
			Corrupt("feature section has a bad block of selected features");
		m->selected[i] = (int) j;
	}
}

/* Parse and validate b; the model lives in a new child context of parent. */
MlpModel *
MlpModelDeserialize(const bytea *b, MemoryContext parent)
{
	MlpModelView view;
	const char *error = NULL;
	MemoryContext cxt;
	MemoryContext old;
	MlpModel   *m;
	MlpCursor	c;
	uint32		nf;

	if (!mlp_model_parse((const uint8 *) VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b),
						 &view, &error))
		Corrupt(error);

	cxt = AllocSetContextCreate(parent, "mlpipe model", ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		m = palloc0(sizeof(MlpModel));
		m->mcxt = cxt;
		m->est = MlpEstimatorById(view.algorithm);
		if (m->est == NULL)
			Corrupt("unknown algorithm id");
		if (view.task != (uint8) m->est->task)
			Corrupt("task does not match the algorithm");
		m->task = (MlpTask) view.task;

		mlp_cursor_init(&c, view.section[MLP_SEC_FEATURES],
						view.section_len[MLP_SEC_FEATURES]);
		if (!mlp_get_u32(&c, &nf) || nf == 0 || nf > 100000 ||
			(Size) nf * 8 > c.len - c.pos)
			Corrupt("bad feature count");
		m->nfeatures = (int) nf;
		m->features = palloc(sizeof(char *) * nf);
		m->feature_types = palloc(sizeof(char *) * nf);
		for (uint32 j = 0; j < nf; j++)
		{
			m->features[j] = CopyStr(&c);
			m->feature_types[j] = CopyStr(&c);
		}
		if (!mlp_cursor_done(&c) && c.p[c.pos] == MLP_PREP_MARKER)
			m->prep = ReadPrep(&c, (int) nf);
		if (!mlp_cursor_done(&c) && c.p[c.pos] == MLP_POLY_MARKER)
			m->poly = ReadPoly(&c, m);
		if (!mlp_cursor_done(&c) && c.p[c.pos] == MLP_ENC_MARKER)
			m->enc = ReadEncoding(&c, m);
		if (!mlp_cursor_done(&c) && c.p[c.pos] == MLP_TRANSFORM_MARKER)
			ReadTransforms(&c, m);
		if (!mlp_cursor_done(&c) && c.p[c.pos] == MLP_SELECT_MARKER)
			ReadSelected(&c, m);
		if (!mlp_cursor_done(&c))
			Corrupt("feature section has trailing bytes");

		mlp_cursor_init(&c, view.section[MLP_SEC_TARGET],
						view.section_len[MLP_SEC_TARGET]);
		m->target = CopyStr(&c);
		m->target_type = CopyStr(&c);
		if (!mlp_cursor_done(&c))
		{
			/* a classifier's labels: 2 .. 1000, distinct */
			uint8		marker;
			uint32		nc;

			if (!mlp_get_u8(&c, &marker) || marker != MLP_CLASSES_MARKER ||
				!mlp_get_u32(&c, &nc) || nc < 2 || nc > MLP_MAX_CLASSES ||
				(Size) nc * 4 > c.len - c.pos)
				Corrupt("target section has bad class labels");
			m->nclasses = (int) nc;
			m->classes = palloc(sizeof(char *) * nc);
			for (uint32 k = 0; k < nc; k++)
			{
				m->classes[k] = CopyStr(&c);
				for (uint32 l = 0; l < k; l++)
					if (strcmp(m->classes[l], m->classes[k]) == 0)
						Corrupt("target section has bad class labels");
			}
		}
		if (!mlp_cursor_done(&c))
			Corrupt("target section has trailing bytes");
		/* classifiers and only they have labels */
		if ((m->task == MLP_TASK_CLASSIFICATION) != (m->nclasses > 0))
			Corrupt("target section does not match the task");

		mlp_cursor_init(&c, view.section[MLP_SEC_ESTIMATOR],
						view.section_len[MLP_SEC_ESTIMATOR]);
		m->state = m->est->deserialize(&c, m->selected ? m->nselected : m->nfeatures,
									   &error);
		if (m->state == NULL)
			Corrupt(error ? error : "estimator payload is invalid");
		if (!mlp_cursor_done(&c))
			Corrupt("estimator section has trailing bytes");
		if (m->nclasses > 0 &&
			(m->est->state_classes == NULL || m->est->state_classes(m->state) != m->nclasses))
			Corrupt("estimator does not match the class labels");
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(old);
		MemoryContextDelete(cxt);
		PG_RE_THROW();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(old);
	return m;
}
