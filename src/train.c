/*
 * train.c
 *	  mlpipe_train: load -> split -> fit -> evaluate -> store -> deploy.
 *
 * Everything runs in the caller's transaction, so a failed or cancelled
 * training leaves no catalog rows behind.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "catalog.h"
#include "metrics.h"
#include "model.h"
#include "source.h"
#include "parallel.h"
#include "part.h"
#include "prep.h"
#include "encode.h"
#include "comoments.h"
#include "poly.h"
#include "select.h"
#include "classeval.h"

PG_FUNCTION_INFO_V1(mlpipe_train);

/* A text argument that must be given. */
static char *
RequiredText(FunctionCallInfo fcinfo, int argno, const char *name)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", name)));
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/* A text[] argument as a List of C strings (NIL for NULL). */
static List *
TextArrayList(FunctionCallInfo fcinfo, int argno, const char *name)
{
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	List	   *out = NIL;

	if (PG_ARGISNULL(argno))
		return NIL;
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", name)));
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL", name)));
		out = lappend(out, TextDatumGetCString(elems[i]));
	}
	return out;
}

/* JSON array of strings, or null. */
static void
AppendJsonList(StringInfo s, List *l, bool given)
{
	ListCell   *lc;

	if (!given)
	{
		appendStringInfoString(s, "null");
		return;
	}
	appendStringInfoChar(s, '[');
	foreach(lc, l)
	{
		if (lc != list_head(l))
			appendStringInfoString(s, ", ");
		escape_json(s, (char *) lfirst(lc));
	}
	appendStringInfoChar(s, ']');
}

/* the training rows: one part, or the leader's part of a parallel run */
typedef struct TrainRows
{
	MlpColumns	cols;
	MlpPart		part;
	MlpParallel *par;
	MlpSummary	sum;
	const double *center;		/* training means, for the residual */
	MlpEncoding *enc;			/* categorical features: their one-hot encoding */
	MlpPoly    *poly;			/* products appended after the other features */
	int64	   *unseen_train;	/* per input: rows with a value not kept */
	int64	   *unseen_test;	/* (test rows: also values not in training) */
	MlpCategories *target_cats; /* classification: the labels' dictionary */
	int			nclasses;		/* classification: labels, sorted as scikit-learn */
	char	  **classes;
} TrainRows;

/*
 * One-hot encode the categorical features of loaded rows: the kept
 * categories come from the training rows; the matrix, the column plan and
 * the column ranges are replaced by the encoded ones.  With compact, one-hot
 * groups stay a column of codes each (see MlpPart).
 */
static void
EncodeRows(TrainRows *rows, MlpDataset *ds, bool compact)
{
	MlpEncoding *enc = MlpFitEncoding(ds);
	MlpMatrix	out;
	int		   *colmap = NULL;
	int		   *group_col = NULL;
	MlpColumns *cols = &rows->cols;
	int			nf = enc->nfeatures;
	int64	   *nnull = palloc0(sizeof(int64) * (nf + 1));
	double	   *min = palloc(sizeof(double) * (nf + 1));
	double	   *max = palloc(sizeof(double) * (nf + 1));
	char	  **names = palloc(sizeof(char *) * (nf + 1));
	char	  **types = palloc(sizeof(char *) * (nf + 1));

	/* one one-hot feature is a constant: a single value, or NULL throughout */
	for (int i = 0; i < enc->ninputs; i++)
		if (enc->inputs[i].kind == MLP_INPUT_HASH && enc->inputs[i].width <= 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("feature column \"%s\" falls into one hash bucket in every training row",
							enc->inputs[i].name),
					 errhint("Use more buckets, or leave the column out.")));
		else if (enc->inputs[i].categorical && enc->inputs[i].width <= 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 enc->inputs[i].ncat == 1 ?
					 errmsg("feature column \"%s\" has one value in every training row",
							enc->inputs[i].name) :
					 errmsg("feature column \"%s\" is NULL in every training row",
							enc->inputs[i].name),
					 errhint("Leave it out with exclude => ARRAY['%s'].", enc->inputs[i].name)));
	for (int i = 0; i < enc->ninputs; i++)
		if (MlpInputIsDate(&enc->inputs[i]) && enc->inputs[i].width == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("feature column \"%s\" has no date part that varies in the training rows",
							enc->inputs[i].name),
					 errhint("Leave it out with exclude => ARRAY['%s'].", enc->inputs[i].name)));
	if (nf > MLP_MAX_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the encoded data would have %d features; the limit is %d",
						nf, MLP_MAX_FEATURES),
				 errhint("Lower max_categories in preprocess, or leave columns out.")));
	for (int i = 0; compact && i < enc->ninputs; i++)
		if (enc->inputs[i].categorical)
		{
			colmap = palloc(sizeof(int) * (nf + 1));
			group_col = palloc(sizeof(int) * enc->ninputs);
			break;
		}
	/* counted from the loaded codes, before they become slots */
	rows->unseen_train = palloc0(sizeof(int64) * enc->ninputs);
	rows->unseen_test = palloc0(sizeof(int64) * enc->ninputs);
	MlpCountUnseen(enc, ds, rows->unseen_train, rows->unseen_test);
	if (colmap && MlpEncodeInPlace(enc, ds, colmap, group_col))
		out = ds->m;
	else
		MlpEncodeMatrix(enc, ds, &out, colmap, group_col);
	rows->part.colmap = colmap;
	rows->part.group_col = group_col;
	memcpy(names, enc->features, sizeof(char *) * nf);
	memcpy(types, enc->feature_types, sizeof(char *) * nf);
	names[nf] = cols->names[cols->p];
	types[nf] = cols->types[cols->p];
	/* features are judged by the preprocessing; the target keeps its range */
	for (int j = 0; j < nf; j++)
	{
		min[j] = -INFINITY;
		max[j] = INFINITY;
	}
	min[nf] = ds->min[cols->p];
	max[nf] = ds->max[cols->p];
	/*
	 * A numeric feature keeps its NULL handling and count (a date's parts
	 * are NULL where the date is), one-hot ones have neither.
	 */
	{
		int		   *impute = palloc0(sizeof(int) * (nf + 1));

		for (int i = 0; i < enc->ninputs; i++)
			if (!enc->inputs[i].categorical)
				for (int k = 0; k < enc->inputs[i].width; k++)
				{
					impute[enc->inputs[i].first + k] = cols->impute[i];
					nnull[enc->inputs[i].first + k] = ds->nnull[i];
				}
		/*
		 * The NULLs of an ordinal column and of array elements are numbers
		 * to impute, or an error.
		 */
		for (int i = 0; i < enc->ninputs; i++)
			for (int f = enc->inputs[i].first;
				 (enc->inputs[i].kind == MLP_INPUT_ORDINAL || enc->inputs[i].array) &&
				 f < enc->inputs[i].first + enc->inputs[i].width; f++)
			{
				const double *c = MLP_COL(&out, colmap ? colmap[f] : f);
				int64		n = 0;

				CHECK_FOR_INTERRUPTS();
				for (int64 r = 0; r < out.nrows; r++)
					n += isnan(c[r]);
				nnull[f] = n;
				if (n > 0 && cols->impute[i] == MLP_IMPUTE_ERROR)
					ereport(ERROR,
							(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
							 errmsg("%s \"%s\" is NULL in %lld of %lld rows",
									enc->inputs[i].array ? "array element" : "column",
									enc->features[f], (long long) n, (long long) out.nrows),
							 errhint("Impute it in preprocess, or filter those rows out.")));
			}
		cols->impute = impute;
	}
	cols->p = nf;
	cols->ncols = nf + 1;
	cols->names = names;
	cols->types = types;
	rows->part.m = out;
	rows->part.p = nf;
	/* the categorical inputs' one-hot columns, for sparse co-moments */
	rows->part.ngroups = 0;
	rows->part.group_first = palloc(sizeof(int) * Max(enc->ninputs, 1));
	rows->part.group_width = palloc(sizeof(int) * Max(enc->ninputs, 1));
	for (int i = 0; i < enc->ninputs; i++)
		if (enc->inputs[i].categorical)
		{
			rows->part.group_first[rows->part.ngroups] = enc->inputs[i].first;
			rows->part.group_width[rows->part.ngroups++] = enc->inputs[i].width;
		}
	rows->sum.min = min;
	rows->sum.max = max;
	rows->sum.nnull = nnull;
	rows->enc = enc;
}

/* A classifier's rows must all have a label: checked before any split uses them. */
static void
CheckLabels(const MlpDataset *ds)
{
	const double *y = MLP_COL(&ds->m, ds->p);
	int64		nulls = 0;

	for (int64 i = 0; i < ds->m.nrows; i++)
		nulls += y[i] < 0;
	if (nulls > 0)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("target column \"%s\" is NULL in %lld of %lld rows",
						ds->names[ds->p], (long long) nulls, (long long) ds->m.nrows),
				 errhint("Filter those rows out in a source query.")));
}

/* Load the rows: in parallel from a large table, else through SPI. */
static void
LoadRows(TrainRows *rows, const MlpSourceSpec *spec, const MlpEngineer *eng,
		 int64 seed, uint64 threshold, double test_size, bool serial)
{
	Oid			relid = MlpSourceTable(spec->source);
	MlpDataset *ds;

	memset(rows, 0, sizeof(*rows));
	/*
	 * An order split needs every row's value first, medians and quartiles
	 * every training value, products new columns, and selection drops
	 * columns of the rows, cross-validation refits on subsets of the rows:
	 * one process.
	 */
	if (OidIsValid(relid) && !serial && spec->split != MLP_SPLIT_ORDER &&
		spec->split != MLP_SPLIT_STRATIFIED && !spec->classification &&
		!MlpPrepNeedsQuantiles(spec->prep) && eng->poly_columns == NIL &&
		eng->inter_columns == NIL && eng->select == MLP_SELECT_NONE)
	{
		rows->par = MlpParallelBegin(relid, spec, seed, threshold, &rows->cols,
									 &rows->part, &rows->sum);
		if (rows->par)
		{
			ereport(DEBUG1,
					(errmsg_internal("mlpipe: training in parallel")));
			ereport(DEBUG2,
					(errmsg_internal("mlpipe: %d parallel workers",
									 MlpParallelWorkers(rows->par))));
			MlpCheckNulls(&rows->cols, rows->sum.nnull, rows->sum.nrows);
			return;
		}
	}
	ds = MlpLoadSource(spec, seed, threshold);
	rows->cols = ds->cols;
	rows->part.m = ds->m;
	rows->part.p = ds->p;
	rows->part.is_test = ds->is_test;
	rows->part.ntest = ds->ntest;
	if (spec->classification)
		CheckLabels(ds);
	if (spec->split == MLP_SPLIT_ORDER)
		rows->part.ntest = ds->ntest =
			MlpOrderSplit(ds->order, ds->m.nrows, test_size, ds->is_test);
	if (spec->split == MLP_SPLIT_STRATIFIED)
		rows->part.ntest = ds->ntest =
			MlpStratifiedSplit(ds->key, MLP_COL(&ds->m, ds->p), ds->m.nrows, test_size,
							   ds->is_test);
	SummaryInit(&rows->sum, ds->m.ncols);
	SummaryAdd(&rows->sum, ds->m.ncols, ds->m.nrows, ds->ntest,
			   ds->nnull, ds->min, ds->max);
	rows->sum.dropped = ds->dropped;
	rows->target_cats = ds->cats[ds->p];
	if (ds->cols.any_encoded)
		EncodeRows(rows, ds, eng->poly_columns == NIL && eng->inter_columns == NIL &&
				   eng->select == MLP_SELECT_NONE);
}

/* what CompareClasses sorts by */
typedef struct ClassOrder
{
	char	  **text;
	bool		numeric;		/* every label reads as a number */
} ClassOrder;

/* Labels as scikit-learn sorts them: numbers by value, else text by bytes. */
static int
CompareClasses(const void *a, const void *b, void *arg)
{
	const ClassOrder *o = arg;
	const char *x = o->text[*(const int *) a];
	const char *y = o->text[*(const int *) b];

	if (o->numeric && strtod(x, NULL) != strtod(y, NULL))
		return strtod(x, NULL) < strtod(y, NULL) ? -1 : 1;
	return strcmp(x, y);
}

/* Every class needs a training row: a model cannot learn one it never saw. */
static void
CheckClassesTrained(TrainRows *rows)
{
	const double *y = PartCol(&rows->part, rows->cols.p);
	int64	   *count = palloc0(sizeof(int64) * rows->nclasses);

	for (int64 i = 0; i < rows->part.m.nrows; i++)
		if (!rows->part.is_test[i])
			count[(int) y[i]]++;
	for (int c = 0; c < rows->nclasses; c++)
		if (count[c] == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("class \"%s\" has no training row", rows->classes[c]),
					 errdetail("All of its rows fell into the test split."),
					 errhint("Use split => 'stratified', a smaller test_size, or more rows.")));
	pfree(count);
}

/*
 * A classifier's labels from the target's dictionary: sorted (the order of
 * predict_proba), at least 2 and at most 1000; the target column then
 * holds each row's class index.  A NULL label is an error.
 */
static void
ResolveClasses(TrainRows *rows)
{
	MlpCategories *c = rows->target_cats;
	double	   *y = PartCol(&rows->part, rows->cols.p);
	int		   *order = palloc(sizeof(int) * Max(c->n, 1));
	int		   *index = palloc(sizeof(int) * Max(c->n, 1));
	ClassOrder	o;
	int64		nulls = 0;

	if (c->n < 2 || c->n > MLP_STRATIFIED_MAX_CLASSES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 c->n < 2 ?
				 errmsg("target column \"%s\" has %s", rows->cols.names[rows->cols.p],
						c->n == 0 ? "no label" : "one label only") :
				 errmsg("target column \"%s\" has %d labels; the limit is %d",
						rows->cols.names[rows->cols.p], c->n, MLP_STRATIFIED_MAX_CLASSES),
				 errhint("A classifier needs between 2 and %d distinct labels.",
						 MLP_STRATIFIED_MAX_CLASSES)));
	/* numbers by value, anything else (booleans: f before t) by text */
	o.text = c->text;
	o.numeric = rows->cols.target_numkind != MLP_NUM_NONE &&
		rows->cols.target_numkind != MLP_NUM_BOOL;
	for (int i = 0; i < c->n; i++)
		order[i] = i;
	qsort_arg(order, c->n, sizeof(int), CompareClasses, &o);
	rows->nclasses = c->n;
	rows->classes = palloc(sizeof(char *) * c->n);
	for (int i = 0; i < c->n; i++)
	{
		rows->classes[i] = c->text[order[i]];
		index[order[i]] = i;
	}
	for (int64 i = 0; i < rows->part.m.nrows; i++)
	{
		int			code = (int) y[i];

		if (code < 0)
			nulls++;
		else
			y[i] = index[code];
	}
	if (nulls > 0)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("target column \"%s\" is NULL in %lld of %lld rows",
						rows->cols.names[rows->cols.p], (long long) nulls,
						(long long) rows->part.m.nrows),
				 errhint("Filter those rows out in a source query.")));
}

/*
 * The steps that score features against a numeric target cannot take a
 * classifier's labels (their order is only their names'): refused until
 * class-aware versions exist.
 */
static void
CheckClassifierPrep(const MlpSourceSpec *spec, const MlpEngineer *eng)
{
	ListCell   *lc;

	if (eng->select != MLP_SELECT_NONE && eng->select != MLP_SELECT_VARIANCE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("select method \"%s\" needs a numeric target", MlpSelectName(eng->select)),
				 errhint("For a classifier use the variance method; class-aware scores are planned.")));
	foreach(lc, spec->prep)
	{
		const MlpPrepSpec *ps = lfirst(lc);

		if (ps->has_method && ps->encode == MLP_ENCODE_TARGET)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("preprocess \"%s\": encode \"target\" needs a numeric target", ps->column),
					 errhint("For a classifier use onehot, ordinal or hash.")));
	}
}

/* MlpResidualFn over the training rows, wherever they are. */
static void
RowsResidual(void *arg, const double *coef, double *g)
{
	TrainRows  *rows = arg;

	if (rows->par)
		MlpParallelResidual(rows->par, rows->center, coef, g);
	else
		PartResidual(&rows->part, rows->center, coef, g);
}

/* Refuse a constant target; constant features are refused by the preprocessing. */
static void
CheckTargetNotConstant(const TrainRows *rows)
{
	int			t = rows->cols.p;

	if (rows->sum.min[t] == rows->sum.max[t])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target column \"%s\" is constant", rows->cols.names[t]),
				 errdetail("Every row has the value %g.", rows->sum.min[t])));
}

/* Store a split's metrics as rows and as a JSON object. */
static void
StoreMetrics(int64 model_id, const char *split, MlpRegMetrics m, StringInfo js)
{
	CatalogInsertMetric(model_id, split, "mse", NULL, m.mse);
	CatalogInsertMetric(model_id, split, "rmse", NULL, m.rmse);
	CatalogInsertMetric(model_id, split, "mae", NULL, m.mae);
	CatalogInsertMetric(model_id, split, "r2", NULL, m.r2);
	appendStringInfo(js, "\"%s\": {\"mse\": ", split);
	MlpAppendJsonNumber(js, m.mse);
	appendStringInfoString(js, ", \"rmse\": ");
	MlpAppendJsonNumber(js, m.rmse);
	appendStringInfoString(js, ", \"mae\": ");
	MlpAppendJsonNumber(js, m.mae);
	appendStringInfoString(js, ", \"r2\": ");
	MlpAppendJsonNumber(js, m.r2);
	appendStringInfoChar(js, '}');
}

/* Linear interpolation quantile of sorted values (numpy's default). */
static double
SortedQuantile(const double *v, int64 n, double q)
{
	double		pos = q * (double) (n - 1);
	int64		lo = (int64) floor(pos);
	int64		hi = Min(lo + 1, n - 1);

	return v[lo] + (pos - (double) lo) * (v[hi] - v[lo]);
}

static int
CompareDoubles(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/*
 * The non-NULL training values of feature j, sorted (for medians and
 * quartiles; these run in one process, never in parallel).
 */
static double *
SortedTrainValues(const MlpPart *part, int j, int64 *n)
{
	const double *c = PartCol(part, j);
	double	   *v = MemoryContextAllocExtended(CurrentMemoryContext,
											   sizeof(double) * Max(part->m.nrows, 1),
											   MCXT_ALLOC_HUGE);
	int64		k = 0;

	for (int64 i = 0; i < part->m.nrows; i++)
		if (!part->is_test[i] && !isnan(c[i]))
			v[k++] = c[i];
	CHECK_FOR_INTERRUPTS();
	qsort(v, k, sizeof(double), CompareDoubles);
	*n = k;
	return v;
}

/* The most frequent of n sorted values; of equal counts the smallest. */
static double
SortedMode(const double *v, int64 n)
{
	double		best = v[0];
	int64		best_run = 0;

	for (int64 i = 0; i < n;)
	{
		int64		j = i;

		while (j < n && v[j] == v[i])
			j++;
		if (j - i > best_run)
		{
			best = v[i];
			best_run = j - i;
		}
		i = j;
	}
	return best;
}

/*
 * Quantile bin edges of feature j from its training values, as
 * KBinsDiscretizer(strategy="quantile"): the percentiles at 0, 100/bins,
 * ..., 100, then every edge less than 1e-8 above the one before dropped.
 */
static void
FitBins(TrainRows *rows, MlpPrep *prep, int j, int bins)
{
	int64		n;
	double	   *v = SortedTrainValues(&rows->part, j, &n);
	double	   *e = palloc(sizeof(double) * (bins + 1));
	int			ne = 0;
	double		prev = 0;

	if (prep->edges == NULL)
	{
		prep->nedges = palloc0(sizeof(int) * prep->p);
		prep->edges = palloc0(sizeof(double *) * prep->p);
	}
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("column \"%s\" is NULL in every training row, so it has no bins",
						rows->cols.names[j])));
	for (int b = 0; b <= bins; b++)
	{
		/* numpy's linspace(0, 100, bins + 1), as percentiles */
		double		q = SortedQuantile(v, n, b == bins ? 1.0 : (b * (100.0 / bins)) / 100.0);

		/* the width to the previous percentile, kept or not (np.ediff1d) */
		if (b == 0 || q - prev > 1e-8)
			e[ne++] = q;
		prev = q;
	}
	if (ne < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("feature column \"%s\" is constant in the training rows", rows->cols.names[j]),
				 errdetail("Its quantile bins have no width."),
				 errhint("Leave it out with exclude => ARRAY['%s'].", rows->cols.names[j])));
	prep->nedges[j] = ne;
	prep->edges[j] = e;
	pfree(v);
}

/* the preprocessing being fitted, until the co-moments finish it */
typedef struct PrepFit
{
	MlpPrep    *prep;
	MlpScale   *scale;			/* per feature: the scaler asked for */
	bool	   *onehot;			/* per feature: 0 or 1, never centred */
	bool	   *mean_later;		/* mean of a column without NULLs: from co-moments */
	bool		ranged;			/* the fill pass ran and refused constants */
} PrepFit;

/* The feature indexes of columns named for products: numeric features only. */
static int *
PolyColumns(const TrainRows *rows, List *names, const char *key)
{
	int		   *out = palloc(sizeof(int) * Max(list_length(names), 1));
	int			n = 0;
	ListCell   *lc;

	foreach(lc, names)
	{
		const char *name = lfirst(lc);
		int			found = -1;
		const char *kind = NULL;

		if (rows->enc)
		{
			for (int i = 0; i < rows->enc->ninputs; i++)
				if (strcmp(rows->enc->inputs[i].name, name) == 0)
				{
					found = rows->enc->inputs[i].first;
					kind = rows->enc->inputs[i].textual ? "categorical" :
						rows->enc->inputs[i].array ? "an array" :
						MlpInputIsDate(&rows->enc->inputs[i]) ? "a date" : NULL;
				}
		}
		else
			for (int j = 0; j < rows->cols.p; j++)
				if (strcmp(rows->cols.names[j], name) == 0)
					found = j;
		if (found < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("preprocess \"%s\" names \"%s\", which is not a feature", key, name)));
		if (kind)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("preprocess \"%s\" names \"%s\", which is %s", key, name, kind),
					 errhint("Products are built from numeric features only.")));
		out[n++] = found;
	}
	return out;
}

/*
 * Append the polynomial and interaction products to the training rows:
 * computed from the imputed values, before any scaling; each product is
 * then a feature of its own, scaled as "*" says and refused if constant.
 * The rows are in one process (see NeedsOneProcess).
 */
static void
AddPolynomial(TrainRows *rows, List *specs, const MlpEngineer *eng, PrepFit *fit,
			  double **tmin, double **tmax, double **tabs)
{
	int			nb = rows->cols.p;
	MlpPoly    *poly = MlpPolyBuild(nb, PolyColumns(rows, eng->poly_columns, "polynomial"),
									list_length(eng->poly_columns), eng->poly_degree,
									PolyColumns(rows, eng->inter_columns, "interactions"),
									list_length(eng->inter_columns), MLP_MAX_FEATURES);
	int			p2 = nb + poly->nterms;
	MlpColumns *cols = &rows->cols;
	MlpPrep    *prep = fit->prep;
	const MlpPrepSpec *all = MlpPrepFor(specs, "*");
	MlpMatrix	m;
	char	  **names;
	char	  **types;
	int		   *impute;

	Assert(rows->par == NULL && rows->part.colmap == NULL);
	MlpPolyMatrix(poly, &rows->part.m, &m);
	rows->part.m = m;
	rows->part.p = p2;
	names = palloc(sizeof(char *) * (p2 + 1));
	types = palloc(sizeof(char *) * (p2 + 1));
	impute = palloc0(sizeof(int) * (p2 + 1));
	memcpy(names, cols->names, sizeof(char *) * nb);
	memcpy(types, cols->types, sizeof(char *) * nb);
	memcpy(impute, cols->impute, sizeof(int) * nb);
	for (int t = 0; t < poly->nterms; t++)
	{
		names[nb + t] = MlpPolyName(poly, t, cols->names);
		types[nb + t] = "double precision";
	}
	names[p2] = cols->names[nb];
	types[p2] = cols->types[nb];
	cols->names = names;
	cols->types = types;
	cols->impute = impute;
	cols->p = p2;
	cols->ncols = p2 + 1;
	rows->sum.nnull = repalloc(rows->sum.nnull, sizeof(int64) * (p2 + 1));
	memset(rows->sum.nnull + nb, 0, sizeof(int64) * (p2 + 1 - nb));
	/* the products' ranges are found below; the target's moves to p2 */
	rows->sum.min = repalloc(rows->sum.min, sizeof(double) * (p2 + 1));
	rows->sum.max = repalloc(rows->sum.max, sizeof(double) * (p2 + 1));
	rows->sum.min[p2] = rows->sum.min[nb];
	rows->sum.max[p2] = rows->sum.max[nb];
	rows->poly = poly;

	/* the steps of the products: no NULLs, "*"'s scaler */
	prep->p = p2;
	prep->impute = repalloc(prep->impute, p2);
	prep->fill = repalloc(prep->fill, sizeof(double) * p2);
	prep->center = repalloc(prep->center, sizeof(double) * p2);
	prep->scale = repalloc(prep->scale, sizeof(double) * p2);
	if (prep->transform)
	{
		prep->transform = repalloc(prep->transform, p2);
		prep->lo = repalloc(prep->lo, sizeof(double) * p2);
		prep->hi = repalloc(prep->hi, sizeof(double) * p2);
	}
	fit->scale = repalloc(fit->scale, sizeof(MlpScale) * p2);
	fit->mean_later = repalloc(fit->mean_later, sizeof(bool) * p2);
	fit->onehot = repalloc(fit->onehot, sizeof(bool) * p2);
	*tmin = repalloc(*tmin, sizeof(double) * p2);
	*tmax = repalloc(*tmax, sizeof(double) * p2);
	*tabs = repalloc(*tabs, sizeof(double) * p2);
	for (int j = nb; j < p2; j++)
	{
		const double *c = MLP_COL(&rows->part.m, j);
		double		lo = INFINITY;
		double		hi = -INFINITY;
		double		ab = 0;

		prep->impute[j] = MLP_PREP_ERROR;
		prep->fill[j] = NAN;
		prep->center[j] = 0;
		prep->scale[j] = 1;
		if (prep->transform)
		{
			prep->transform[j] = MLP_TRANSFORM_NONE;
			prep->lo[j] = prep->hi[j] = 0;
		}
		fit->scale[j] = all ? all->scale : MLP_SCALE_NONE;
		fit->mean_later[j] = false;
		fit->onehot[j] = false;
		CHECK_FOR_INTERRUPTS();
		for (int64 i = 0; i < rows->part.m.nrows; i++)
		{
			if (rows->part.is_test[i])
				continue;
			lo = Min(lo, c[i]);
			hi = Max(hi, c[i]);
			ab = Max(ab, fabs(c[i]));
		}
		if (lo == hi)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("feature \"%s\" is constant in the training rows", names[j]),
					 errdetail("Every training row has the value %g.", lo),
					 errhint("Leave its columns out of \"polynomial\" or \"interactions\".")));
		(*tmin)[j] = lo;
		(*tmax)[j] = hi;
		(*tabs)[j] = ab;
		rows->sum.min[j] = lo;
		rows->sum.max[j] = hi;
	}
}


/*
 * Fit the preprocessing on the training rows and apply the imputation to
 * the loaded rows: fills from the training values (mean, median) or given
 * (constant), then the scalers' centre and scale from the training rows
 * after imputation (scikit-learn's definitions; a zero scale becomes 1).
 * The co-moments computed afterwards see the imputed data.  Passes over
 * the rows are skipped where they would change nothing: a column without
 * NULLs needs no fill, and its mean comes with the co-moments.
 */
static void
FitPrep(TrainRows *rows, List *specs, const MlpEngineer *eng, PrepFit *fit)
{
	int			p = rows->cols.p;
	MlpPrep    *prep = palloc0(sizeof(MlpPrep));
	const MlpPrepSpec **ps = palloc0(sizeof(MlpPrepSpec *) * p);
	double	   *sum = palloc0(sizeof(double) * p);
	double	   *count = palloc0(sizeof(double) * p);
	double	   *tmin = palloc(sizeof(double) * p);
	double	   *tmax = palloc(sizeof(double) * p);
	double	   *tabs = palloc(sizeof(double) * p);
	bool		any_mean = false;
	bool		need_pass = false;

	prep->p = p;
	prep->impute = palloc0(p);	/* MLP_PREP_ERROR */
	prep->fill = palloc(sizeof(double) * p);
	prep->center = palloc0(sizeof(double) * p);
	prep->scale = palloc(sizeof(double) * p);
	fit->prep = prep;
	fit->scale = palloc0(sizeof(MlpScale) * p);
	fit->mean_later = palloc0(sizeof(bool) * p);
	fit->onehot = palloc0(sizeof(bool) * p);
	for (int j = 0; j < p; j++)
	{
		bool		has_null = rows->sum.nnull[j] > 0;

		/* one-hot features are neither imputed nor scaled */
		ps[j] = (rows->enc && rows->enc->onehot[j]) ? NULL :
			MlpPrepFor(specs, rows->enc ?
					   rows->enc->inputs[rows->enc->input_of[j]].name :
					   rows->cols.names[j]);
		prep->fill[j] = NAN;
		prep->scale[j] = 1.0;
		/*
		 * "*" reaches a date's parts with neither a transform nor a
		 * constant, an ordinal or target value without a transform, and a
		 * target value without imputation (it is never NULL: NULL is a
		 * category).
		 */
		if (ps[j] && rows->enc && j < rows->enc->nfeatures)
		{
			const MlpInput *in = &rows->enc->inputs[rows->enc->input_of[j]];
			bool		date = MlpInputIsDate(in);
			bool		coded = in->textual && !in->categorical;

			if ((date || coded) &&
				(ps[j]->transform != MLP_TRANSFORM_NONE ||
				 (date && ps[j]->impute == MLP_IMPUTE_CONSTANT) ||
				 (in->kind == MLP_INPUT_TARGET && ps[j]->impute != MLP_IMPUTE_ERROR)))
			{
				MlpPrepSpec *copy = palloc(sizeof(MlpPrepSpec));

				*copy = *ps[j];
				copy->transform = MLP_TRANSFORM_NONE;
				if ((date && copy->impute == MLP_IMPUTE_CONSTANT) ||
					in->kind == MLP_INPUT_TARGET)
					copy->impute = MLP_IMPUTE_ERROR;
				ps[j] = copy;
			}
		}
		fit->scale[j] = ps[j] ? ps[j]->scale : MLP_SCALE_NONE;
		fit->onehot[j] = rows->enc && j < rows->enc->nfeatures && rows->enc->onehot[j];
		if (ps[j] && ps[j]->impute == MLP_IMPUTE_MEAN)
		{
			fit->mean_later[j] = !has_null;
			any_mean |= has_null;
		}
		need_pass |= has_null || fit->scale[j] == MLP_SCALE_MINMAX ||
			fit->scale[j] == MLP_SCALE_MAXABS;
		if (ps[j] && ps[j]->transform != MLP_TRANSFORM_NONE)
		{
			if (prep->transform == NULL)
			{
				prep->transform = palloc0(p);
				prep->lo = palloc0(sizeof(double) * p);
				prep->hi = palloc0(sizeof(double) * p);
			}
			prep->transform[j] = (uint8) ps[j]->transform;
			prep->lo[j] = ps[j]->clip_lo;
			prep->hi[j] = ps[j]->clip_hi;
			need_pass = true;	/* the transform moves the range */
		}
	}

	/* transforms first: imputation and scaling are fitted on their output */
	if (prep->transform)
	{
		if (rows->par)
			elog(ERROR, "mlpipe: transforms need the rows in one process");
		for (int j = 0; j < p; j++)
			if (prep->transform[j] == MLP_TRANSFORM_BUCKETIZE)
				FitBins(rows, prep, j, ps[j]->bins);
		PartApplyTransform(&rows->part, prep, rows->cols.names);
	}

	/* fill values, from the training rows only */
	if (any_mean)
	{
		if (rows->par)
			MlpParallelImputeStats(rows->par, sum, count);
		else
			PartImputeStats(&rows->part, sum, count);
	}
	for (int j = 0; j < p; j++)
	{
		MlpImpute	imp = ps[j] ? ps[j]->impute : MLP_IMPUTE_ERROR;

		if (fit->mean_later[j])
			prep->impute[j] = MLP_PREP_FILL;
		else if (imp == MLP_IMPUTE_MEAN || imp == MLP_IMPUTE_MEDIAN ||
				 imp == MLP_IMPUTE_MOST_FREQUENT)
		{
			int64		n = 0;
			double	   *v = NULL;

			if (imp != MLP_IMPUTE_MEAN)
				v = SortedTrainValues(&rows->part, j, &n);
			else
				n = (int64) count[j];
			if (n == 0)
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("column \"%s\" is NULL in every training row, so there is nothing to impute from",
								rows->cols.names[j]),
						 errhint("Leave the column out with exclude => ARRAY['%s'], or impute a constant.",
								 rows->cols.names[j])));
			/* sum holds the merged running mean: exact for equal values */
			prep->fill[j] = (imp == MLP_IMPUTE_MEAN) ? sum[j] :
				(imp == MLP_IMPUTE_MEDIAN) ? SortedQuantile(v, n, 0.5) :
				SortedMode(v, n);
			prep->impute[j] = MLP_PREP_FILL;
		}
		else if (imp == MLP_IMPUTE_CONSTANT)
		{
			prep->fill[j] = ps[j]->fill_value;
			prep->impute[j] = MLP_PREP_FILL;
		}
		else if (imp == MLP_IMPUTE_DROP)
			prep->impute[j] = MLP_PREP_DROP;
	}
	fit->ranged = need_pass;
	if (need_pass)
	{
		if (rows->par)
			MlpParallelApplyFill(rows->par, prep->fill, tmin, tmax, tabs);
		else
			PartApplyFill(&rows->part, prep->fill, tmin, tmax, tabs);

		/* constant columns, judged on the training rows after imputation */
		for (int j = 0; j < p; j++)
			if (tmin[j] == tmax[j])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("feature column \"%s\" is constant in the training rows",
								rows->cols.names[j]),
						 errdetail("After imputation every training row has the value %g.", tmin[j]),
						 errhint("Leave it out with exclude => ARRAY['%s'].", rows->cols.names[j])));
	}

	/* products of the imputed features, fitted and scaled like features */
	if (eng->poly_columns || eng->inter_columns)
	{
		AddPolynomial(rows, specs, eng, fit, &tmin, &tmax, &tabs);
		p = rows->cols.p;
	}

	/* scalers that need no co-moments; standard waits for them */
	for (int j = 0; j < p; j++)
	{
		MlpScale	sc = fit->scale[j];

		if (sc == MLP_SCALE_MINMAX)
		{
			prep->center[j] = tmin[j];
			prep->scale[j] = tmax[j] - tmin[j];
		}
		else if (sc == MLP_SCALE_MAXABS)
			prep->scale[j] = tabs[j];
		else if (sc == MLP_SCALE_ROBUST)
		{
			int64		n;
			double	   *v = SortedTrainValues(&rows->part, j, &n);

			prep->center[j] = SortedQuantile(v, n, 0.5);
			prep->scale[j] = SortedQuantile(v, n, 0.75) - SortedQuantile(v, n, 0.25);
		}
		if (!(prep->scale[j] > 0) || !isfinite(prep->scale[j]))
			prep->scale[j] = 1.0;
		if (prep->impute[j] != MLP_PREP_FILL)
			prep->fill[j] = 0;	/* stored, never used */
	}
}

/*
 * Whether a training variance is rounding noise around a constant:
 * scikit-learn's test in StandardScaler.
 */
static bool
VarianceIsNoise(double var, double mean, double n)
{
	double		eps = DBL_EPSILON;
	double		bound = n * eps * var + (n * mean * eps) * (n * mean * eps);

	return !(var > bound && isfinite(var));
}

/*
 * What the preprocessing takes from the training co-moments: the means
 * of columns without NULLs (their fill), and, where no pass found the
 * training ranges, the refusal of constant columns (from the variance and
 * the loaded ranges, all rows).
 */
static void
FinishPrep(PrepFit *fit, const double *st, char **names, const MlpSummary *sum)
{
	int			k = COMOM_K(st);
	double		n = COMOM_N(st);
	const double *mean = COMOM_MEAN(st);
	const double *C = COMOM_C(st);

	/* the target's overflow is the solver's to report */
	for (int j = 0; j < k - 1; j++)
	{
		double		var = C[(Size) j * k + j] / n;

		if (fit->mean_later[j])
			fit->prep->fill[j] = mean[j];
		if (!isfinite(var) || !isfinite(mean[j]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("feature column \"%s\" has values too large for float8 arithmetic", names[j]),
					 errdetail("Its variance over the training rows overflows."),
					 errhint("Rescale the feature in a source query.")));
		/*
		 * Without the fill pass, a feature is refused as constant when its
		 * variance is exactly 0 or every row has one value; a variance
		 * within rounding noise of its mean only gets scale 1 (below), as
		 * scikit-learn's StandardScaler does.
		 */
		if (!fit->ranged && (var == 0 || sum->min[j] == sum->max[j]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("feature column \"%s\" is constant in the training rows", names[j]),
					 errdetail("Every training row has the value %g.", mean[j]),
					 errhint("Leave it out with exclude => ARRAY['%s'].", names[j])));
	}
}

/* Co-moments in the coordinates of a fitted centre and scale. */
static void
ScaleComomentsWith(double *st, const MlpPrep *prep)
{
	int			k = COMOM_K(st);
	int			p = k - 1;
	double	   *mean = COMOM_MEAN(st);
	double	   *C = COMOM_C(st);

	for (int j = 0; j < k; j++)
	{
		double		sj = (j < p) ? prep->scale[j] : 1.0;

		for (int i = 0; i <= j; i++)
		{
			double		si = (i < p) ? prep->scale[i] : 1.0;

			C[(Size) j * k + i] /= si * sj;
		}
		if (j < p)
			mean[j] = (mean[j] - prep->center[j]) / sj;
	}
}

/*
 * The standard scaler's centre and scale come from the training
 * co-moments; then the co-moments are rewritten for the scaled features:
 * mean' = (mean - centre) / scale, C'_ij = C_ij / (scale_i scale_j).
 */
static void
ScaleComoments(double *st, const PrepFit *fit)
{
	MlpPrep    *prep = fit->prep;
	int			k = COMOM_K(st);
	int			p = k - 1;
	double		n = COMOM_N(st);
	double	   *mean = COMOM_MEAN(st);
	double	   *C = COMOM_C(st);

	for (int j = 0; j < p; j++)
	{
		if (fit->scale[j] == MLP_SCALE_STANDARD)
		{
			double		var = C[(Size) j * k + j] / n;

			prep->center[j] = mean[j];
			prep->scale[j] = VarianceIsNoise(var, mean[j], n) ? 1.0 : sqrt(var);
		}
		else if ((fit->scale[j] == MLP_SCALE_NONE || fit->scale[j] == MLP_SCALE_MAXABS) &&
				 !fit->onehot[j])
		{
			/*
			 * Centred at the training mean all the same: with an intercept
			 * a linear model's coefficients do not change, but the
			 * intercept and every prediction then work near the data
			 * (1e15 + x loses x to the intercept otherwise).  Reported
			 * coefficients are on the original scale as always.
			 */
			prep->center[j] = mean[j];
		}
	}
	ScaleComomentsWith(st, prep);
}

/* what RowsResidualScaled needs: the rows and the scales */
typedef struct ScaledResidual
{
	TrainRows  *rows;
	const MlpPrep *prep;
} ScaledResidual;

/*
 * The residual in scaled coordinates: the data stay in their own units, so
 * b = b' / scale there, and g' = g / scale.
 */
static void
RowsResidualScaled(void *arg, const double *coef, double *g)
{
	ScaledResidual *sr = arg;
	int			p = sr->prep->p;
	double	   *b = palloc(sizeof(double) * p);

	for (int j = 0; j < p; j++)
		b[j] = coef[j] / sr->prep->scale[j];
	RowsResidual(sr->rows, b, g);
	for (int j = 0; j < p; j++)
		g[j] /= sr->prep->scale[j];
	pfree(b);
}

/*
 * Keep the k best features (select.c): the co-moments, the rows, their
 * means and the scaling the fit and the evaluation use shrink to them.
 * Returns the co-moments of the chosen features; *selected gets their
 * indexes among all features.
 */
static double *
SelectFeatures(TrainRows *rows, const MlpEngineer *eng, const double *rawvar,
			   double *st, ScaledResidual *sres, int **selected)
{
	int			p = rows->cols.p;
	int			k = eng->select_k;
	int		   *sel = palloc(sizeof(int) * k);
	double	   *sub = palloc(sizeof(double) * COMOM_LEN(k + 1));
	MlpPrep    *fp = palloc0(sizeof(MlpPrep));
	double	   *center = palloc(sizeof(double) * (k + 1));

	Assert(rows->par == NULL && rows->part.colmap == NULL);
	if (k >= p)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("preprocess \"select\" keeps %d features, but there are only %d", k, p),
				 errhint("Use a k below %d.", p)));
	MlpSelectFeatures(eng->select, k, rawvar, st, &rows->part, sel);
	MlpSubsetComoments(st, sel, k, sub);
	MlpKeepColumns(&rows->part, sel, k);
	fp->p = k;
	fp->center = palloc(sizeof(double) * k);
	fp->scale = palloc(sizeof(double) * k);
	for (int i = 0; i < k; i++)
	{
		fp->center[i] = sres->prep->center[sel[i]];
		fp->scale[i] = sres->prep->scale[sel[i]];
		center[i] = rows->center[sel[i]];
	}
	center[k] = rows->center[p];
	rows->center = center;
	sres->prep = fp;
	*selected = sel;
	return sub;
}

/*
 * Whether a new model should go live under the if_better rule: a higher
 * test metric (r2, or a classifier's accuracy) than the live model's.
 */
static bool
IsBetter(int64 project_id, int64 model_id, const char *metric)
{
	int64		live = CatalogLiveModel(project_id);
	double		new_r2;
	double		live_r2;

	if (live == 0)
		return true;
	if (!CatalogGetMetric(model_id, "test", metric, &new_r2) || isnan(new_r2))
		return false;
	if (!CatalogGetMetric(live, "test", metric, &live_r2) || isnan(live_r2))
		return true;
	return new_r2 > live_r2;
}

/* one fold's held-out metrics, kept until the model has an id */
typedef struct CvFold
{
	MlpClassEval ce;
	MlpRegMetrics rm;
} CvFold;

/*
 * k-fold cross-validation over the training rows already loaded: each fold
 * is held out in turn (is_test 1, the test split's rows MLP_ROW_OUT), the
 * model refitted on the other folds with the preparation fitted on the
 * whole training split, and scored on the fold.  The folds come from a
 * seeded shuffle; a classifier's rows are grouped by class first, so each
 * class spreads evenly over the folds (stratified).
 */
static CvFold *
CrossValidate(TrainRows *rows, const MlpEstimator *est, const double *hp,
			  ScaledResidual *sres, int nfolds, int64 seed, bool classify)
{
	MlpPart    *part = &rows->part;
	int64		n = part->m.nrows;
	uint8	   *orig = part->is_test;
	int64		orig_ntest = part->ntest;
	const double *orig_center = rows->center;
	const double *y = PartCol(part, part->p);
	int			k = part->p + 1;
	uint8	   *mask = MemoryContextAllocExtended(CurrentMemoryContext, (Size) Max(n, 1),
												  MCXT_ALLOC_HUGE);
	int		   *fold = MemoryContextAllocExtended(CurrentMemoryContext,
												  mul_size(sizeof(int), (Size) Max(n, 1)),
												  MCXT_ALLOC_HUGE);
	int64	   *order = MemoryContextAllocExtended(CurrentMemoryContext,
												   mul_size(sizeof(int64), (Size) Max(n, 1)),
												   MCXT_ALLOC_HUGE);
	int64		ntrain = 0;
	uint64		rng = (uint64) seed;
	CvFold	   *out = palloc0(sizeof(CvFold) * nfolds);
	MemoryContext foldcxt;

	for (int64 i = 0; i < n; i++)
		if (!orig[i])
			order[ntrain++] = i;
	if (nfolds > ntrain)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cv_folds is %d, but the training split has %lld rows",
						nfolds, (long long) ntrain),
				 errhint("Use fewer folds, or more training rows.")));
	for (int64 i = ntrain - 1; i > 0; i--)
	{
		int64		j = (int64) (MlpRandomNext(&rng) % (uint64) (i + 1));
		int64		t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	if (classify)
	{
		/* a stable counting sort by class keeps the shuffle within a class */
		int64	   *start = palloc0(sizeof(int64) * (rows->nclasses + 1));
		int64	   *sorted = MemoryContextAllocExtended(CurrentMemoryContext,
														mul_size(sizeof(int64), (Size) Max(ntrain, 1)),
														MCXT_ALLOC_HUGE);

		for (int64 j = 0; j < ntrain; j++)
			start[(int) y[order[j]] + 1]++;
		for (int c = 0; c < rows->nclasses; c++)
			start[c + 1] += start[c];
		for (int64 j = 0; j < ntrain; j++)
			sorted[start[(int) y[order[j]]]++] = order[j];
		/* a class with one training row would be missing from a fold's fit */
		for (int c = 0; c < rows->nclasses; c++)
			if (start[c] - (c > 0 ? start[c - 1] : 0) < 2)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("class \"%s\" has one training row, too few for cross-validation",
								rows->classes[c]),
						 errhint("Each class needs at least 2 training rows with cv_folds.")));
		pfree(order);
		pfree(start);
		order = sorted;
	}
	for (int64 j = 0; j < ntrain; j++)
		fold[order[j]] = (int) (j % nfolds);

	foldcxt = AllocSetContextCreate(CurrentMemoryContext, "mlpipe cv fold",
									ALLOCSET_DEFAULT_SIZES);
	for (int f = 0; f < nfolds; f++)
	{
		int64		held = 0;
		const double *center = sres->prep->center;
		const double *scale = sres->prep->scale;
		MemoryContext old;
		void	   *state;

		for (int64 i = 0; i < n; i++)
		{
			if ((i & 0xffff) == 0)
				CHECK_FOR_INTERRUPTS();
			mask[i] = orig[i] ? MLP_ROW_OUT : (fold[i] == f ? 1 : 0);
			held += mask[i] != 0;
		}
		part->is_test = mask;
		part->ntest = held;
		old = MemoryContextSwitchTo(foldcxt);
		if (classify)
		{
			MlpClassEval fit_ce;
			MlpClassEval held_ce;

			state = est->fit_rows(est, part, center, scale, rows->nclasses, hp);
			PartClassEvaluate(part, est, state, center, scale, rows->nclasses,
							  &fit_ce, &held_ce);
			/* the held-out fold's accumulator lives on, the rest goes */
			MemoryContextSwitchTo(old);
			out[f].ce = held_ce;
			out[f].ce.cm = palloc(sizeof(double) * rows->nclasses * rows->nclasses);
			memcpy(out[f].ce.cm, held_ce.cm, sizeof(double) * rows->nclasses * rows->nclasses);
			if (held_ce.nscore > 0)
			{
				out[f].ce.score = palloc(mul_size(sizeof(double), (Size) held_ce.nscore));
				out[f].ce.label = palloc(mul_size(sizeof(double), (Size) held_ce.nscore));
				memcpy(out[f].ce.score, held_ce.score, sizeof(double) * held_ce.nscore);
				memcpy(out[f].ce.label, held_ce.label, sizeof(double) * held_ce.nscore);
			}
			else
				out[f].ce.score = out[f].ce.label = NULL;
			out[f].ce.cap = held_ce.nscore;
		}
		else
		{
			double	   *st = palloc(sizeof(double) * COMOM_LEN(k));
			double	   *te = palloc(sizeof(double) * COMOM_LEN(k));
			double	   *fold_center = palloc(sizeof(double) * k);
			double		tr_ms[REGM_LEN];
			double		te_ms[REGM_LEN];

			PartComoments(part, st, te);
			/* the residual centres on the fold's own training means */
			memcpy(fold_center, COMOM_MEAN(st), sizeof(double) * k);
			rows->center = fold_center;
			ScaleComomentsWith(st, sres->prep);
			state = est->fit_stats(est, st, hp, RowsResidualScaled, sres);
			PartEvaluate(part, est, state, center, scale, tr_ms, te_ms);
			out[f].rm = RegMetricsFinal(te_ms);
			MemoryContextSwitchTo(old);
		}
		MemoryContextReset(foldcxt);
	}
	MemoryContextDelete(foldcxt);
	part->is_test = orig;
	part->ntest = orig_ntest;
	rows->center = orig_center;
	pfree(mask);
	pfree(fold);
	pfree(order);
	return out;
}

/* the folds' overall metrics by name, for their mean and deviation */
typedef struct CvCollect
{
	int			fold;
	int			nfolds;
	int			n;
	const char *names[64];
	double	   *values[64];
} CvCollect;

/* Keep one fold's metric that is not per class. */
static void
CvCollectMetric(void *arg, const char *metric, const char *cls, double value)
{
	CvCollect  *c = arg;
	int			i;

	if (cls != NULL)
		return;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->names[i], metric) == 0)
			break;
	if (i == c->n)
	{
		if (c->n == lengthof(c->names))
			return;
		c->names[c->n] = pstrdup(metric);
		c->values[c->n] = palloc(sizeof(double) * c->nfolds);
		for (int f = 0; f < c->nfolds; f++)
			c->values[c->n][f] = NAN;
		c->n++;
	}
	c->values[i][c->fold] = value;
}

/*
 * Store each fold's metrics (split cv_fold_<n>) and, per metric, the mean
 * and the standard deviation over the folds (splits cv_mean and cv_std;
 * the deviation is numpy's std, over the k folds); the means and
 * deviations go into the returned JSON too.
 */
static void
CvStore(int64 model_id, CvFold *folds, int nfolds, bool classify, char **classes,
		StringInfo js)
{
	CvCollect	c;
	StringInfoData scratch;

	memset(&c, 0, sizeof(c));
	c.nfolds = nfolds;
	initStringInfo(&scratch);
	for (int f = 0; f < nfolds; f++)
	{
		char	   *split = psprintf("cv_fold_%d", f + 1);

		c.fold = f;
		resetStringInfo(&scratch);
		if (classify)
			ClassEvalStore(model_id, split, &folds[f].ce, classes, &scratch,
						   CvCollectMetric, &c);
		else
		{
			StoreMetrics(model_id, split, folds[f].rm, &scratch);
			CvCollectMetric(&c, "mse", NULL, folds[f].rm.mse);
			CvCollectMetric(&c, "rmse", NULL, folds[f].rm.rmse);
			CvCollectMetric(&c, "mae", NULL, folds[f].rm.mae);
			CvCollectMetric(&c, "r2", NULL, folds[f].rm.r2);
		}
	}
	appendStringInfo(js, ", \"cv\": {\"folds\": %d", nfolds);
	for (int which = 0; which < 2; which++)
	{
		appendStringInfo(js, ", \"%s\": {", which == 0 ? "mean" : "std");
		for (int i = 0; i < c.n; i++)
		{
			double		mean = 0;
			double		ss = 0;
			double		v;

			for (int f = 0; f < nfolds; f++)
				mean += c.values[i][f];
			mean /= nfolds;
			for (int f = 0; f < nfolds; f++)
				ss += (c.values[i][f] - mean) * (c.values[i][f] - mean);
			v = which == 0 ? mean : sqrt(ss / nfolds);
			CatalogInsertMetric(model_id, which == 0 ? "cv_mean" : "cv_std", c.names[i], NULL, v);
			if (i > 0)
				appendStringInfoString(js, ", ");
			escape_json(js, c.names[i]);
			appendStringInfoString(js, ": ");
			MlpAppendJsonNumber(js, v);
		}
		appendStringInfoChar(js, '}');
	}
	appendStringInfoChar(js, '}');
}

/*
 * mlpipe_train(project, source, target, algorithm, task, hyperparams,
 *				preprocess, features, exclude, test_size, split, seed, deploy,
 *				cv_folds)
 */
Datum
mlpipe_train(PG_FUNCTION_ARGS)
{
	char	   *project = RequiredText(fcinfo, 0, "project");
	char	   *source = RequiredText(fcinfo, 1, "source");
	char	   *target = RequiredText(fcinfo, 2, "target");
	char	   *algorithm = PG_ARGISNULL(3) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(3));
	char	   *task = PG_ARGISNULL(4) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(4));
	Jsonb	   *hpjson = PG_ARGISNULL(5) ? NULL : PG_GETARG_JSONB_P(5);
	Jsonb	   *prepjson = PG_ARGISNULL(6) ? NULL : PG_GETARG_JSONB_P(6);
	List	   *features = TextArrayList(fcinfo, 7, "features");
	List	   *exclude = TextArrayList(fcinfo, 8, "exclude");
	double		test_size;
	int64		seed;
	char	   *split = RequiredText(fcinfo, 10, "split");
	char	   *deploy = RequiredText(fcinfo, 12, "deploy");
	int			cv_folds = PG_ARGISNULL(13) ? 0 : PG_GETARG_INT32(13);
	CvFold	   *cv = NULL;
	const MlpEstimator *est;
	double	   *hp;
	MlpSourceSpec spec;
	TrainRows	rows;
	int64		ntrain;
	int64		ntest;
	int			k;
	double	   *train_st;
	double	   *test_st;
	double		train_ms[REGM_LEN];
	double		test_ms[REGM_LEN];
	MlpModel	model;
	MlpPrep    *prep = NULL;
	PrepFit		pfit;
	MlpEngineer eng;
	double	   *rawvar = NULL;
	int		   *selected = NULL;
	ScaledResidual sres;
	TimestampTz start = GetCurrentTimestamp();
	double		seconds;
	MlpRegMetrics train_m;
	MlpRegMetrics test_m = {0};
	MlpClassEval train_ce;
	MlpClassEval test_ce;
	StringInfoData specjs;
	StringInfoData metricsjs;
	MlpNewModel nm;
	int64		project_id;
	int64		model_id;
	int32		version;
	bool		deployed = false;
	TupleDesc	rettd;
	Datum		values[7];
	bool		nulls[7] = {0};
	MemoryContext traincxt;
	MemoryContext oldcxt;

	if (PG_ARGISNULL(9))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("test_size must not be NULL")));
	test_size = PG_GETARG_FLOAT8(9);
	if (PG_ARGISNULL(11))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("seed must not be NULL")));
	seed = PG_GETARG_INT64(11);
	memset(&spec, 0, sizeof(spec));
	MlpParseSplit(split, &spec);
	spec.prep = MlpPrepDefaults(MlpParsePrep(prepjson, &eng));

	if (project[0] == '\0' || pg_mbstrlen(project) > NAMEDATALEN * 4)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("project name must have between 1 and %d characters",
						NAMEDATALEN * 4)));
	if (task && strcmp(task, "regression") != 0 && strcmp(task, "classification") != 0 &&
		strcmp(task, "clustering") != 0 && strcmp(task, "decomposition") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown task \"%s\"", task),
				 errhint("Tasks: regression, classification, clustering, decomposition.")));
	if (algorithm == NULL)
	{
		/*
		 * The task's default algorithm; without a task, a text, boolean or
		 * enum target means classification, a number regression.
		 */
		bool		classify;

		if (task)
			classify = strcmp(task, "classification") == 0;
		else
		{
			Oid			ttype = MlpSourceColumnType(source, target);

			classify = OidIsValid(ttype) && (MlpIsCategoryType(ttype) ||
											 MlpNumKindOf(ttype) == MLP_NUM_BOOL);
		}
		algorithm = classify ? "naive_bayes" : "linear_regression";
	}
	est = MlpFindEstimator(algorithm);
	if (est == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown algorithm \"%s\"", algorithm),
				 errhint("Available algorithms: %s.", MlpAlgorithmList())));
	if (task && strcmp(task, MlpTaskName(est->task)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("algorithm \"%s\" does not do %s", algorithm, task)));
	if (!(test_size >= 0 && test_size < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("test_size must be at least 0 and less than 1")));
	if (strcmp(deploy, "if_better") != 0 && strcmp(deploy, "always") != 0 &&
		strcmp(deploy, "never") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown deploy mode \"%s\"", deploy),
				 errhint("Use if_better, always or never.")));
	if (cv_folds != 0 && (cv_folds < 2 || cv_folds > 100))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cv_folds must be 0 (no cross-validation) or between 2 and 100"),
				 errdetail("It is %d.", cv_folds)));
	hp = palloc(sizeof(double) * Max(est->nparams, 1));
	MlpParseHyperparams(est, hpjson, hp);

	traincxt = AllocSetContextCreate(CurrentMemoryContext, "mlpipe train",
									 ALLOCSET_DEFAULT_SIZES);
	oldcxt = MemoryContextSwitchTo(traincxt);

	/* load and split: each row's seeded hash decides its side */
	spec.source = source;
	spec.target = target;
	spec.classification = est->task == MLP_TASK_CLASSIFICATION;
	if (spec.classification)
		CheckClassifierPrep(&spec, &eng);
	spec.features = features;
	spec.exclude = exclude;
	memset(&rows, 0, sizeof(rows));
	LoadRows(&rows, &spec, &eng, seed, MlpSplitThreshold(test_size), test_size,
			 cv_folds > 0);
	if (spec.classification)
		ResolveClasses(&rows);
	if (rows.sum.dropped > 0)
		ereport(NOTICE,
				(errmsg("%lld rows with a NULL in a column imputed by \"drop\" were left out",
						(long long) rows.sum.dropped)));
	if (rows.sum.nrows == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source has no rows")));
	CheckTargetNotConstant(&rows);
	if (spec.classification)
		CheckClassesTrained(&rows);
	ntest = rows.sum.ntest;
	ntrain = rows.sum.nrows - ntest;
	if (ntrain <= rows.cols.p)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("training split has %lld rows for %d features",
						(long long) ntrain, rows.cols.p),
				 errdetail("A model needs more training rows than features."),
				 errhint("Use fewer features, more rows, or a smaller test_size.")));
	if (test_size > 0 && ntest == 0)
		ereport(NOTICE,
				(errmsg("no row fell into the test split; metrics are for the training rows only"),
				 errhint("Use more rows or a larger test_size.")));

	/* preprocessing, fitted on the training rows */
	FitPrep(&rows, spec.prep, &eng, &pfit);
	prep = pfit.prep;

	/* fit from the training co-moments */
	k = rows.cols.ncols;
	train_st = palloc(sizeof(double) * COMOM_LEN(k));
	test_st = palloc(sizeof(double) * COMOM_LEN(k));
	if (rows.par)
		MlpParallelComoments(rows.par, train_st, test_st);
	else
		PartComoments(&rows.part, train_st, test_st);
	/* the residual works in the data's own units, centred on its means */
	rows.center = palloc(sizeof(double) * k);
	memcpy((double *) rows.center, COMOM_MEAN(train_st), sizeof(double) * k);
	FinishPrep(&pfit, train_st, rows.cols.names, &rows.sum);
	if (eng.select == MLP_SELECT_VARIANCE)
	{
		/* variances before scaling (standardised ones are all 1) */
		rawvar = palloc(sizeof(double) * rows.cols.p);
		for (int j = 0; j < rows.cols.p; j++)
			rawvar[j] = COMOM_C(train_st)[(Size) j * k + j] / COMOM_N(train_st);
	}
	ScaleComoments(train_st, &pfit);
	sres.rows = &rows;
	sres.prep = prep;
	if (eng.select != MLP_SELECT_NONE)
		train_st = SelectFeatures(&rows, &eng, rawvar, train_st, &sres, &selected);
	if (ntrain <= rows.part.p)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("training split has %lld rows for %d features",
						(long long) ntrain, rows.part.p),
				 errdetail("A model needs more training rows than features; the products made them %d.",
						   rows.part.p),
				 errhint("Use fewer products, more rows, or a smaller test_size.")));
	memset(&model, 0, sizeof(model));
	model.est = est;
	model.task = est->task;
	model.nfeatures = rows.cols.p;
	model.features = rows.cols.names;
	model.feature_types = rows.cols.types;
	model.target = rows.cols.names[rows.cols.p];
	model.target_type = rows.cols.types[rows.cols.p];
	model.prep = prep;
	model.enc = rows.enc;
	model.poly = rows.poly;
	model.nselected = selected ? eng.select_k : 0;
	model.selected = selected;
	model.nclasses = rows.nclasses;
	model.classes = rows.classes;
	if (spec.classification)
	{
		/* a classifier fits from the prepared training rows */
		model.state = est->fit_rows(est, &rows.part, sres.prep->center, sres.prep->scale,
									rows.nclasses, hp);
		seconds = (double) (GetCurrentTimestamp() - start) / 1e6;
		PartClassEvaluate(&rows.part, est, model.state, sres.prep->center, sres.prep->scale,
						  rows.nclasses, &train_ce, &test_ce);
	}
	else
	{
		model.state = est->fit_stats(est, train_st, hp, RowsResidualScaled, &sres);
		seconds = (double) (GetCurrentTimestamp() - start) / 1e6;

		/* evaluate */
		if (rows.par)
		{
			MlpParallelEvaluate(rows.par, est, model.state,
								prep->center, prep->scale,
								train_ms, test_ms);
			MlpParallelEnd(rows.par);
		}
		else
			PartEvaluate(&rows.part, est, model.state,
						 sres.prep->center, sres.prep->scale,
						 train_ms, test_ms);
		train_m = RegMetricsFinal(train_ms);
		if (ntest > 0)
			test_m = RegMetricsFinal(test_ms);
	}

	if (cv_folds > 0)
	{
		ListCell   *lc;

		if (eng.select != MLP_SELECT_NONE && eng.select != MLP_SELECT_VARIANCE)
			ereport(NOTICE,
					(errmsg("feature selection is fitted once on the whole training split, so the folds' scores are optimistic"),
					 errdetail("The selection saw the held-out folds' targets.")));
		foreach(lc, spec.prep)
		{
			const MlpPrepSpec *ps = lfirst(lc);

			if (ps->has_method && ps->encode == MLP_ENCODE_TARGET)
				ereport(NOTICE,
						(errmsg("target encoding of \"%s\" is fitted once on the whole training split, so the folds' scores are optimistic",
								ps->column),
						 errdetail("The encoding saw the held-out folds' targets.")));
		}
		cv = CrossValidate(&rows, est, hp, &sres, cv_folds, seed, spec.classification);
	}

	/* the training spec: enough to retrain later */
	initStringInfo(&specjs);
	appendStringInfoString(&specjs, "{\"source\": ");
	escape_json(&specjs, source);
	appendStringInfoString(&specjs, ", \"target\": ");
	escape_json(&specjs, target);
	appendStringInfoString(&specjs, ", \"algorithm\": ");
	escape_json(&specjs, algorithm);
	appendStringInfo(&specjs, ", \"task\": \"%s\", \"hyperparams\": %s, \"features\": ",
					 MlpTaskName(est->task), MlpHyperparamsJson(est, hp));
	AppendJsonList(&specjs, features, !PG_ARGISNULL(7));
	appendStringInfoString(&specjs, ", \"exclude\": ");
	AppendJsonList(&specjs, exclude, !PG_ARGISNULL(8));
	appendStringInfo(&specjs, ", \"preprocess\": %s", MlpPrepJson(spec.prep, &eng));
	appendStringInfoString(&specjs, ", \"test_size\": ");
	MlpAppendJsonNumber(&specjs, test_size);
	appendStringInfo(&specjs, ", \"seed\": " INT64_FORMAT ", \"split\": ", seed);
	escape_json(&specjs, MlpSplitText(&spec));
	if (cv_folds > 0)
		appendStringInfo(&specjs, ", \"cv_folds\": %d", cv_folds);
	appendStringInfoChar(&specjs, '}');

	/* store */
	memset(&nm, 0, sizeof(nm));
	nm.algorithm = est->name;
	nm.task = MlpTaskName(est->task);
	nm.hyperparams = MlpHyperparamsJson(est, hp);
	nm.spec = specjs.data;
	nm.nfeatures = rows.cols.p;
	nm.features = rows.cols.names;
	nm.feature_types = rows.cols.types;
	nm.target = rows.cols.names[rows.cols.p];
	nm.n_train = ntrain;
	nm.n_test = ntest;
	nm.train_seconds = seconds;
	nm.format_version = MLP_FORMAT_VERSION;
	nm.model = MlpModelSerialize(&model);

	initStringInfo(&metricsjs);
	appendStringInfoChar(&metricsjs, '{');
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	project_id = CatalogLockProject(project, nm.task, true);
	nm.project_id = project_id;
	CatalogInsertModel(&nm, &model_id, &version);
	if (spec.classification)
	{
		if (ntest > 0)
		{
			ClassEvalStore(model_id, "test", &test_ce, rows.classes, &metricsjs, NULL, NULL);
			appendStringInfoString(&metricsjs, ", ");
		}
		ClassEvalStore(model_id, "train", &train_ce, rows.classes, &metricsjs, NULL, NULL);
	}
	else
	{
		if (ntest > 0)
		{
			StoreMetrics(model_id, "test", test_m, &metricsjs);
			appendStringInfoString(&metricsjs, ", ");
		}
		StoreMetrics(model_id, "train", train_m, &metricsjs);
	}
	if (cv)
		CvStore(model_id, cv, cv_folds, spec.classification, rows.classes, &metricsjs);
	appendStringInfoChar(&metricsjs, '}');
	/* rows whose category the model does not know, per split (for drift) */
	for (int i = 0; rows.enc && i < rows.enc->ninputs; i++)
		if (rows.enc->inputs[i].textual)
		{
			char	   *metric = psprintf("unseen:%s", rows.enc->inputs[i].name);

			CatalogInsertMetric(model_id, "train", metric, NULL, (double) rows.unseen_train[i]);
			if (ntest > 0)
				CatalogInsertMetric(model_id, "test", metric, NULL, (double) rows.unseen_test[i]);
		}

	if (strcmp(deploy, "always") == 0 ||
		(strcmp(deploy, "if_better") == 0 &&
		 IsBetter(project_id, model_id, spec.classification ? "accuracy" : "r2")))
	{
		CatalogDeploy(project_id, project, model_id, deploy);
		deployed = true;
	}
	SPI_finish();

	/* the result row, built outside the training context */
	MemoryContextSwitchTo(oldcxt);
	if (get_call_result_type(fcinfo, NULL, &rettd) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "mlpipe_train must return a row");
	rettd = BlessTupleDesc(rettd);
	values[0] = Int64GetDatum(model_id);
	values[1] = CStringGetTextDatum(project);
	values[2] = Int32GetDatum(version);
	values[3] = CStringGetTextDatum(est->name);
	values[4] = CStringGetTextDatum(MlpTaskName(est->task));
	values[5] = DirectFunctionCall1(jsonb_in, CStringGetDatum(metricsjs.data));
	values[6] = BoolGetDatum(deployed);
	MemoryContextDelete(traincxt);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(rettd, values, nulls)));
}
