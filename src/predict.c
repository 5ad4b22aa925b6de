/*
 * predict.c
 *	  Scoring inside queries: mlpipe_predict and mlpipe_coefficients, and the
 *	  per-backend cache of deserialized models.
 *
 * A call site resolves its project to a model once per statement (the
 * FmgrInfo lives as long as the statement); the deserialized model itself
 * is cached for the life of the backend and revalidated by the catalog
 * row's ctid and xmin, which change whenever the row does.
 */
#include "postgres.h"

#include <math.h>

#include "access/xact.h"
#include "storage/proc.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/typcache.h"

#include "catalog.h"
#include "model.h"
#include "source.h"

PG_FUNCTION_INFO_V1(mlpipe_predict_row);
PG_FUNCTION_INFO_V1(mlpipe_predict_array);
PG_FUNCTION_INFO_V1(mlpipe_predict_jsonb);
PG_FUNCTION_INFO_V1(mlpipe_coefficients);
PG_FUNCTION_INFO_V1(mlpipe_predict_proba_row);
PG_FUNCTION_INFO_V1(mlpipe_predict_proba_array);
PG_FUNCTION_INFO_V1(mlpipe_predict_proba_jsonb);
PG_FUNCTION_INFO_V1(mlpipe_predict_class_row);
PG_FUNCTION_INFO_V1(mlpipe_predict_class_array);
PG_FUNCTION_INFO_V1(mlpipe_predict_class_jsonb);
PG_FUNCTION_INFO_V1(mlpipe_classes);

#define MODEL_CACHE_MAX 64

typedef struct CachedModel
{
	int64		model_id;		/* hash key */
	ItemPointerData ctid;
	TransactionId xmin;
	MlpModel   *model;
} CachedModel;

/* what one call site keeps for the rest of its statement */
typedef struct PredictCall
{
	bool		by_name;
	char	   *project;		/* the argument last resolved */
	int64		model_arg;
	MlpModel   *model;
	/* when the model was resolved: revalidate after any of these change */
	LocalTransactionId lxid;
	CommandId	cid;
	uint64		generation;
	double	   *x;
	struct LinearFold *fold;	/* NULL: the estimator predicts (FoldLinear) */
	/* row input: attribute of each feature in the last row type seen */
	Oid			rowtype;
	int32		rowtypmod;
	TupleDesc	rowdesc;		/* a copy, owned by the call site */
	int		   *attmap;
	MlpNumKind *kinds;
	Oid		   *outfunc;		/* categorical inputs: output function */
	Datum	   *values;
	bool	   *nulls;
} PredictCall;

/* a linear model's coefficients over the features it uses, per unscaled unit */
typedef struct LinearFold
{
	double		b0;				/* the intercept */
	int			n;
	int		   *idx;			/* the features used */
	double	   *w;				/* b / scale */
	double	   *c;				/* centre */
} LinearFold;

static LinearFold *FoldLinear(const MlpModel *m, MemoryContext cxt);
static inline void FinishFeatures(const MlpModel *m, double *x);

static HTAB *model_cache = NULL;
static MemoryContext cache_cxt = NULL;

/* bumped whenever a cached model is freed, so call sites drop pointers */
static uint64 cache_generation = 0;

/*
 * The model with this id, from the cache when its catalog row is unchanged.
 * The caller is connected to SPI; the model stays valid until another load
 * replaces a cached entry (see cache_generation).
 */
MlpModel *
MlpLoadModel(int64 model_id)
{
	MlpStoredModel sm;
	CachedModel *entry;
	bool		found;
	MlpModel   *m;

	if (model_cache == NULL)
	{
		HASHCTL		ctl;

		cache_cxt = AllocSetContextCreate(TopMemoryContext, "mlpipe model cache",
										  ALLOCSET_DEFAULT_SIZES);
		ctl.keysize = sizeof(int64);
		ctl.entrysize = sizeof(CachedModel);
		ctl.hcxt = cache_cxt;
		model_cache = hash_create("mlpipe models", 16, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}

	CatalogFetchModel(model_id, &sm);
	entry = hash_search(model_cache, &model_id, HASH_FIND, NULL);
	if (entry && ItemPointerEquals(&entry->ctid, &sm.ctid) &&
		entry->xmin == sm.xmin)
		return entry->model;

	/* deserialize first: a corrupt model must not evict a good entry */
	m = MlpModelDeserialize((bytea *) PG_DETOAST_DATUM(sm.model), cache_cxt);
	m->model_id = model_id;
	if (entry == NULL && hash_get_num_entries(model_cache) >= MODEL_CACHE_MAX)
	{
		HASH_SEQ_STATUS seq;
		CachedModel *e;

		/* simple and bounded: drop everything and start again */
		cache_generation++;
		hash_seq_init(&seq, model_cache);
		while ((e = hash_seq_search(&seq)) != NULL)
		{
			MemoryContextDelete(e->model->mcxt);
			hash_search(model_cache, &e->model_id, HASH_REMOVE, NULL);
		}
	}
	entry = hash_search(model_cache, &model_id, HASH_ENTER, &found);
	if (found)
	{
		cache_generation++;
		MemoryContextDelete(entry->model->mcxt);
	}
	entry->ctid = sm.ctid;
	entry->xmin = sm.xmin;
	entry->model = m;
	return m;
}

/*
 * The call site's state, with the model of argument 0 resolved.  The
 * resolution is reused while the arguments, the transaction and the command
 * id are unchanged (that is, within one statement, also inside PL/pgSQL
 * loops that keep expression state between statements), and while no
 * cached model has been freed.
 */
static PredictCall *
ResolveCall(FunctionCallInfo fcinfo)
{
	PredictCall *pc = fcinfo->flinfo->fn_extra;
	Oid			argtype;
	bool		by_name;
	text	   *name = NULL;
	char	   *project = NULL;
	int64		model_arg = 0;

	/* the common case, once per row: nothing changed since the last call */
	if (pc && pc->model && pc->lxid == MyProc->lxid &&
		pc->cid == GetCurrentCommandId(false) &&
		pc->generation == cache_generation)
	{
		if (!pc->by_name && PG_GETARG_INT64(0) == pc->model_arg)
			return pc;
		if (pc->by_name)
		{
			name = PG_GETARG_TEXT_PP(0);
			if (VARSIZE_ANY_EXHDR(name) == strlen(pc->project) &&
				memcmp(VARDATA_ANY(name), pc->project, VARSIZE_ANY_EXHDR(name)) == 0)
				return pc;
		}
	}

	argtype = get_fn_expr_argtype(fcinfo->flinfo, 0);
	if (argtype != INT8OID && argtype != TEXTOID)
		elog(ERROR, "mlpipe_predict called without a known first argument type");
	by_name = (argtype == TEXTOID);
	if (by_name)
		project = text_to_cstring(PG_GETARG_TEXT_PP(0));
	else
		model_arg = PG_GETARG_INT64(0);

	if (pc == NULL)
	{
		pc = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(PredictCall));
		fcinfo->flinfo->fn_extra = pc;
	}
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	pc->model = NULL;
	pc->model = MlpLoadModel(by_name ? CatalogResolveProject(project) : model_arg);
	SPI_finish();
	pc->lxid = MyProc->lxid;
	pc->cid = GetCurrentCommandId(false);
	pc->generation = cache_generation;

	pc->by_name = by_name;
	if (pc->project)
		pfree(pc->project);
	pc->project = by_name ? MemoryContextStrdup(fcinfo->flinfo->fn_mcxt, project) : NULL;
	pc->model_arg = model_arg;
	pc->rowtype = InvalidOid;
	if (pc->x)
		pfree(pc->x);
	pc->x = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt,
							   sizeof(double) * pc->model->nfeatures);
	if (pc->fold)
	{
		pfree(pc->fold->idx);
		pfree(pc->fold->w);
		pfree(pc->fold->c);
		pfree(pc->fold);
	}
	pc->fold = FoldLinear(pc->model, fcinfo->flinfo->fn_mcxt);
	return pc;
}

/*
 * For a linear model, its coefficients per unscaled feature, b_j / scale_j,
 * for the features it uses (all, or the selected ones); NULL for other
 * estimators.  The prediction is then b0 + sum w_j (u_j - centre_j): one
 * subtraction and one multiply-add per feature and row, no division, and
 * centring before the product keeps the digits that folding the centres
 * into the intercept would cancel.
 */
static LinearFold *
FoldLinear(const MlpModel *m, MemoryContext cxt)
{
	LinearFold *f;
	const double *b;
	int			k = m->selected ? m->nselected : m->nfeatures;

	if (m->est->linear_view == NULL)
		return NULL;
	f = MemoryContextAlloc(cxt, sizeof(LinearFold));
	b = m->est->linear_view(m->state, &f->b0);
	f->n = k;
	f->idx = MemoryContextAlloc(cxt, sizeof(int) * Max(k, 1));
	f->w = MemoryContextAlloc(cxt, sizeof(double) * Max(k, 1));
	f->c = MemoryContextAlloc(cxt, sizeof(double) * Max(k, 1));
	for (int i = 0; i < k; i++)
	{
		int			j = m->selected ? m->selected[i] : i;

		f->idx[i] = j;
		f->w[i] = b[i] / (m->prep ? m->prep->scale[j] : 1.0);
		f->c[i] = m->prep ? m->prep->center[j] : 0.0;
	}
	return f;
}

/* The prediction from the prepared, unscaled features in pc->x. */
static inline double
PredictPrepared(PredictCall *pc)
{
	const MlpModel *m = pc->model;
	const LinearFold *f = pc->fold;
	double		a[4] = {0, 0, 0, 0};
	int			i = 0;

	if (f == NULL)
	{
		FinishFeatures(m, pc->x);
		return m->est->predict(m->state, pc->x);
	}
	if (m->poly)
		MlpPolyRow(m->poly, pc->x);
	for (; i + 4 <= f->n; i += 4)
	{
		a[0] += f->w[i] * (pc->x[f->idx[i]] - f->c[i]);
		a[1] += f->w[i + 1] * (pc->x[f->idx[i + 1]] - f->c[i + 1]);
		a[2] += f->w[i + 2] * (pc->x[f->idx[i + 2]] - f->c[i + 2]);
		a[3] += f->w[i + 3] * (pc->x[f->idx[i + 3]] - f->c[i + 3]);
	}
	for (; i < f->n; i++)
		a[i & 3] += f->w[i] * (pc->x[f->idx[i]] - f->c[i]);
	return f->b0 + ((a[0] + a[1]) + (a[2] + a[3]));
}

/* A NULL where the model has no fill value for feature j: an error naming name. */
static void
CheckFillable(const MlpModel *m, int j, const char *name)
{
	if (m->prep == NULL || m->prep->impute[j] != MLP_PREP_FILL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("feature \"%s\" is NULL", name),
				 errhint("Every feature the model was trained on needs a value, unless it was imputed in training.")));
}

/*
 * A feature's value before scaling: a NULL takes the fitted fill value
 * where the feature was imputed in training (else an error), any other
 * value its transform.  FinishFeatures scales once every value is in.
 */
static inline double
Prepare(const MlpModel *m, int j, bool isnull, double v)
{
	if (isnull)
	{
		CheckFillable(m, j, m->features[j]);
		v = m->prep->fill[j];
	}
	else if (m->prep && m->prep->transform)
		v = MlpTransformValue(m->prep, j, v, m->features[j]);
	return v;
}

/*
 * From prepared values to what the estimator takes: the products of the
 * imputed values first, then the fitted scaling of every feature, then the
 * selection.
 */
static inline void
FinishFeatures(const MlpModel *m, double *x)
{
	if (m->poly)
		MlpPolyRow(m->poly, x);
	if (m->prep)
		for (int j = 0; j < m->nfeatures; j++)
			x[j] = (x[j] - m->prep->center[j]) / m->prep->scale[j];
	/* the selected features, moved to the front (ascending: none is lost) */
	for (int i = 0; i < m->nselected; i++)
		x[i] = x[m->selected[i]];
}

/* A finite value or an error naming the feature. */
static inline double
CheckFinite(const char *feature, double v)
{
	if (unlikely(!isfinite(v)))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("feature \"%s\" is %s", feature, isnan(v) ? "NaN" : "Infinity")));
	return v;
}

/*
 * How many input columns a model reads: its inputs, or else its features
 * before the products.
 */
static inline int
NumInputs(const MlpModel *m)
{
	return m->enc ? m->enc->ninputs : m->poly ? m->poly->nbase : m->nfeatures;
}

/* The name of input column i. */
static inline const char *
InputName(const MlpModel *m, int i)
{
	return m->enc ? m->enc->inputs[i].name : m->features[i];
}

/* Whether input column i is categorical (read as text, however encoded). */
static inline bool
InputCategorical(const MlpModel *m, int i)
{
	return m->enc && m->enc->inputs[i].textual;
}

/*
 * Set the features of categorical input i at x from its text: one-hot as
 * they are, an ordinal or target value prepared like a number (an ordinal
 * NULL takes its fill).
 */
static void
PrepareCategory(const MlpModel *m, int i, bool isnull, const char *text, double *x)
{
	const MlpInput *in = &m->enc->inputs[i];

	MlpEncodeCategory(in, isnull, text, x);
	if (!in->categorical)
		x[0] = Prepare(m, in->first, isnan(x[0]), isnan(x[0]) ? 0 : x[0]);
}

/* Whether input column i is a float8[] or real[] of fixed length. */
static inline bool
InputArray(const MlpModel *m, int i)
{
	return m->enc && m->enc->inputs[i].array;
}

/*
 * Set the prepared features of array input i at x from its elements (NaN
 * for a NULL element; a NULL array is all NULL): each element imputed like
 * any feature, named by its column and position.
 */
static void
PrepareArray(const MlpModel *m, int i, const double *v, double *x)
{
	const MlpInput *in = &m->enc->inputs[i];

	for (int k = 0; k < in->width; k++)
	{
		if (isnan(v[k]) && (m->prep == NULL || m->prep->impute[in->first + k] != MLP_PREP_FILL))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("feature \"%s[%d]\" is NULL", in->name, k + 1),
					 errhint("Every feature the model was trained on needs a value, unless it was imputed in training.")));
		x[k] = Prepare(m, in->first + k, isnan(v[k]), isnan(v[k]) ? 0 : v[k]);
	}
}

/* An array input's elements from a SQL array value, checked against the model. */
static void
ArrayInput(const MlpModel *m, int i, bool isnull, Datum d, MlpNumKind kind, double *v)
{
	const MlpInput *in = &m->enc->inputs[i];

	if (isnull)
		for (int k = 0; k < in->width; k++)
			v[k] = NAN;
	else
		(void) MlpArrayElements(d, kind, in->name, in->width, v);
}

/* Whether input column i is a date or timestamp. */
static inline bool
InputDate(const MlpModel *m, int i)
{
	return m->enc && MlpInputIsDate(&m->enc->inputs[i]);
}

/*
 * Set the prepared features of date input i at x from its epoch seconds
 * (NaN for NULL): each part is imputed and scaled like any feature.
 */
static void
PrepareDate(const MlpModel *m, int i, double epoch, double *x)
{
	const MlpInput *in = &m->enc->inputs[i];

	if (!isnan(epoch))
		(void) CheckFinite(in->name, epoch);
	else
		CheckFillable(m, in->first, in->name);	/* named by its column, not a part */
	MlpEncodeDate(in, epoch, x);
	for (int k = 0; k < in->width; k++)
		x[k] = Prepare(m, in->first + k, isnan(x[k]), isnan(x[k]) ? 0 : x[k]);
}

/* The feature an input column's value goes to first. */
static inline int
InputFeature(const MlpModel *m, int i)
{
	return m->enc ? m->enc->inputs[i].first : i;
}

/* "a, b, c": the model's input columns, for hints. */
static char *
FeatureList(const MlpModel *m)
{
	StringInfoData s;

	initStringInfo(&s);
	for (int j = 0; j < NumInputs(m); j++)
		appendStringInfo(&s, "%s%s", j ? ", " : "", InputName(m, j));
	return s.data;
}

/* Map the model's features to a row type's attributes (once per type). */
static void
MapRowType(PredictCall *pc, Oid tupType, int32 tupTypmod, MemoryContext mcxt)
{
	TupleDesc	td = lookup_rowtype_tupdesc(tupType, tupTypmod);
	MlpModel   *m = pc->model;
	MemoryContext old = MemoryContextSwitchTo(mcxt);

	pc->rowtype = InvalidOid;	/* until the map below is complete */
	if (pc->attmap)
	{
		FreeTupleDesc(pc->rowdesc);
		pfree(pc->attmap);
		pfree(pc->kinds);
		pfree(pc->outfunc);
		pfree(pc->values);
		pfree(pc->nulls);
		pc->attmap = NULL;
	}
	pc->rowdesc = CreateTupleDescCopy(td);
	pc->attmap = palloc(sizeof(int) * NumInputs(m));
	pc->kinds = palloc(sizeof(MlpNumKind) * NumInputs(m));
	pc->outfunc = palloc(sizeof(Oid) * NumInputs(m));
	pc->values = palloc(sizeof(Datum) * Max(td->natts, 1));
	pc->nulls = palloc(sizeof(bool) * Max(td->natts, 1));
	for (int j = 0; j < NumInputs(m); j++)
	{
		int			found = -1;
		Oid			typid;

		for (int a = 0; a < td->natts; a++)
		{
			Form_pg_attribute att = TupleDescAttr(td, a);

			if (!att->attisdropped && strcmp(NameStr(att->attname), InputName(m, j)) == 0)
			{
				found = a;
				break;
			}
		}
		if (found < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("row has no column \"%s\", which the model needs",
							InputName(m, j)),
					 errhint("The model's input columns are: %s.", FeatureList(m))));
		pc->attmap[j] = found;
		typid = TupleDescAttr(td, found)->atttypid;
		pc->kinds[j] = MlpNumKindOf(typid);
		if (InputCategorical(m, j))
		{
			bool		isvarlena;

			/* a category is matched by its text, whatever the type */
			getTypeOutputInfo(typid, &pc->outfunc[j], &isvarlena);
			pc->kinds[j] = MLP_NUM_CATEGORY;
		}
		else if (InputArray(m, j))
		{
			pc->kinds[j] = MlpArrayKindOf(typid);
			if (pc->kinds[j] == MLP_NUM_NONE)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("column \"%s\" has type %s, but the model needs float8[] or real[]",
								InputName(m, j), format_type_be(typid))));
		}
		else if (InputDate(m, j))
		{
			/* any of date, timestamp, timestamptz: parts of the same instant */
			pc->kinds[j] = MlpDateKindOf(typid);
			if (pc->kinds[j] == MLP_NUM_NONE)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("column \"%s\" has type %s, but the model needs a date or timestamp",
								InputName(m, j), format_type_be(typid))));
		}
		else if (pc->kinds[j] == MLP_NUM_NONE)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%s\" has type %s, but the model needs a number",
							InputName(m, j), format_type_be(typid))));
	}
	pc->rowtype = tupType;
	pc->rowtypmod = tupTypmod;
	MemoryContextSwitchTo(old);
	ReleaseTupleDesc(td);
}

/* The prepared features of a row record argument (mlpipe_predict and kin). */
static PredictCall *
LoadRowInput(FunctionCallInfo fcinfo)
{
	PredictCall *pc = ResolveCall(fcinfo);
	HeapTupleHeader rec = PG_GETARG_HEAPTUPLEHEADER(1);
	Oid			tupType = HeapTupleHeaderGetTypeId(rec);
	int32		tupTypmod = HeapTupleHeaderGetTypMod(rec);
	HeapTupleData tuple;
	MlpModel   *m = pc->model;

	if (pc->rowtype != tupType || pc->rowtypmod != tupTypmod)
		MapRowType(pc, tupType, tupTypmod, fcinfo->flinfo->fn_mcxt);
	tuple.t_len = HeapTupleHeaderGetDatumLength(rec);
	ItemPointerSetInvalid(&(tuple.t_self));
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = rec;
	heap_deform_tuple(&tuple, pc->rowdesc, pc->values, pc->nulls);
	for (int j = 0; j < NumInputs(m); j++)
	{
		int			a = pc->attmap[j];
		int			f = InputFeature(m, j);

		if (InputCategorical(m, j))
			PrepareCategory(m, j, pc->nulls[a],
							pc->nulls[a] ? NULL :
							MlpCategoryText(pc->outfunc[j], pc->values[a]),
							&pc->x[f]);
		else if (InputDate(m, j))
			PrepareDate(m, j, pc->nulls[a] ? NAN :
						MlpDateToEpoch(pc->values[a], pc->kinds[j]), &pc->x[f]);
		else if (InputArray(m, j))
		{
			double		v[MLP_MAX_ARRAY_LENGTH];

			ArrayInput(m, j, pc->nulls[a], pc->values[a], pc->kinds[j], v);
			PrepareArray(m, j, v, &pc->x[f]);
		}
		else
			pc->x[f] = Prepare(m, f, pc->nulls[a],
							   pc->nulls[a] ? 0 :
							   CheckFinite(m->features[f],
										   MlpDatumToFloat8(pc->values[a], pc->kinds[j])));
	}
	return pc;
}

/* The prepared features of a float8[] argument, in training order. */
static PredictCall *
LoadArrayInput(FunctionCallInfo fcinfo)
{
	PredictCall *pc = ResolveCall(fcinfo);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	MlpModel   *m = pc->model;
	int			n = (ARR_NDIM(arr) == 1) ? ARR_DIMS(arr)[0] : 0;
	const double *d;

	if (m->enc)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("model has categorical, date or array input columns and cannot score a float8[]"),
				 errhint("Pass a whole row or a jsonb object with the columns: %s.",
						 FeatureList(m))));
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("feature array must be one-dimensional")));
	if (n != NumInputs(m))
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("feature array has %d elements, but the model has %d features",
						n, NumInputs(m)),
				 errhint("The model's features, in order: %s.", FeatureList(m))));
	d = (const double *) ARR_DATA_PTR(arr);
	if (ARR_HASNULL(arr))
	{
		bits8	   *bitmap = ARR_NULLBITMAP(arr);
		int			k = 0;

		/* NULL elements take no room in the data */
		for (int j = 0; j < n; j++)
		{
			bool		isnull = !(bitmap[j / 8] & (1 << (j % 8)));

			pc->x[j] = Prepare(m, j, isnull,
							   isnull ? 0 : CheckFinite(m->features[j], d[k++]));
		}
	}
	else
		for (int j = 0; j < n; j++)
			pc->x[j] = Prepare(m, j, false, CheckFinite(m->features[j], d[j]));
	return pc;
}

/* The prepared features of a jsonb argument, keyed by input column name. */
static PredictCall *
LoadJsonbInput(FunctionCallInfo fcinfo)
{
	PredictCall *pc = ResolveCall(fcinfo);
	Jsonb	   *jb = PG_GETARG_JSONB_P(1);
	MlpModel   *m = pc->model;

	if (!JB_ROOT_IS_OBJECT(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("features must be a jsonb object"),
				 errhint("For example: '{\"%s\": 1.5}'.", InputName(m, 0))));
	for (int i = 0; i < NumInputs(m); i++)
	{
		JsonbValue	v;
		const char *f = InputName(m, i);
		int			j = InputFeature(m, i);

		if (getKeyJsonValueFromContainer(&jb->root, f, strlen(f), &v) == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("jsonb row has no key \"%s\", which the model needs", f),
					 errhint("The model's input columns are: %s.", FeatureList(m))));
		if (InputCategorical(m, i))
		{
			/* a category by its text: a JSON string, or a number or boolean as written */
			char	   *text = NULL;

			if (v.type == jbvString)
				text = pnstrdup(v.val.string.val, v.val.string.len);
			else if (v.type == jbvNumeric)
				text = DatumGetCString(DirectFunctionCall1(numeric_out,
														   NumericGetDatum(v.val.numeric)));
			else if (v.type == jbvBool)
				text = v.val.boolean ? "true" : "false";
			else if (v.type != jbvNull)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("feature \"%s\" must be a JSON string, number or boolean", f)));
			PrepareCategory(m, i, v.type == jbvNull, text, &pc->x[j]);
		}
		else if (InputArray(m, i))
		{
			/* a JSON array of numbers (null elements allowed), or null */
			double		e[MLP_MAX_ARRAY_LENGTH];
			int			w = m->enc->inputs[i].width;

			if (v.type == jbvNull)
				for (int k = 0; k < w; k++)
					e[k] = NAN;
			else if (v.type == jbvBinary && JsonContainerIsArray(v.val.binary.data) &&
					 JsonContainerSize(v.val.binary.data) == (uint32) w)
			{
				for (int k = 0; k < w; k++)
				{
					JsonbValue *el = getIthJsonbValueFromContainer(v.val.binary.data, k);

					if (el->type == jbvNull)
						e[k] = NAN;
					else if (el->type == jbvNumeric)
						e[k] = CheckFinite(f, DatumGetFloat8(DirectFunctionCall1(numeric_float8,
																				 NumericGetDatum(el->val.numeric))));
					else
						ereport(ERROR,
								(errcode(ERRCODE_DATATYPE_MISMATCH),
								 errmsg("feature \"%s\" must be a JSON array of numbers", f)));
				}
			}
			else
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("feature \"%s\" must be a JSON array of %d numbers", f, w)));
			PrepareArray(m, i, e, &pc->x[j]);
		}
		else if (InputDate(m, i))
		{
			/* a date by its text, read as the type it had in training */
			static const Oid types[] = {DATEOID, TIMESTAMPOID, TIMESTAMPTZOID};
			Oid			typid = types[m->enc->inputs[i].kind - MLP_INPUT_DATE];
			MlpNumKind	kind = MlpDateKindOf(typid);
			double		epoch = NAN;

			if (v.type == jbvString)
			{
				Oid			infunc;
				Oid			ioparam;

				getTypeInputInfo(typid, &infunc, &ioparam);
				epoch = MlpDateToEpoch(OidInputFunctionCall(infunc,
															pnstrdup(v.val.string.val, v.val.string.len),
															ioparam, -1), kind);
			}
			else if (v.type != jbvNull)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("feature \"%s\" must be a JSON string holding a %s",
								f, format_type_be(typid))));
			PrepareDate(m, i, epoch, &pc->x[j]);
		}
		else if (v.type == jbvNumeric)
			pc->x[j] = Prepare(m, j, false,
							   CheckFinite(f, DatumGetFloat8(DirectFunctionCall1(numeric_float8,
																				 NumericGetDatum(v.val.numeric)))));
		else if (v.type == jbvBool)
			pc->x[j] = Prepare(m, j, false, v.val.boolean ? 1.0 : 0.0);
		else if (v.type == jbvNull)
			pc->x[j] = Prepare(m, j, true, 0);
		else
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("feature \"%s\" must be a JSON number or boolean", f)));
	}
	return pc;
}

/* A classifier's class probabilities for the prepared row in pc->x. */
static double *
ClassProba(PredictCall *pc)
{
	MlpModel   *m = pc->model;
	double	   *proba = palloc(sizeof(double) * m->nclasses);

	FinishFeatures(m, pc->x);
	m->est->predict_proba(m->state, pc->x, proba);
	return proba;
}

/* Whether a classifier's scores are probabilities (not a bare SVM's). */
static bool
HasProba(const MlpModel *m)
{
	return m->est->has_proba == NULL || m->est->has_proba(m->state);
}

/* A classifier that must give probabilities for what is asked of it; otherwise: the hint's alternative. */
static void
RequireProba(const MlpModel *m, const char *what, const char *otherwise)
{
	if (!HasProba(m))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s needs class probabilities, which this %s model does not give",
						what, m->est->name),
				 errdetail("It was trained without a probability calibration."),
				 errhint("Train it with hyperparams => '{\"probability\": true}' for a Platt calibration, or %s.",
						 otherwise)));
}

/* A model that must be a classifier for what is asked of it. */
static void
RequireClassifier(const MlpModel *m, const char *what)
{
	if (m->task != MLP_TASK_CLASSIFICATION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s needs a classifier, but the model does %s",
						what, MlpTaskName(m->task)),
				 errhint("Use mlpipe_predict for a regression model.")));
}

/*
 * The predicted class: the most probable (the first of equals); with two
 * classes the second when its probability is above the threshold.
 */
static int
PredictedClass(const MlpModel *m, const double *proba, double threshold)
{
	int			best = 0;

	if (m->nclasses == 2 && HasProba(m))
		return proba[1] > threshold ? 1 : 0;
	for (int c = 1; c < m->nclasses; c++)
		if (proba[c] > proba[best])
			best = c;
	return best;
}

/*
 * mlpipe_predict's value: a regression's prediction; a classifier's class
 * as a number when its labels are numbers or booleans (true is 1).
 */
static double
PredictValue(PredictCall *pc)
{
	MlpModel   *m = pc->model;
	const char *label;
	char	   *end;
	double		v;

	if (m->task != MLP_TASK_CLASSIFICATION)
		return PredictPrepared(pc);
	label = m->classes[PredictedClass(m, ClassProba(pc), 0.5)];
	/* boolean labels (a domain's too): f and t */
	if (m->nclasses == 2 && strcmp(m->classes[0], "f") == 0 && strcmp(m->classes[1], "t") == 0)
		return strcmp(label, "t") == 0 ? 1.0 : 0.0;
	v = strtod(label, &end);
	if (label[0] == '\0' || *end != '\0')
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("model predicts labels of type %s, which are not numbers", m->target_type),
				 errhint("Use mlpipe_predict_class for the label, or mlpipe_predict_proba for the probabilities.")));
	return v;
}

Datum
mlpipe_predict_row(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(PredictValue(LoadRowInput(fcinfo)));
}

Datum
mlpipe_predict_array(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(PredictValue(LoadArrayInput(fcinfo)));
}

Datum
mlpipe_predict_jsonb(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(PredictValue(LoadJsonbInput(fcinfo)));
}

/* The class probabilities as float8[], in the order of mlpipe_classes. */
static Datum
ProbaArray(PredictCall *pc)
{
	double	   *proba;
	Datum	   *d;

	RequireClassifier(pc->model, "mlpipe_predict_proba");
	RequireProba(pc->model, "mlpipe_predict_proba", "use mlpipe_predict_class");
	proba = ClassProba(pc);
	d = palloc(sizeof(Datum) * pc->model->nclasses);
	for (int c = 0; c < pc->model->nclasses; c++)
		d[c] = Float8GetDatum(proba[c]);
	return PointerGetDatum(construct_array(d, pc->model->nclasses, FLOAT8OID, 8,
										   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

Datum
mlpipe_predict_proba_row(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(ProbaArray(LoadRowInput(fcinfo)));
}

Datum
mlpipe_predict_proba_array(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(ProbaArray(LoadArrayInput(fcinfo)));
}

Datum
mlpipe_predict_proba_jsonb(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(ProbaArray(LoadJsonbInput(fcinfo)));
}

/* The predicted label as text (argument 2: the threshold for two classes). */
static Datum
ClassText(PredictCall *pc, FunctionCallInfo fcinfo)
{
	double		threshold = PG_GETARG_FLOAT8(2);

	RequireClassifier(pc->model, "mlpipe_predict_class");
	if (!(threshold >= 0 && threshold <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("threshold must be between 0 and 1")));
	if (threshold != 0.5)
		RequireProba(pc->model, "a threshold",
					 "leave the threshold at 0.5 (the decision value's sign)");
	return CStringGetTextDatum(pc->model->classes[PredictedClass(pc->model, ClassProba(pc),
																 threshold)]);
}

Datum
mlpipe_predict_class_row(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(ClassText(LoadRowInput(fcinfo), fcinfo));
}

Datum
mlpipe_predict_class_array(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(ClassText(LoadArrayInput(fcinfo), fcinfo));
}

Datum
mlpipe_predict_class_jsonb(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(ClassText(LoadJsonbInput(fcinfo), fcinfo));
}

/* mlpipe_classes(project | model_id): the labels, in predict_proba's order. */
Datum
mlpipe_classes(PG_FUNCTION_ARGS)
{
	PredictCall *pc = ResolveCall(fcinfo);
	Datum	   *d;

	RequireClassifier(pc->model, "mlpipe_classes");
	d = palloc(sizeof(Datum) * pc->model->nclasses);
	for (int c = 0; c < pc->model->nclasses; c++)
		d[c] = CStringGetTextDatum(pc->model->classes[c]);
	PG_RETURN_ARRAYTYPE_P(construct_array(d, pc->model->nclasses, TEXTOID, -1, false,
										  TYPALIGN_INT));
}

typedef struct CoefSink
{
	Tuplestorestate *ts;
	TupleDesc	td;
	const MlpModel *model;
	double	   *intercept_shift;	/* scaled models, per class: see EmitCoef */
} CoefSink;

/*
 * The index of an emitted feature: estimators emit the model's own name
 * pointers, so a feature that happens to be called "intercept" is still
 * told apart from the intercept row.
 */
static int
FeatureIndex(const MlpModel *m, const char *feature)
{
	for (int j = 0; j < m->nfeatures; j++)
		if (m->features[j] == feature)
			return j;
	return -1;
}

/* The slot of an emitted class: a classifier's class index, else 0. */
static int
ClassSlot(const MlpModel *m, const char *cls)
{
	int			c = cls ? atoi(cls) : 0;

	if (c < 0 || (m->nclasses > 0 && c >= m->nclasses) || (m->nclasses == 0 && c != 0))
		elog(ERROR, "estimator emitted class \"%s\"", cls);
	return c;
}

/*
 * Append one coefficient row to the result.  A model fitted on scaled
 * features is reported on the original scale: each coefficient divided by
 * its feature's scale, and the intercept less the sum of coefficient times
 * centre over scale (computed before the intercept is emitted), per class;
 * a classifier's class index becomes its label.
 */
static void
EmitCoef(void *arg, const char *feature, const char *cls, double value)
{
	CoefSink   *sink = arg;
	const MlpModel *m = sink->model;
	Datum		values[3];
	bool		nulls[3] = {false, cls == NULL, false};
	int			c = ClassSlot(m, cls);

	if (m->prep)
	{
		/* features are emitted as the model's own name pointers */
		int			j = FeatureIndex(m, feature);

		if (j >= 0)
			value /= m->prep->scale[j];
		else
			value -= sink->intercept_shift[c];
	}
	values[0] = CStringGetTextDatum(feature);
	values[1] = cls ? CStringGetTextDatum(m->classes ? m->classes[c] : cls) : (Datum) 0;
	values[2] = Float8GetDatum(value);
	tuplestore_putvalues(sink->ts, sink->td, values, nulls);
}

/* First pass for a scaled model: sum of coefficient * centre / scale, per class. */
static void
ShiftCoef(void *arg, const char *feature, const char *cls, double value)
{
	CoefSink   *sink = arg;
	const MlpModel *m = sink->model;
	int			j = FeatureIndex(m, feature);

	if (j >= 0)
		sink->intercept_shift[ClassSlot(m, cls)] += value * m->prep->center[j] / m->prep->scale[j];
}

/* mlpipe_coefficients(project | model_id) -> (feature, class, coefficient) */
Datum
mlpipe_coefficients(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PredictCall *pc = ResolveCall(fcinfo);
	MlpModel   *m = pc->model;
	CoefSink	sink;
	char	  **names;

	InitMaterializedSRF(fcinfo, 0);
	if (m->est->coefficients == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("algorithm \"%s\" has no coefficients", m->est->name)));
	sink.ts = rsinfo->setResult;
	sink.td = rsinfo->setDesc;
	sink.model = m;
	sink.intercept_shift = palloc0(sizeof(double) * Max(m->nclasses, 1));
	/* a model with selected features reports those; pointers keep names apart */
	names = m->features;
	if (m->selected)
	{
		names = palloc(sizeof(char *) * m->nselected);
		for (int i = 0; i < m->nselected; i++)
			names[i] = m->features[m->selected[i]];
	}
	if (m->prep)
		m->est->coefficients(m->state, names, ShiftCoef, &sink);
	m->est->coefficients(m->state, names, EmitCoef, &sink);
	return (Datum) 0;
}
