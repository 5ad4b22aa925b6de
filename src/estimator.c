/*
 * estimator.c
 *	  The algorithm registry and hyperparameter validation.
 */
#include "postgres.h"

#include <math.h>

#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "estimator.h"

static const MlpEstimator *const registry[] = {
	&mlp_linear_regression,
	&mlp_ridge,
	&mlp_lasso,
	&mlp_elastic_net,
	&mlp_naive_bayes,
	&mlp_logistic_regression,
	&mlp_linear_svm,
};

/* The estimator called name, or NULL. */
const MlpEstimator *
MlpFindEstimator(const char *name)
{
	for (int i = 0; i < (int) lengthof(registry); i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}

/* The estimator with a stored algorithm id, or NULL. */
const MlpEstimator *
MlpEstimatorById(uint16 id)
{
	for (int i = 0; i < (int) lengthof(registry); i++)
		if (registry[i]->id == id)
			return registry[i];
	return NULL;
}

/*
 * "a, b (regression); c, d (classification)": the registry's algorithms by
 * task, for hints.
 */
char *
MlpAlgorithmList(void)
{
	StringInfoData s;
	const MlpTask tasks[] = {MLP_TASK_REGRESSION, MLP_TASK_CLASSIFICATION};

	initStringInfo(&s);
	for (int t = 0; t < (int) lengthof(tasks); t++)
	{
		bool		first = true;

		for (int i = 0; i < (int) lengthof(registry); i++)
			if (registry[i]->task == tasks[t])
			{
				appendStringInfo(&s, "%s%s", first ? (t > 0 ? "; " : "") : ", ",
								 registry[i]->name);
				first = false;
			}
		if (!first)
			appendStringInfo(&s, " (%s)", MlpTaskName(tasks[t]));
	}
	return s.data;
}

/*
 * The coefficients of nv weight vectors of p weights then an intercept
 * (logistic regression, linear SVM): the class as the vector's index in
 * text, "1" for the one vector of two classes (the second class's, as
 * scikit-learn reports it), which the caller names.
 */
void
MlpEmitWeightVectors(const double *w, int nv, int p, char **features,
					 MlpCoefEmit emit, void *arg)
{
	for (int v = 0; v < nv; v++)
	{
		char		cls[16];
		const double *wv = w + (Size) v * (p + 1);

		snprintf(cls, sizeof(cls), "%d", nv == 1 ? 1 : v);
		emit(arg, "intercept", cls, wv[p]);
		for (int j = 0; j < p; j++)
			emit(arg, features[j], cls, wv[j]);
	}
}

/* "a, b, c": the names an estimator accepts, for hints. */
static char *
ParamNames(const MlpEstimator *est)
{
	StringInfoData s;

	if (est->nparams == 0)
		return pstrdup("none");
	initStringInfo(&s);
	for (int i = 0; i < est->nparams; i++)
		appendStringInfo(&s, "%s%s", i ? ", " : "", est->params[i].name);
	return s.data;
}

/* "a, b, c": the values a choice hyperparameter takes, for hints. */
static char *
ChoiceNames(const MlpParamSpec *spec)
{
	StringInfoData s;

	initStringInfo(&s);
	for (int i = 0; spec->choices[i] != NULL; i++)
		appendStringInfo(&s, "%s%s", i ? ", " : "", spec->choices[i]);
	return s.data;
}

/* The index of a choice hyperparameter's value, which must be one of its strings. */
static double
ParseChoice(const MlpParamSpec *spec, const JsonbValue *v)
{
	if (v->type == jbvString)
	{
		for (int i = 0; spec->choices[i] != NULL; i++)
			if (strlen(spec->choices[i]) == (size_t) v->val.string.len &&
				memcmp(spec->choices[i], v->val.string.val, v->val.string.len) == 0)
				return (double) i;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("hyperparameter \"%s\" must be one of %s", spec->name,
					ChoiceNames(spec)),
			 v->type == jbvString ?
			 errdetail("It is \"%.*s\".", v->val.string.len, v->val.string.val) : 0));
	return 0;					/* keep the compiler quiet */
}

/*
 * Check a jsonb object of hyperparameters against the estimator's specs and
 * fill out[] (defaults for the keys not given).
 */
void
MlpParseHyperparams(const MlpEstimator *est, Jsonb *hp, double *out)
{
	JsonbIterator *it;
	JsonbValue	k;
	JsonbValue	v;
	JsonbIteratorToken tok;

	for (int i = 0; i < est->nparams; i++)
		out[i] = est->params[i].defval;
	if (hp == NULL)
		return;
	if (!JB_ROOT_IS_OBJECT(hp))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hyperparams must be a jsonb object"),
				 errhint("For example: '{\"alpha\": 0.5}'.")));

	it = JsonbIteratorInit(&hp->root);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *key;
		const MlpParamSpec *spec = NULL;
		int			idx = -1;
		double		d;

		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(k.val.string.val, k.val.string.len);
		tok = JsonbIteratorNext(&it, &v, true);
		for (int i = 0; i < est->nparams; i++)
			if (strcmp(est->params[i].name, key) == 0)
			{
				spec = &est->params[i];
				idx = i;
			}
		if (spec == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown hyperparameter \"%s\" for algorithm \"%s\"",
							key, est->name),
					 errhint("Valid hyperparameters: %s.", ParamNames(est))));
		if (spec->kind == MLP_PARAM_CHOICE)
		{
			out[idx] = ParseChoice(spec, &v);
			continue;
		}
		if (spec->kind == MLP_PARAM_BOOL)
		{
			if (v.type != jbvBool)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("hyperparameter \"%s\" must be true or false", key)));
			out[idx] = v.val.boolean ? 1 : 0;
			continue;
		}
		if (v.type != jbvNumeric)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("hyperparameter \"%s\" must be a number", key)));
		if (numeric_is_nan(v.val.numeric) || numeric_is_inf(v.val.numeric))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("hyperparameter \"%s\" must be finite", key)));
		d = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
											   NumericGetDatum(v.val.numeric)));
		if (spec->kind == MLP_PARAM_INT && d != floor(d))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("hyperparameter \"%s\" must be an integer", key)));
		if (d < spec->minval || (spec->min_open && d == spec->minval) ||
			d > spec->maxval)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("hyperparameter \"%s\" is out of range", key),
					 errdetail("It must be %s %g and at most %g; it is %g.",
							   spec->min_open ? "greater than" : "at least",
							   spec->minval, spec->maxval, d)));
		out[idx] = d;
	}
}

/* The resolved hyperparameters, defaults included, as JSON text. */
char *
MlpHyperparamsJson(const MlpEstimator *est, const double *hp)
{
	StringInfoData s;

	initStringInfo(&s);
	appendStringInfoChar(&s, '{');
	for (int i = 0; i < est->nparams; i++)
	{
		if (i)
			appendStringInfoString(&s, ", ");
		escape_json(&s, est->params[i].name);
		appendStringInfoString(&s, ": ");
		if (est->params[i].kind == MLP_PARAM_CHOICE)
			escape_json(&s, est->params[i].choices[(int) hp[i]]);
		else if (est->params[i].kind == MLP_PARAM_BOOL)
			appendStringInfoString(&s, hp[i] != 0 ? "true" : "false");
		else if (est->params[i].kind == MLP_PARAM_INT)
			appendStringInfo(&s, "%.0f", hp[i]);
		else
			MlpAppendJsonNumber(&s, hp[i]);
	}
	appendStringInfoChar(&s, '}');
	return s.data;
}
