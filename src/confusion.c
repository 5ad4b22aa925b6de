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

/* The text of a label value, by its type's output function (cached). */
static char *
LabelText(FunctionCallInfo fcinfo, int argno)
{
	FmgrInfo   *out = fcinfo->flinfo->fn_extra;

	if (out == NULL)
	{
		Oid			typid = get_fn_expr_argtype(fcinfo->flinfo, argno);
		Oid			func;
		bool		isvarlena;

		if (!OidIsValid(typid))
			elog(ERROR, "could not determine the label type");
		getTypeOutputInfo(typid, &func, &isvarlena);
		out = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(FmgrInfo));
		fmgr_info_cxt(func, out, fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = out;
	}
	return OutputFunctionCall(out, PG_GETARG_DATUM(argno));
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
	int			t,
				p;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(c);
	t = ConfusionIndex(&c, LabelText(fcinfo, 1), cxt, &fresh);
	p = ConfusionIndex(&c, LabelText(fcinfo, 2), cxt, &fresh);
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
