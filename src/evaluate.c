/*
 * evaluate.c
 *	  mlpipe_evaluate: a stored model's metrics on any labelled source,
 *	  returned and stored as rows (split 'evaluate').
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "parser/parse_type.h"
#include "utils/builtins.h"

#include "catalog.h"
#include "metrics.h"
#include "model.h"
#include "part.h"
#include "select.h"
#include "classeval.h"
#include "prep.h"
#include "source.h"

PG_FUNCTION_INFO_V1(mlpipe_evaluate);

/* Return one metric row and store it. */
static void
EmitMetric(ReturnSetInfo *rsinfo, int64 model_id, const char *metric, double value)
{
	Datum		values[3];
	bool		nulls[3] = {false, true, false};

	values[0] = CStringGetTextDatum(metric);
	values[1] = (Datum) 0;
	values[2] = Float8GetDatum(value);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	CatalogInsertMetric(model_id, "evaluate", metric, NULL, value);
}

/* Return a classifier's metric row (ClassEvalStore stores it). */
static void
EmitRow(void *arg, const char *metric, const char *cls, double value)
{
	ReturnSetInfo *rsinfo = arg;
	Datum		values[3];
	bool		nulls[3] = {false, cls == NULL, false};

	values[0] = CStringGetTextDatum(metric);
	values[1] = cls ? CStringGetTextDatum(cls) : (Datum) 0;
	values[2] = Float8GetDatum(value);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/* Labels as numbers (1), booleans (2) or text (0): what their text means. */
static int
LabelFamily(MlpNumKind kind)
{
	return kind == MLP_NUM_BOOL ? 2 : kind != MLP_NUM_NONE ? 1 : 0;
}

/*
 * A classifier's labels in the loaded target column (codes of their text)
 * become the model's class indexes; a label the model does not know, or a
 * NULL, is an error.
 */
static void
LabelsToClasses(const MlpModel *model, MlpDataset *ds)
{
	MlpCategories *c = ds->cats[ds->p];
	double	   *y = MLP_COL(&ds->m, ds->p);
	int		   *index = palloc(sizeof(int) * Max(c->n, 1));
	Oid			trained = LookupTypeNameOid(NULL, typeStringToTypeName(model->target_type), true);

	/*
	 * Labels match by their text, so numbers, booleans and text must stay
	 * what they were: 1 and 1.0 are one number but two strings, true is t.
	 * The stored type name is as training's search_path printed it: a
	 * name that no longer resolves is not checked.
	 */
	if (OidIsValid(trained) &&
		LabelFamily(MlpNumKindOf(trained)) != LabelFamily(ds->cols.target_numkind))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("label column \"%s\" has type %s, but the model was trained on labels of type %s",
						model->target, ds->cols.types[ds->p], model->target_type),
				 errhint("Cast the labels in a source query to %s.", model->target_type)));

	for (int code = 0; code < c->n; code++)
	{
		index[code] = -1;
		for (int k = 0; k < model->nclasses; k++)
			if (strcmp(c->text[code], model->classes[k]) == 0)
				index[code] = k;
		if (index[code] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("label \"%s\" of column \"%s\" is not one of the model's classes",
							c->text[code], model->target),
					 errhint("The model knows %d classes; see mlpipe_classes().", model->nclasses)));
	}
	for (int64 i = 0; i < ds->m.nrows; i++)
	{
		if (y[i] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("target column \"%s\" holds NULL", model->target),
					 errhint("Filter those rows out in a source query.")));
		y[i] = index[(int) y[i]];
	}
}

/*
 * mlpipe_evaluate(project | model_id, source) -> (metric, class, value):
 * the model's features and target are read from the source by name, every
 * row is scored, and the metrics of its task are stored with the model.
 */
Datum
mlpipe_evaluate(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			argtype = get_fn_expr_argtype(fcinfo->flinfo, 0);
	char	   *source = text_to_cstring(PG_GETARG_TEXT_PP(1));
	int64		model_id;
	MlpModel   *model;
	MlpSourceSpec spec;
	MlpDataset *ds;
	MlpPart		part;
	const double *center;
	const double *scale;
	int64	   *unseen = NULL;
	int64	   *unused_counts;
	double		met[REGM_LEN];
	double		unused[REGM_LEN];
	MlpRegMetrics m;
	List	   *features = NIL;

	InitMaterializedSRF(fcinfo, 0);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (argtype == INT8OID)
		model_id = PG_GETARG_INT64(0);
	else if (argtype == TEXTOID)
		model_id = CatalogResolveProject(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	else
		elog(ERROR, "mlpipe_evaluate called without a known first argument type");
	model = MlpLoadModel(model_id);
	SPI_finish();

	/*
	 * The model's own columns, by name, with every row in one split.  Names
	 * are copied: the source query may itself score with other models and
	 * so replace cached ones; the model is looked up again afterwards.
	 */
	if (model->enc)
		for (int i = 0; i < model->enc->ninputs; i++)
			features = lappend(features, pstrdup(model->enc->inputs[i].name));
	else
		for (int j = 0; j < (model->poly ? model->poly->nbase : model->nfeatures); j++)
			features = lappend(features, pstrdup(model->features[j]));
	memset(&spec, 0, sizeof(spec));
	spec.source = source;
	spec.target = pstrdup(model->target);
	spec.features = features;
	spec.split = MLP_SPLIT_RANDOM;
	spec.from_model = true;
	spec.classification = model->task == MLP_TASK_CLASSIFICATION;
	/*
	 * NULLs of imputed features are kept (as NaN) and filled below; rows
	 * with a NULL in a feature dropped in training are left out again.
	 */
	if (model->prep)
		for (int j = 0; j < (model->poly ? model->poly->nbase : model->nfeatures); j++)
			if (model->prep->impute[j] != MLP_PREP_ERROR &&
				!(model->enc && j > 0 &&
				  model->enc->input_of[j] == model->enc->input_of[j - 1]))
			{
				/* a date's parts share their column's setting: named once */
				MlpPrepSpec *ps = palloc0(sizeof(MlpPrepSpec));

				ps->column = pstrdup(model->enc ?
									 model->enc->inputs[model->enc->input_of[j]].name :
									 model->features[j]);
				/* any filling imputation lets NULLs load; the model's fill comes below */
				ps->impute = (model->prep->impute[j] == MLP_PREP_DROP) ?
					MLP_IMPUTE_DROP : MLP_IMPUTE_MEAN;
				ps->has_impute = true;
				spec.prep = lappend(spec.prep, ps);
			}
	ds = MlpLoadSource(&spec, 0, 0);
	if (ds->m.nrows == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source has no rows")));

	/* score in the training order of the features */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	model = MlpLoadModel(model_id);
	SPI_finish();
	if (model->task == MLP_TASK_CLASSIFICATION)
		LabelsToClasses(model, ds);
	/* a column must be of the kind it had in training: a category, a date or a number */
	for (int i = 0; i < ds->p; i++)
	{
		bool		was_category = model->enc && model->enc->inputs[i].textual;
		bool		was_date = model->enc && MlpInputIsDate(&model->enc->inputs[i]);
		bool		is_date = MlpIsDateKind(ds->cols.kind[i]);
		bool		was_array = model->enc && model->enc->inputs[i].array;
		bool		is_array = MlpIsArrayKind(ds->cols.kind[i]);

		if ((ds->cats[i] != NULL) != was_category || is_date != was_date ||
			is_array != was_array)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 was_category ?
					 errmsg("column \"%s\" has type %s, but the model encodes it as a category",
							ds->cols.names[i], ds->cols.types[i]) :
					 was_date ?
					 errmsg("column \"%s\" has type %s, but the model needs a date or timestamp",
							ds->cols.names[i], ds->cols.types[i]) :
					 was_array ?
					 errmsg("column \"%s\" has type %s, but the model needs float8[] or real[]",
							ds->cols.names[i], ds->cols.types[i]) :
					 errmsg("column \"%s\" has type %s, but the model needs a number",
							ds->cols.names[i], ds->cols.types[i]),
					 errhint("Cast the column in a source query to the type it had in training.")));
	}
	memset(&part, 0, sizeof(part));
	part.m = ds->m;
	part.p = ds->p;
	if (model->enc)
	{
		/* the model's own categories, matched by text */
		MlpEncodeMatrix(model->enc, ds, &part.m, NULL, NULL);
		unseen = palloc0(sizeof(int64) * model->enc->ninputs);
		unused_counts = palloc0(sizeof(int64) * model->enc->ninputs);
		MlpCountUnseen(model->enc, ds, unseen, unused_counts);
		part.p = model->enc->nfeatures;
	}
	part.is_test = ds->is_test;
	part.ntest = 0;
	if (model->prep)
	{
		double	   *fill = palloc(sizeof(double) * part.p);
		double	   *t = palloc(sizeof(double) * part.p * 3);

		PartApplyTransform(&part, model->prep, model->features);
		for (int j = 0; j < part.p; j++)
			fill[j] = (model->prep->impute[j] == MLP_PREP_FILL) ? model->prep->fill[j] : NAN;
		PartApplyFill(&part, fill, t, t + part.p, t + 2 * part.p);
	}
	/*
	 * An ordinal value or an array element NULL where the model has no fill
	 * is an error here as at scoring (other columns were checked loading).
	 */
	for (int j = 0; model->enc && j < model->enc->nfeatures; j++)
	{
		const MlpInput *in = &model->enc->inputs[model->enc->input_of[j]];
		const double *c = MLP_COL(&part.m, j);

		if ((in->kind != MLP_INPUT_ORDINAL && !in->array) ||
			(model->prep && model->prep->impute[j] == MLP_PREP_FILL))
			continue;
		for (int64 i = 0; i < part.m.nrows; i++)
			if (isnan(c[i]))
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("feature \"%s\" is NULL", model->features[j]),
						 errhint("Every feature the model was trained on needs a value, unless it was imputed in training.")));
	}
	if (model->poly)
	{
		/* the products of the imputed values, as in training */
		MlpMatrix	withpoly;

		MlpPolyMatrix(model->poly, &part.m, &withpoly);
		part.m = withpoly;
		part.p = model->nfeatures;
	}
	center = model->prep ? model->prep->center : NULL;
	scale = model->prep ? model->prep->scale : NULL;
	if (model->selected)
	{
		/* the features the estimator sees, with their scaling */
		int			k = model->nselected;

		MlpKeepColumns(&part, model->selected, k);
		if (center)
		{
			double	   *c = palloc(sizeof(double) * k);
			double	   *s = palloc(sizeof(double) * k);

			for (int i = 0; i < k; i++)
			{
				c[i] = center[model->selected[i]];
				s[i] = scale[model->selected[i]];
			}
			center = c;
			scale = s;
		}
	}
	if (model->task == MLP_TASK_CLASSIFICATION)
	{
		MlpClassEval ce;
		MlpClassEval none;
		StringInfoData js;

		PartClassEvaluate(&part, model->est, model->state, center, scale,
						  model->nclasses, &ce, &none);
		initStringInfo(&js);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		ClassEvalStore(model_id, "evaluate", &ce, model->classes, &js, EmitRow, rsinfo);
	}
	else
	{
		PartEvaluate(&part, model->est, model->state, center, scale, met, unused);
		m = RegMetricsFinal(met);

		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		EmitMetric(rsinfo, model_id, "mse", m.mse);
		EmitMetric(rsinfo, model_id, "rmse", m.rmse);
		EmitMetric(rsinfo, model_id, "mae", m.mae);
		EmitMetric(rsinfo, model_id, "r2", m.r2);
	}
	/* rows whose category the model does not know (for drift monitoring) */
	for (int i = 0; model->enc && i < model->enc->ninputs; i++)
		if (model->enc->inputs[i].textual)
			EmitMetric(rsinfo, model_id, psprintf("unseen:%s", model->enc->inputs[i].name),
					   (double) unseen[i]);
	SPI_finish();
	return (Datum) 0;
}
