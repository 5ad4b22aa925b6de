/*
 * confusion.c
 *	  Multiclass classification metrics: the confusion of label pairs as an
 *	  aggregate state of its own type (mlpipe_confusion), and the metrics
 *	  scikit-learn computes from it.
 *
 *	  SELECT mlpipe_f1(mlpipe_confusion(y_true, y_pred), 'macro') FROM t;
 *
 * The state holds each label seen (as the text of its type's output
 * function, in order of first appearance) and a count per (true, predicted)
 * pair.  It is a real type with text input and output, updated in place,
 * with a combine function, so parallel query and Citus can split it.
 * Labels are reported sorted as scikit-learn sorts them: numerically when
 * every label reads as a number, else by text.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "common/hashfn.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include "mlpipe.h"

PG_FUNCTION_INFO_V1(mlpipe_confusion_in);
PG_FUNCTION_INFO_V1(mlpipe_confusion_out);
PG_FUNCTION_INFO_V1(mlpipe_confusion_accum);
PG_FUNCTION_INFO_V1(mlpipe_confusion_combine);
PG_FUNCTION_INFO_V1(mlpipe_confusion_matrix_final);
PG_FUNCTION_INFO_V1(mlpipe_confusion_accuracy);
PG_FUNCTION_INFO_V1(mlpipe_confusion_precision);
PG_FUNCTION_INFO_V1(mlpipe_confusion_recall);
PG_FUNCTION_INFO_V1(mlpipe_confusion_f1);
PG_FUNCTION_INFO_V1(mlpipe_confusion_mcc);
PG_FUNCTION_INFO_V1(mlpipe_class_metrics);

#define MLP_CONFUSION_MAX_CLASSES 1000

/*
 * The state: n classes, then n x n counts (true label's row, predicted
 * label's column), then the n labels as NUL-terminated strings.
 */
typedef struct Confusion
{
	int32		vl_len_;
	int32		n;
	int32		textbytes;		/* bytes of the labels */
	int32		pad;
} Confusion;

#define CONF_COUNTS(c)	((double *) ((char *) (c) + sizeof(Confusion)))
#define CONF_LABELS(c)	((char *) (CONF_COUNTS(c) + (Size) (c)->n * (c)->n))
#define CONF_SIZE(n, textbytes) \
	(sizeof(Confusion) + sizeof(double) * (Size) (n) * (n) + (Size) (textbytes))

/* An empty state in cxt. */
static Confusion *
ConfusionNew(MemoryContext cxt)
{
	Confusion  *c = MemoryContextAllocZero(cxt, CONF_SIZE(0, 0));

	SET_VARSIZE(c, CONF_SIZE(0, 0));
	return c;
}

/* The labels of a state, as an array of pointers into it. */
static const char **
ConfusionLabels(const Confusion *c)
{
	const char **out = palloc(sizeof(char *) * Max(c->n, 1));
	const char *p = CONF_LABELS(c);

	for (int i = 0; i < c->n; i++)
	{
		out[i] = p;
		p += strlen(p) + 1;
	}
	return out;
}

/* The index of a label, or -1. */
static int
ConfusionFind(const Confusion *c, const char *label)
{
	const char *p = CONF_LABELS(c);

	for (int i = 0; i < c->n; i++)
	{
		if (strcmp(p, label) == 0)
			return i;
		p += strlen(p) + 1;
	}
	return -1;
}

/*
 * A copy of c in cxt with one more label: the counts move to the wider
 * matrix, the new row and column are 0.
 */
static Confusion *
ConfusionAdd(const Confusion *c, const char *label, MemoryContext cxt)
{
	int			n = c->n;
	int			len = (int) strlen(label) + 1;
	Confusion  *d;

	if (n >= MLP_CONFUSION_MAX_CLASSES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("more than %d distinct labels", MLP_CONFUSION_MAX_CLASSES),
				 errhint("Classification metrics count label pairs; map rare labels together in the query.")));
	d = MemoryContextAllocZero(cxt, CONF_SIZE(n + 1, c->textbytes + len));
	SET_VARSIZE(d, CONF_SIZE(n + 1, c->textbytes + len));
	d->n = n + 1;
	d->textbytes = c->textbytes + len;
	for (int t = 0; t < n; t++)
		memcpy(CONF_COUNTS(d) + (Size) t * (n + 1), CONF_COUNTS(c) + (Size) t * n,
			   sizeof(double) * n);
	memcpy(CONF_LABELS(d), CONF_LABELS(c), c->textbytes);
	memcpy(CONF_LABELS(d) + c->textbytes, label, len);
	return d;
}

/*
 * The index of a label, added (into a new state in cxt) when unseen.  The
 * state the call was given belongs to the executor, which frees it once a
 * new one is returned; only copies made during this call (*fresh) are
 * freed here.
 */
static int
ConfusionIndex(Confusion **c, const char *label, MemoryContext cxt, bool *fresh)
{
	int			i = ConfusionFind(*c, label);

	if (i < 0)
	{
		Confusion  *d = ConfusionAdd(*c, label, cxt);

		if (*fresh)
			pfree(*c);
		*c = d;
		*fresh = true;
		i = d->n - 1;
	}
	return i;
}

/*
 * Per call site (fn_extra), what finds a row's labels in the state fast:
 * the label type's output function and how to get a label's text without
 * it; a copy of the labels of the state last seen with a hash table from
 * label text to index, good while the state holds the same labels (checked
 * per row: the states of groups differ); and for booleans and integers,
 * whose text is a function of the value alone, a hash table from value to
 * index, so a row needs no text at all once its labels were seen.  The
 * tables are built when a second row in a row finds the same labels: rows
 * of groups that take turns (a hash aggregate) search the copy instead.
 */
typedef enum
{
	LABEL_OTHER,				/* the output function */
	LABEL_BOOL,
	LABEL_INT2,
	LABEL_INT4,
	LABEL_INT8,
	LABEL_TEXT					/* text, varchar, bpchar: the bytes */
} LabelKind;

typedef struct LabelCache
{
	MemoryContext cxt;			/* the call site's, for all below */
	FmgrInfo	out;
	LabelKind	kind;
	bool		valid;			/* the copy below holds a state's labels */
	bool		tables;			/* and the tables below are built for it */
	int			n;				/* labels */
	int			textbytes;
	int			bytescap;
	char	   *labels;			/* n NUL-terminated labels, as in the state */
	int			labcap;
	int		   *off;			/* each label's offset in labels */
	int		   *len;			/* and length */
	int			tmask;			/* text table: tmask + 1 slots, power of 2 */
	int		   *tslot;			/* label index + 1, 0 when empty */
	int			dmask;			/* value table (by-value kinds) */
	Datum	   *dkey;
	int		   *dslot;			/* label index + 1, 0 when empty */
} LabelCache;

/* The cache of a call site, made on first use. */
static LabelCache *
GetLabelCache(FunctionCallInfo fcinfo)
{
	LabelCache *lc = fcinfo->flinfo->fn_extra;

	if (lc == NULL)
	{
		MemoryContext cxt = fcinfo->flinfo->fn_mcxt;
		Oid			typid = get_fn_expr_argtype(fcinfo->flinfo, 1);
		Oid			func;
		bool		isvarlena;

		if (!OidIsValid(typid))
			elog(ERROR, "could not determine the label type");
		lc = MemoryContextAllocZero(cxt, sizeof(LabelCache));
		lc->cxt = cxt;
		getTypeOutputInfo(typid, &func, &isvarlena);
		fmgr_info_cxt(func, &lc->out, cxt);
		/* a domain prints as its base type */
		switch (getBaseType(typid))
		{
			case BOOLOID:
				lc->kind = LABEL_BOOL;
				break;
			case INT2OID:
				lc->kind = LABEL_INT2;
				break;
			case INT4OID:
				lc->kind = LABEL_INT4;
				break;
			case INT8OID:
				lc->kind = LABEL_INT8;
				break;
			case TEXTOID:
			case VARCHAROID:
			case BPCHAROID:
				lc->kind = LABEL_TEXT;
				break;
			default:
				lc->kind = LABEL_OTHER;
				break;
		}
		lc->bytescap = 256;
		lc->labels = MemoryContextAlloc(cxt, lc->bytescap);
		lc->labcap = 16;
		lc->off = MemoryContextAlloc(cxt, sizeof(int) * lc->labcap);
		lc->len = MemoryContextAlloc(cxt, sizeof(int) * lc->labcap);
		lc->tmask = 31;
		lc->tslot = MemoryContextAllocZero(cxt, sizeof(int) * (lc->tmask + 1));
		lc->dmask = 31;
		lc->dkey = MemoryContextAlloc(cxt, sizeof(Datum) * (lc->dmask + 1));
		lc->dslot = MemoryContextAllocZero(cxt, sizeof(int) * (lc->dmask + 1));
		fcinfo->flinfo->fn_extra = lc;
	}
	return lc;
}

/*
 * The text of label value v, as its type's output function prints it:
 * *len bytes at the result, which may not end in a NUL.  buf has room
 * for a number's digits.
 */
static const char *
LabelBytes(LabelCache *lc, Datum v, char *buf, int *len)
{
	switch (lc->kind)
	{
		case LABEL_BOOL:
			/* boolout */
			*len = 1;
			return DatumGetBool(v) ? "t" : "f";
		case LABEL_INT2:
			/* int2out, int4out and int8out print with these */
			*len = pg_itoa(DatumGetInt16(v), buf);
			return buf;
		case LABEL_INT4:
			*len = pg_ltoa(DatumGetInt32(v), buf);
			return buf;
		case LABEL_INT8:
			*len = pg_lltoa(DatumGetInt64(v), buf);
			return buf;
		case LABEL_TEXT:
			{
				/* textout, varcharout and bpcharout return the bytes */
				struct varlena *t = PG_DETOAST_DATUM_PACKED(v);

				*len = VARSIZE_ANY_EXHDR(t);
				return VARDATA_ANY(t);
			}
		case LABEL_OTHER:
			break;
	}
	{
		char	   *s = OutputFunctionCall(&lc->out, v);

		*len = strlen(s);
		return s;
	}
}

static inline uint32
DatumHash(Datum v)
{
	uint64		h = (uint64) v;

	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	return (uint32) h;
}

/* Enter label i (of the copy) in the text table. */
static void
TextTablePut(LabelCache *lc, int i)
{
	uint32		h = hash_bytes((const unsigned char *) lc->labels + lc->off[i], lc->len[i]);

	while (lc->tslot[h & lc->tmask] != 0)
		h++;
	lc->tslot[h & lc->tmask] = i + 1;
}

/* Size the tables for the copy's labels (half full at most) and fill them. */
static void
LabelTablesReset(LabelCache *lc)
{
	if (2 * (lc->n + 1) > lc->tmask + 1)
	{
		int			slots = lc->tmask + 1;

		while (2 * (lc->n + 1) > slots)
			slots *= 2;
		pfree(lc->tslot);
		pfree(lc->dkey);
		pfree(lc->dslot);
		lc->tmask = lc->dmask = slots - 1;
		lc->tslot = MemoryContextAlloc(lc->cxt, sizeof(int) * slots);
		lc->dkey = MemoryContextAlloc(lc->cxt, sizeof(Datum) * slots);
		lc->dslot = MemoryContextAlloc(lc->cxt, sizeof(int) * slots);
	}
	memset(lc->tslot, 0, sizeof(int) * (lc->tmask + 1));
	memset(lc->dslot, 0, sizeof(int) * (lc->dmask + 1));
	for (int i = 0; i < lc->n; i++)
		TextTablePut(lc, i);
}

/* Append a label of len bytes to the copy (the tables are the caller's). */
static void
LabelCopyAppend(LabelCache *lc, const char *label, int len)
{
	if (lc->n == lc->labcap)
	{
		lc->labcap *= 2;
		lc->off = repalloc(lc->off, sizeof(int) * lc->labcap);
		lc->len = repalloc(lc->len, sizeof(int) * lc->labcap);
	}
	if (lc->textbytes + len + 1 > lc->bytescap)
	{
		while (lc->textbytes + len + 1 > lc->bytescap)
			lc->bytescap *= 2;
		lc->labels = repalloc_huge(lc->labels, lc->bytescap);
	}
	lc->off[lc->n] = lc->textbytes;
	lc->len[lc->n] = len;
	memcpy(lc->labels + lc->textbytes, label, len);
	lc->labels[lc->textbytes + len] = '\0';
	lc->textbytes += len + 1;
	lc->n++;
}

/* Make the copy hold c's labels, unless it does. */
static void
LabelCacheSync(LabelCache *lc, const Confusion *c)
{
	const char *p;

	if (lc->valid && lc->n == c->n && lc->textbytes == c->textbytes &&
		memcmp(lc->labels, CONF_LABELS(c), c->textbytes) == 0)
	{
		if (!lc->tables)
		{
			LabelTablesReset(lc);
			lc->tables = true;
		}
		return;
	}
	lc->n = 0;
	lc->textbytes = 0;
	p = CONF_LABELS(c);
	for (int i = 0; i < c->n; i++)
	{
		int			len = strlen(p);

		LabelCopyAppend(lc, p, len);
		p += len + 1;
	}
	lc->valid = true;
	lc->tables = false;
}

/*
 * The index of label value v in *c (whose labels the cache holds), added
 * (into a new state in cxt) when unseen; as ConfusionIndex.
 */
static int
CachedLabelIndex(LabelCache *lc, Confusion **c, Datum v, MemoryContext cxt,
				 bool *fresh)
{
	bool		byval = lc->tables &&
		(lc->kind == LABEL_BOOL || lc->kind == LABEL_INT2 ||
		 lc->kind == LABEL_INT4 || lc->kind == LABEL_INT8);
	uint32		dh = 0;
	char		buf[MAXINT8LEN + 1];
	const char *text;
	int			len;
	int			i = -1;

	if (byval)
	{
		dh = DatumHash(v);
		for (uint32 k = dh;; k++)
		{
			int			s = lc->dslot[k & lc->dmask];

			if (s == 0)
				break;
			if (lc->dkey[k & lc->dmask] == v)
				return s - 1;
		}
	}
	text = LabelBytes(lc, v, buf, &len);
	if (lc->tables)
	{
		for (uint32 h = hash_bytes((const unsigned char *) text, len);; h++)
		{
			int			s = lc->tslot[h & lc->tmask];

			if (s == 0)
				break;
			if (lc->len[s - 1] == len &&
				memcmp(lc->labels + lc->off[s - 1], text, len) == 0)
			{
				i = s - 1;
				break;
			}
		}
	}
	else
	{
		for (int j = 0; j < lc->n; j++)
			if (lc->len[j] == len && memcmp(lc->labels + lc->off[j], text, len) == 0)
			{
				i = j;
				break;
			}
	}
	if (i < 0)
	{
		/* a new label: into the state, then into the copy and its tables */
		char	   *label = pnstrdup(text, len);
		Confusion  *d = ConfusionAdd(*c, label, cxt);

		pfree(label);
		if (*fresh)
			pfree(*c);
		*c = d;
		*fresh = true;
		i = d->n - 1;
		LabelCopyAppend(lc, CONF_LABELS(d) + lc->textbytes, len);
		if (!lc->tables)
			;
		else if (2 * (lc->n + 1) > lc->tmask + 1)
			LabelTablesReset(lc);
		else
			TextTablePut(lc, i);
	}
	if (byval)
	{
		uint32		k = dh;

		while (lc->dslot[k & lc->dmask] != 0)
			k++;
		lc->dkey[k & lc->dmask] = v;
		lc->dslot[k & lc->dmask] = i + 1;
	}
	return i;
}

/* The state argument, in place inside an aggregate, else a copy. */
static Confusion *
StateArg(FunctionCallInfo fcinfo, int argno, MemoryContext *cxt)
{
	Confusion  *c;

	if (!AggCheckCallContext(fcinfo, cxt))
		*cxt = CurrentMemoryContext;
	if (PG_ARGISNULL(argno))
		return ConfusionNew(*cxt);
	c = (Confusion *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
	if ((Pointer) c == DatumGetPointer(PG_GETARG_DATUM(argno)) &&
		!AggCheckCallContext(fcinfo, NULL))
	{
		/* outside an aggregate the argument is not ours to change */
		Confusion  *d = MemoryContextAlloc(*cxt, VARSIZE(c));

		memcpy(d, c, VARSIZE(c));
		c = d;
	}
	return c;
}

/* (state, y_true, y_pred): a pair with a NULL is skipped. */
Datum
mlpipe_confusion_accum(PG_FUNCTION_ARGS)
{
	MemoryContext cxt;
	Confusion  *c = StateArg(fcinfo, 0, &cxt);
	bool		fresh = PG_ARGISNULL(0);
	LabelCache *lc;
	int			t,
				p;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(c);
	lc = GetLabelCache(fcinfo);
	LabelCacheSync(lc, c);
	t = CachedLabelIndex(lc, &c, PG_GETARG_DATUM(1), cxt, &fresh);
	p = CachedLabelIndex(lc, &c, PG_GETARG_DATUM(2), cxt, &fresh);
	CONF_COUNTS(c)[(Size) t * c->n + p] += 1;
	PG_RETURN_POINTER(c);
}

/* Combine two states: b's labels into a, b's counts added. */
Datum
mlpipe_confusion_combine(PG_FUNCTION_ARGS)
{
	MemoryContext cxt;
	Confusion  *a = StateArg(fcinfo, 0, &cxt);
	bool		fresh = PG_ARGISNULL(0);
	Confusion  *b;
	const char **lb;
	int		   *map;

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(a);
	b = (Confusion *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	lb = ConfusionLabels(b);
	map = palloc(sizeof(int) * Max(b->n, 1));
	for (int i = 0; i < b->n; i++)
		map[i] = ConfusionIndex(&a, lb[i], cxt, &fresh);
	for (int t = 0; t < b->n; t++)
		for (int p = 0; p < b->n; p++)
			CONF_COUNTS(a)[(Size) map[t] * a->n + map[p]] += CONF_COUNTS(b)[(Size) t * b->n + p];
	PG_RETURN_POINTER(a);
}

/* Text form: {"labels": [...], "counts": [[...], ...]} (rows: true labels). */
Datum
mlpipe_confusion_out(PG_FUNCTION_ARGS)
{
	Confusion  *c = (Confusion *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	const char **labels = ConfusionLabels(c);
	StringInfoData s;

	initStringInfo(&s);
	appendStringInfoString(&s, "{\"labels\": [");
	for (int i = 0; i < c->n; i++)
	{
		if (i)
			appendStringInfoString(&s, ", ");
		escape_json(&s, labels[i]);
	}
	appendStringInfoString(&s, "], \"counts\": [");
	for (int t = 0; t < c->n; t++)
	{
		appendStringInfo(&s, "%s[", t ? ", " : "");
		for (int p = 0; p < c->n; p++)
			appendStringInfo(&s, "%s%.17g", p ? ", " : "", CONF_COUNTS(c)[(Size) t * c->n + p]);
		appendStringInfoChar(&s, ']');
	}
	appendStringInfoString(&s, "]}");
	PG_RETURN_CSTRING(s.data);
}

/* A malformed text form. */
static void
BadInput(const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input for mlpipe_confusion: %s", why),
			 errhint("The form is {\"labels\": [\"a\", \"b\"], \"counts\": [[1, 0], [2, 3]]}.")));
}

/* A jsonb number as a count: finite, at least 0. */
static double
CountValue(JsonbValue *v)
{
	double		d;

	if (v->type != jbvNumeric || numeric_is_nan(v->val.numeric) || numeric_is_inf(v->val.numeric))
		BadInput("a count is not a number");
	d = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
	if (!(d >= 0) || !isfinite(d))
		BadInput("a count is negative or not finite");
	return d;
}

/* Parse the text form, checking every part. */
Datum
mlpipe_confusion_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	Jsonb	   *jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(str)));
	JsonbValue *labels;
	JsonbValue *counts;
	Confusion  *c = ConfusionNew(CurrentMemoryContext);
	int			n;

	if (!JB_ROOT_IS_OBJECT(jb))
		BadInput("not a JSON object");
	labels = getKeyJsonValueFromContainer(&jb->root, "labels", 6, NULL);
	counts = getKeyJsonValueFromContainer(&jb->root, "counts", 6, NULL);
	if (labels == NULL || counts == NULL || labels->type != jbvBinary ||
		counts->type != jbvBinary || !JsonContainerIsArray(labels->val.binary.data) ||
		!JsonContainerIsArray(counts->val.binary.data) ||
		JsonContainerSize(&jb->root) != 2)
		BadInput("it needs exactly the arrays \"labels\" and \"counts\"");
	n = JsonContainerSize(labels->val.binary.data);
	if (n > MLP_CONFUSION_MAX_CLASSES)
		BadInput("too many labels");
	if ((int) JsonContainerSize(counts->val.binary.data) != n)
		BadInput("\"counts\" needs one row per label");
	for (int i = 0; i < n; i++)
	{
		JsonbValue *l = getIthJsonbValueFromContainer(labels->val.binary.data, i);
		char	   *text;

		if (l->type != jbvString)
			BadInput("a label is not a string");
		text = pnstrdup(l->val.string.val, l->val.string.len);
		if (strlen(text) != (size_t) l->val.string.len)
			BadInput("a label holds a NUL character");
		if (ConfusionFind(c, text) >= 0)
			BadInput("a label is listed twice");
		c = ConfusionAdd(c, text, CurrentMemoryContext);	/* the old copy is left to the context */
	}
	for (int t = 0; t < n; t++)
	{
		JsonbValue *row = getIthJsonbValueFromContainer(counts->val.binary.data, t);

		if (row->type != jbvBinary || !JsonContainerIsArray(row->val.binary.data) ||
			(int) JsonContainerSize(row->val.binary.data) != n)
			BadInput("each row of \"counts\" needs one count per label");
		for (int p = 0; p < n; p++)
			CONF_COUNTS(c)[(Size) t * n + p] =
				CountValue(getIthJsonbValueFromContainer(row->val.binary.data, p));
	}
	PG_RETURN_POINTER(c);
}

/* labels sorted as scikit-learn sorts them, as indexes into the state */
typedef struct SortedLabels
{
	int			n;
	int		   *idx;
	const char **text;
} SortedLabels;

/* what CompareLabels compares */
typedef struct LabelOrder
{
	const char **text;
	bool		numeric;		/* every label reads as a number */
} LabelOrder;

/* Numbers numerically, else text by bytes. */
static int
CompareLabels(const void *a, const void *b, void *arg)
{
	const LabelOrder *o = arg;
	const char *x = o->text[*(const int *) a];
	const char *y = o->text[*(const int *) b];

	if (o->numeric)
	{
		double		dx = strtod(x, NULL);
		double		dy = strtod(y, NULL);

		if (dx != dy)
			return dx < dy ? -1 : 1;
	}
	return strcmp(x, y);
}

/* Whether a label reads as a number in full. */
static bool
IsNumberText(const char *s)
{
	char	   *end;

	if (*s == '\0')
		return false;
	(void) strtod(s, &end);
	return *end == '\0';
}

/* The state's labels in scikit-learn's order. */
static SortedLabels
SortLabels(const Confusion *c)
{
	SortedLabels s;
	LabelOrder	o;

	s.n = c->n;
	s.text = ConfusionLabels(c);
	s.idx = palloc(sizeof(int) * Max(c->n, 1));
	o.text = s.text;
	o.numeric = true;
	for (int i = 0; i < c->n; i++)
	{
		s.idx[i] = i;
		o.numeric &= IsNumberText(s.text[i]);
	}
	qsort_arg(s.idx, c->n, sizeof(int), CompareLabels, &o);
	return s;
}

/* {"labels": [sorted], "matrix": [[...]]}: rows true, columns predicted. */
Datum
mlpipe_confusion_matrix_final(PG_FUNCTION_ARGS)
{
	Confusion  *c;
	SortedLabels s;
	StringInfoData out;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	c = (Confusion *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	if (c->n == 0)
		PG_RETURN_NULL();
	s = SortLabels(c);
	initStringInfo(&out);
	appendStringInfoString(&out, "{\"labels\": [");
	for (int i = 0; i < s.n; i++)
	{
		if (i)
			appendStringInfoString(&out, ", ");
		escape_json(&out, s.text[s.idx[i]]);
	}
	appendStringInfoString(&out, "], \"matrix\": [");
	for (int t = 0; t < s.n; t++)
	{
		appendStringInfo(&out, "%s[", t ? ", " : "");
		for (int p = 0; p < s.n; p++)
			appendStringInfo(&out, "%s%.17g", p ? ", " : "",
							 CONF_COUNTS(c)[(Size) s.idx[t] * c->n + s.idx[p]]);
		appendStringInfoChar(&out, ']');
	}
	appendStringInfoString(&out, "]}");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(out.data)));
}

/* per class: true positives, predicted and true counts */
typedef struct ClassCounts
{
	double		total;
	double		correct;
	double	   *tp;
	double	   *pred;			/* column sums */
	double	   *truth;			/* row sums: the support */
} ClassCounts;

/* Sums over a state's matrix. */
static ClassCounts
Counts(const Confusion *c)
{
	ClassCounts k;
	int			n = c->n;

	k.total = k.correct = 0;
	k.tp = palloc0(sizeof(double) * Max(n, 1));
	k.pred = palloc0(sizeof(double) * Max(n, 1));
	k.truth = palloc0(sizeof(double) * Max(n, 1));
	for (int t = 0; t < n; t++)
		for (int p = 0; p < n; p++)
		{
			double		v = CONF_COUNTS(c)[(Size) t * n + p];

			k.total += v;
			k.truth[t] += v;
			k.pred[p] += v;
			if (t == p)
			{
				k.tp[t] = v;
				k.correct += v;
			}
		}
	return k;
}

/* A ratio that scikit-learn defines as 0 when its denominator is 0. */
static double
Ratio(double num, double den)
{
	return den > 0 ? num / den : 0.0;
}

typedef enum
{
	METRIC_PRECISION,
	METRIC_RECALL,
	METRIC_F1
} ClassMetric;

/* One class's precision, recall or F1. */
static double
ClassValue(const ClassCounts *k, int i, ClassMetric m)
{
	double		tp = k->tp[i];
	double		fp = k->pred[i] - tp;
	double		fn = k->truth[i] - tp;

	switch (m)
	{
		case METRIC_PRECISION:
			return Ratio(tp, tp + fp);
		case METRIC_RECALL:
			return Ratio(tp, tp + fn);
		case METRIC_F1:
			return Ratio(2 * tp, 2 * tp + fp + fn);
	}
	return 0;
}

/*
 * precision, recall or f1 (state, average, positive): binary (the class
 * positive), macro (the mean over labels), weighted (by support), micro
 * (from the pooled counts: the accuracy, for one label per row).
 */
static Datum
AveragedMetric(FunctionCallInfo fcinfo, ClassMetric m)
{
	Confusion  *c;
	char	   *average;
	ClassCounts k;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	c = (Confusion *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	average = PG_ARGISNULL(1) ? "macro" : text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (strcmp(average, "binary") != 0 && strcmp(average, "macro") != 0 &&
		strcmp(average, "weighted") != 0 && strcmp(average, "micro") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown average \"%s\"", average),
				 errhint("Use binary (with positive), macro, weighted or micro.")));
	if (strcmp(average, "binary") == 0 && PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("average \"binary\" needs the positive label"),
				 errhint("For example: mlpipe_f1(mlpipe_confusion(y, p), 'binary', positive => 'yes').")));
	if (c->n == 0)
		PG_RETURN_NULL();
	k = Counts(c);
	if (strcmp(average, "binary") == 0)
	{
		char	   *positive = text_to_cstring(PG_GETARG_TEXT_PP(2));
		int			i = ConfusionFind(c, positive);

		if (i < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("positive label \"%s\" is not among the labels", positive),
					 errhint("Labels are compared as the text their type prints.")));
		PG_RETURN_FLOAT8(ClassValue(&k, i, m));
	}
	if (strcmp(average, "micro") == 0)
		PG_RETURN_FLOAT8(Ratio(k.correct, k.total));
	{
		double		sum = 0;

		for (int i = 0; i < c->n; i++)
			sum += ClassValue(&k, i, m) * (strcmp(average, "weighted") == 0 ? k.truth[i] : 1.0);
		PG_RETURN_FLOAT8(strcmp(average, "weighted") == 0 ? Ratio(sum, k.total) : sum / c->n);
	}
}

Datum
mlpipe_confusion_precision(PG_FUNCTION_ARGS)
{
	return AveragedMetric(fcinfo, METRIC_PRECISION);
}

Datum
mlpipe_confusion_recall(PG_FUNCTION_ARGS)
{
	return AveragedMetric(fcinfo, METRIC_RECALL);
}

Datum
mlpipe_confusion_f1(PG_FUNCTION_ARGS)
{
	return AveragedMetric(fcinfo, METRIC_F1);
}

/* The share of pairs whose labels are equal. */
Datum
mlpipe_confusion_accuracy(PG_FUNCTION_ARGS)
{
	Confusion  *c = (Confusion *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	ClassCounts k;

	if (c->n == 0)
		PG_RETURN_NULL();
	k = Counts(c);
	PG_RETURN_FLOAT8(Ratio(k.correct, k.total));
}

/*
 * Matthews correlation over many classes (Gorodkin's R_K, as scikit-learn):
 * (c s - sum p_k t_k) / sqrt((s^2 - sum p_k^2)(s^2 - sum t_k^2)); 0 when a
 * factor of the denominator is 0.
 */
Datum
mlpipe_confusion_mcc(PG_FUNCTION_ARGS)
{
	Confusion  *c = (Confusion *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	ClassCounts k;
	double		pt = 0;
	double		pp = 0;
	double		tt = 0;
	double		den;

	if (c->n == 0)
		PG_RETURN_NULL();
	k = Counts(c);
	for (int i = 0; i < c->n; i++)
	{
		pt += k.pred[i] * k.truth[i];
		pp += k.pred[i] * k.pred[i];
		tt += k.truth[i] * k.truth[i];
	}
	den = sqrt((k.total * k.total - pp) * (k.total * k.total - tt));
	PG_RETURN_FLOAT8(den > 0 ? (k.correct * k.total - pt) / den : 0.0);
}

/* (class, precision, recall, f1, support) per label, in scikit-learn's order. */
Datum
mlpipe_class_metrics(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Confusion  *c = (Confusion *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	SortedLabels s;
	ClassCounts k;

	InitMaterializedSRF(fcinfo, 0);
	if (c->n == 0)
		return (Datum) 0;
	s = SortLabels(c);
	k = Counts(c);
	for (int r = 0; r < s.n; r++)
	{
		int			i = s.idx[r];
		Datum		values[5];
		bool		nulls[5] = {0};

		values[0] = CStringGetTextDatum(s.text[i]);
		values[1] = Float8GetDatum(ClassValue(&k, i, METRIC_PRECISION));
		values[2] = Float8GetDatum(ClassValue(&k, i, METRIC_RECALL));
		values[3] = Float8GetDatum(ClassValue(&k, i, METRIC_F1));
		values[4] = Float8GetDatum(k.truth[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
