/*
 * prep.c
 *	  The preprocess argument of mlpipe_train: parsing and checking.
 *
 *	  preprocess => '{"*": {"scale": "standard"},
 *	                  "bmi": {"impute": "constant", "fill_value": 25}}'
 *
 * Keys are feature names or "*" (every feature); a column's own settings
 * override those of "*".  Fitting and applying the steps is in train.c,
 * part.c and predict.c.
 */
#include "postgres.h"

#include <math.h>

#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/numeric.h"

#include "encode.h"
#include "mlpipe.h"
#include "poly.h"
#include "prep.h"

static const char *const impute_names[] = {"error", "mean", "median", "constant", "drop",
"most_frequent"};
static const char *const scale_names[] = {"none", "standard", "minmax", "maxabs", "robust"};
static const char *const encode_names[] = {"onehot", "ordinal", "target", "hash"};
static const char *const transform_names[] = {"none", "log1p", "clip", "bucketize"};
static const char *const select_names[] = {"none", "variance", "f_test", "mutual_info", "l1"};

/* The name of a selection method. */
const char *
MlpSelectName(MlpSelectMethod m)
{
	return select_names[m];
}

/* The name of an imputation. */
const char *
MlpImputeName(MlpImpute i)
{
	return impute_names[i];
}

/* The name of a scaling. */
const char *
MlpScaleName(MlpScale s)
{
	return scale_names[s];
}

/* The index of name in names, or an error listing them. */
static int
Choose(const char *what, const char *name, const char *const *names, int n)
{
	StringInfoData s;

	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	initStringInfo(&s);
	for (int i = 0; i < n; i++)
		appendStringInfo(&s, "%s%s", i ? ", " : "", names[i]);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown %s \"%s\" in preprocess", what, name),
			 errhint("Use one of: %s.", s.data)));
	return 0;
}

/* A jsonb string as a C string, or an error naming the key. */
static char *
StringValue(JsonbValue *v, const char *column, const char *key)
{
	if (v->type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("preprocess \"%s\": \"%s\" must be a string", column, key)));
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* A jsonb number that must be an integer in [lo, hi], or an error. */
static int
IntValue(JsonbValue *v, const char *what, int lo, int hi)
{
	if (v->type == jbvNumeric && !numeric_is_nan(v->val.numeric) &&
		!numeric_is_inf(v->val.numeric))
	{
		double		d = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
														   NumericGetDatum(v->val.numeric)));

		if (d == floor(d) && d >= lo && d <= hi)
			return (int) d;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("preprocess %s must be an integer between %d and %d", what, lo, hi)));
	return 0;
}

/* One column's settings from its jsonb object. */
static MlpPrepSpec *
ParseColumn(const char *column, JsonbValue *obj)
{
	MlpPrepSpec *ps = palloc0(sizeof(MlpPrepSpec));
	JsonbIterator *it;
	JsonbValue	k;
	JsonbValue	v;
	JsonbIteratorToken tok;
	bool		has_fill = false;
	bool		has_clip = false;
	bool		has_method = false;
	bool		has_bins = false;
	bool		has_smoothing = false;
	bool		has_buckets = false;

	ps->column = pstrdup(column);
	if (obj->type != jbvBinary || !JsonContainerIsObject(obj->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("preprocess \"%s\" must be a jsonb object", column),
				 errhint("For example: {\"%s\": {\"impute\": \"mean\", \"scale\": \"standard\"}}.",
						 column)));
	it = JsonbIteratorInit(obj->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *key;

		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(k.val.string.val, k.val.string.len);
		(void) JsonbIteratorNext(&it, &v, true);
		if (strcmp(key, "impute") == 0)
		{
			ps->impute = (MlpImpute) Choose("imputation", StringValue(&v, column, key),
											impute_names, lengthof(impute_names));
			ps->has_impute = true;
		}
		else if (strcmp(key, "scale") == 0)
		{
			ps->scale = (MlpScale) Choose("scaling", StringValue(&v, column, key),
										  scale_names, lengthof(scale_names));
			ps->has_scale = true;
		}
		else if (strcmp(key, "transform") == 0)
		{
			ps->transform = (MlpTransform) Choose("transform", StringValue(&v, column, key),
												  transform_names, lengthof(transform_names));
			ps->has_transform = true;
		}
		else if (strcmp(key, "bins") == 0)
		{
			ps->bins = IntValue(&v, psprintf("\"%s\": bins", column), 2, MLP_BUCKETIZE_MAX_BINS);
			has_bins = true;
		}
		else if (strcmp(key, "clip") == 0)
		{
			double		b[2];
			int			n = 0;

			/* [lo, hi]: two finite numbers, lo < hi */
			if (v.type == jbvBinary && JsonContainerIsArray(v.val.binary.data) &&
				JsonContainerSize(v.val.binary.data) == 2)
			{
				JsonbIterator *ait = JsonbIteratorInit(v.val.binary.data);
				JsonbValue	e;
				JsonbIteratorToken t;

				while ((t = JsonbIteratorNext(&ait, &e, true)) != WJB_DONE)
					if (t == WJB_ELEM && e.type == jbvNumeric && n < 2 &&
						!numeric_is_nan(e.val.numeric) && !numeric_is_inf(e.val.numeric))
						b[n++] = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
																	NumericGetDatum(e.val.numeric)));
			}
			if (n != 2 || !(b[0] < b[1]) || !isfinite(b[0]) || !isfinite(b[1]))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("preprocess \"%s\": clip must be [lo, hi], two finite numbers with lo < hi",
								column)));
			ps->clip_lo = b[0];
			ps->clip_hi = b[1];
			has_clip = true;
		}
		else if (strcmp(key, "encode") == 0)
		{
			ps->encode = Choose("encoding", StringValue(&v, column, key),
								encode_names, lengthof(encode_names));
			ps->has_encode = true;
			ps->has_method = true;
			has_method = true;
		}
		else if (strcmp(key, "smoothing") == 0)
		{
			if (v.type != jbvNumeric || numeric_is_nan(v.val.numeric) ||
				numeric_is_inf(v.val.numeric) ||
				!(DatumGetFloat8(DirectFunctionCall1(numeric_float8,
													 NumericGetDatum(v.val.numeric))) >= 0))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("preprocess \"%s\": smoothing must be a finite number of at least 0",
								column)));
			ps->smoothing = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
															   NumericGetDatum(v.val.numeric)));
			has_smoothing = true;
		}
		else if (strcmp(key, "buckets") == 0)
		{
			ps->buckets = IntValue(&v, psprintf("\"%s\": buckets", column), 2,
								   MLP_HASH_MAX_BUCKETS);
			has_buckets = true;
		}
		else if (strcmp(key, "max_categories") == 0)
		{
			int			cap = -1;

			if (v.type == jbvNumeric && !numeric_is_nan(v.val.numeric) &&
				!numeric_is_inf(v.val.numeric))
			{
				double		d = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
																   NumericGetDatum(v.val.numeric)));

				if (d == floor(d) && d >= 1 && d <= MLP_MAX_CATEGORIES_LIMIT)
					cap = (int) d;
			}
			if (cap < 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("preprocess \"%s\": max_categories must be an integer between 1 and %d",
								column, MLP_MAX_CATEGORIES_LIMIT)));
			ps->max_categories = cap;
			ps->has_encode = true;
			ps->has_max_categories = true;
		}
		else if (strcmp(key, "fill_value") == 0)
		{
			if (v.type != jbvNumeric || numeric_is_nan(v.val.numeric) ||
				numeric_is_inf(v.val.numeric))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("preprocess \"%s\": fill_value must be a finite number",
								column)));
			ps->fill_value = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
																NumericGetDatum(v.val.numeric)));
			has_fill = true;
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown key \"%s\" in preprocess \"%s\"", key, column),
					 errhint("Keys: impute, fill_value, scale, transform, clip, bins for numeric features; encode, max_categories, smoothing, buckets for categorical ones.")));
	}
	if (has_bins && ps->transform != MLP_TRANSFORM_BUCKETIZE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("preprocess \"%s\": bins goes with transform \"bucketize\", and only with it",
						column)));
	if (!has_bins)
		ps->bins = MLP_BUCKETIZE_BINS;
	if ((ps->transform == MLP_TRANSFORM_CLIP) != has_clip)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("preprocess \"%s\": clip goes with transform \"clip\", and only with it",
						column)));
	/* the encodings' own settings go with them */
	if (has_smoothing && !(has_method && ps->encode == MLP_ENCODE_TARGET))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("preprocess \"%s\": smoothing goes with encode \"target\", and only with it",
						column)));
	if ((has_method && ps->encode == MLP_ENCODE_HASH) != has_buckets)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("preprocess \"%s\": buckets goes with encode \"hash\", and only with it",
						column),
				 errhint("For example: {\"%s\": {\"encode\": \"hash\", \"buckets\": 64}}.", column)));
	if (has_method && ps->encode == MLP_ENCODE_HASH && ps->has_max_categories)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("preprocess \"%s\": max_categories does not apply to encode \"hash\"",
						column),
				 errhint("The bucket count bounds the features.")));
	if (!has_smoothing)
		ps->smoothing = MLP_TARGET_SMOOTHING;
	if ((ps->impute == MLP_IMPUTE_CONSTANT) != has_fill)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("preprocess \"%s\": fill_value goes with impute \"constant\", and only with it",
						column)));
	return ps;
}

/* A jsonb array of distinct strings (at least min of them) as a List. */
static List *
NameList(JsonbValue *v, const char *what, int min)
{
	List	   *out = NIL;
	JsonbIterator *it;
	JsonbValue	e;
	JsonbIteratorToken t;

	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("preprocess %s must be an array of column names", what)));
	it = JsonbIteratorInit(v->val.binary.data);
	while ((t = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
	{
		char	   *name;
		ListCell   *lc;

		if (t != WJB_ELEM)
			continue;
		if (e.type != jbvString)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("preprocess %s must be an array of column names", what)));
		name = pnstrdup(e.val.string.val, e.val.string.len);
		foreach(lc, out)
			if (strcmp(lfirst(lc), name) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("preprocess %s names \"%s\" twice", what, name)));
		out = lappend(out, name);
	}
	if (list_length(out) < min || list_length(out) > MLP_POLY_MAX_COLUMNS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("preprocess %s must name between %d and %d columns", what, min,
						MLP_POLY_MAX_COLUMNS)));
	return out;
}

/*
 * One of the keys that are not columns: "polynomial", "interactions",
 * "select", each an object of its own settings.
 */
static void
ParseEngineer(const char *key, JsonbValue *obj, MlpEngineer *eng)
{
	JsonbIterator *it;
	JsonbValue	k;
	JsonbValue	v;
	JsonbIteratorToken tok;
	bool		has_columns = false;
	bool		has_method = false;
	bool		has_k = false;

	if (obj->type != jbvBinary || !JsonContainerIsObject(obj->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("preprocess \"%s\" must be a jsonb object", key),
				 strcmp(key, "select") == 0 ?
				 errhint("For example: {\"select\": {\"method\": \"f_test\", \"k\": 5}}.") :
				 errhint("For example: {\"%s\": {\"columns\": [\"a\", \"b\"]}}.", key)));
	it = JsonbIteratorInit(obj->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *name;
		char	   *what;

		if (tok != WJB_KEY)
			continue;
		name = pnstrdup(k.val.string.val, k.val.string.len);
		what = psprintf("\"%s\" %s", key, name);
		(void) JsonbIteratorNext(&it, &v, true);
		if (strcmp(key, "polynomial") == 0 && strcmp(name, "columns") == 0)
		{
			eng->poly_columns = NameList(&v, what, 1);
			has_columns = true;
		}
		else if (strcmp(key, "polynomial") == 0 && strcmp(name, "degree") == 0)
			eng->poly_degree = IntValue(&v, what, 2, MLP_POLY_MAX_DEGREE);
		else if (strcmp(key, "interactions") == 0 && strcmp(name, "columns") == 0)
		{
			eng->inter_columns = NameList(&v, what, 2);
			has_columns = true;
		}
		else if (strcmp(key, "select") == 0 && strcmp(name, "method") == 0)
		{
			eng->select = (MlpSelectMethod) Choose("selection method",
												   StringValue(&v, key, name),
												   select_names + 1,
												   lengthof(select_names) - 1) + 1;
			has_method = true;
		}
		else if (strcmp(key, "select") == 0 && strcmp(name, "k") == 0)
		{
			eng->select_k = IntValue(&v, what, 1, 100000);
			has_k = true;
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown key \"%s\" in preprocess \"%s\"", name, key),
					 strcmp(key, "polynomial") == 0 ? errhint("Keys: columns, degree.") :
					 strcmp(key, "interactions") == 0 ? errhint("Keys: columns.") :
					 errhint("Keys: method, k.")));
	}
	if (strcmp(key, "select") != 0 && !has_columns)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("preprocess \"%s\" needs \"columns\"", key)));
	if (strcmp(key, "select") == 0 && (!has_method || !has_k))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("preprocess \"select\" needs \"method\" and \"k\""),
				 errhint("Methods: variance, f_test, mutual_info, l1.")));
}

/*
 * Parse the preprocess argument (NULL or '{}' mean: the defaults).  Keys
 * are columns, "*", or the feature engineering keys "polynomial",
 * "interactions" and "select" (so a column of one of those names can only
 * be reached through "*").
 */
List *
MlpParsePrep(Jsonb *js, MlpEngineer *eng)
{
	List	   *specs = NIL;
	JsonbIterator *it;
	JsonbValue	k;
	JsonbValue	v;
	JsonbIteratorToken tok;

	memset(eng, 0, sizeof(*eng));
	eng->poly_degree = 2;
	if (js == NULL)
		return NIL;
	if (!JB_ROOT_IS_OBJECT(js))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("preprocess must be a jsonb object"),
				 errhint("For example: '{\"*\": {\"scale\": \"standard\"}}'.")));
	it = JsonbIteratorInit(&js->root);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *column;

		if (tok != WJB_KEY)
			continue;
		column = pnstrdup(k.val.string.val, k.val.string.len);
		(void) JsonbIteratorNext(&it, &v, true);
		if (strcmp(column, "polynomial") == 0 || strcmp(column, "interactions") == 0 ||
			strcmp(column, "select") == 0)
			ParseEngineer(column, &v, eng);
		else
			specs = lappend(specs, ParseColumn(column, &v));
	}
	return specs;
}

/*
 * The settings of one column: its own, with what it leaves out taken from
 * "*"; NULL when neither says anything.
 */
const MlpPrepSpec *
MlpPrepFor(List *specs, const char *column)
{
	const MlpPrepSpec *own = NULL;
	const MlpPrepSpec *all = NULL;
	MlpPrepSpec *out;
	ListCell   *lc;

	foreach(lc, specs)
	{
		MlpPrepSpec *ps = lfirst(lc);

		if (strcmp(ps->column, column) == 0)
			own = ps;
		else if (strcmp(ps->column, "*") == 0)
			all = ps;
	}
	if (own == NULL && all == NULL)
		return NULL;
	out = palloc0(sizeof(MlpPrepSpec));
	out->column = pstrdup(column);
	if (own && own->has_impute)
	{
		out->impute = own->impute;
		out->fill_value = own->fill_value;
	}
	else if (all)
	{
		out->impute = all->impute;
		out->fill_value = all->fill_value;
	}
	out->scale = (own && own->has_scale) ? own->scale : (all ? all->scale : MLP_SCALE_NONE);
	if (own && own->has_transform)
	{
		out->transform = own->transform;
		out->clip_lo = own->clip_lo;
		out->clip_hi = own->clip_hi;
		out->bins = own->bins;
	}
	else if (all)
	{
		out->transform = all->transform;
		out->clip_lo = all->clip_lo;
		out->clip_hi = all->clip_hi;
		out->bins = all->bins;
	}
	out->has_transform = out->transform != MLP_TRANSFORM_NONE;
	out->has_impute = (own && own->has_impute) || (all && all->has_impute);
	out->has_scale = (own && own->has_scale) || (all && all->has_scale);
	out->has_encode = (own && own->has_encode) || (all && all->has_encode);
	{
		const MlpPrepSpec *enc = (own && own->has_method) ? own :
			(all && all->has_method) ? all : NULL;

		out->encode = enc ? enc->encode : MLP_ENCODE_ONEHOT;
		out->smoothing = enc ? enc->smoothing : MLP_TARGET_SMOOTHING;
		out->buckets = enc ? enc->buckets : 0;
		out->has_method = enc != NULL;
	}
	if (own && own->has_max_categories)
		out->max_categories = own->max_categories;
	else if (all && all->has_max_categories)
		out->max_categories = all->max_categories;
	out->has_max_categories = out->max_categories > 0;
	return out;
}

/*
 * The automatic preprocessing of linear models, under what the user gave:
 * "*" imputes the mean and standardises unless it says otherwise (as
 * BigQuery ML does), so NULLs and scales work without a preprocess
 * argument.  Written out in the stored training spec.
 */
List *
MlpPrepDefaults(List *specs)
{
	MlpPrepSpec *all = NULL;
	ListCell   *lc;

	foreach(lc, specs)
		if (strcmp(((MlpPrepSpec *) lfirst(lc))->column, "*") == 0)
			all = lfirst(lc);
	if (all == NULL)
	{
		all = palloc0(sizeof(MlpPrepSpec));
		all->column = pstrdup("*");
		specs = lappend(specs, all);
	}
	if (!all->has_impute)
	{
		all->impute = MLP_IMPUTE_MEAN;
		all->has_impute = true;
	}
	if (!all->has_scale)
	{
		all->scale = MLP_SCALE_STANDARD;
		all->has_scale = true;
	}
	return specs;
}

/* Whether any step needs quantiles (median, robust): one process then. */
bool
MlpPrepNeedsQuantiles(List *specs)
{
	ListCell   *lc;

	foreach(lc, specs)
	{
		MlpPrepSpec *ps = lfirst(lc);

		if (ps->impute == MLP_IMPUTE_MEDIAN || ps->impute == MLP_IMPUTE_MOST_FREQUENT ||
			ps->scale == MLP_SCALE_ROBUST || ps->transform != MLP_TRANSFORM_NONE)
			return true;
	}
	return false;
}

/* A JSON array of names. */
static void
AppendNames(StringInfo s, List *names)
{
	ListCell   *lc;

	appendStringInfoChar(s, '[');
	foreach(lc, names)
	{
		if (lc != list_head(names))
			appendStringInfoString(s, ", ");
		escape_json(s, (char *) lfirst(lc));
	}
	appendStringInfoChar(s, ']');
}

/* The settings as JSON, for the stored training spec. */
char *
MlpPrepJson(List *specs, const MlpEngineer *eng)
{
	StringInfoData s;
	ListCell   *lc;

	initStringInfo(&s);
	appendStringInfoChar(&s, '{');
	foreach(lc, specs)
	{
		MlpPrepSpec *ps = lfirst(lc);
		bool		first = true;

		if (lc != list_head(specs))
			appendStringInfoString(&s, ", ");
		escape_json(&s, ps->column);
		appendStringInfoString(&s, ": {");
		if (ps->has_impute)
		{
			appendStringInfo(&s, "\"impute\": \"%s\"", MlpImputeName(ps->impute));
			if (ps->impute == MLP_IMPUTE_CONSTANT)
			{
				appendStringInfoString(&s, ", \"fill_value\": ");
				MlpAppendJsonNumber(&s, ps->fill_value);
			}
			first = false;
		}
		if (ps->has_scale)
		{
			appendStringInfo(&s, "%s\"scale\": \"%s\"", first ? "" : ", ",
							 MlpScaleName(ps->scale));
			first = false;
		}
		if (ps->has_transform)
		{
			appendStringInfo(&s, "%s\"transform\": \"%s\"", first ? "" : ", ",
							 transform_names[ps->transform]);
			if (ps->transform == MLP_TRANSFORM_BUCKETIZE)
				appendStringInfo(&s, ", \"bins\": %d", ps->bins);
			if (ps->transform == MLP_TRANSFORM_CLIP)
			{
				appendStringInfoString(&s, ", \"clip\": [");
				MlpAppendJsonNumber(&s, ps->clip_lo);
				appendStringInfoString(&s, ", ");
				MlpAppendJsonNumber(&s, ps->clip_hi);
				appendStringInfoChar(&s, ']');
			}
			first = false;
		}
		if (ps->has_encode)
		{
			/* the encoding only where given: a cap alone keeps "*"'s */
			if (ps->has_method)
				appendStringInfo(&s, "%s\"encode\": \"%s\"", first ? "" : ", ",
								 encode_names[ps->encode]);
			if (ps->has_max_categories)
				appendStringInfo(&s, "%s\"max_categories\": %d",
								 ps->has_method || !first ? ", " : "", ps->max_categories);
			if (ps->has_method && ps->encode == MLP_ENCODE_TARGET)
			{
				appendStringInfoString(&s, ", \"smoothing\": ");
				MlpAppendJsonNumber(&s, ps->smoothing);
			}
			if (ps->has_method && ps->encode == MLP_ENCODE_HASH)
				appendStringInfo(&s, ", \"buckets\": %d", ps->buckets);
		}
		appendStringInfoChar(&s, '}');
	}
	if (eng->poly_columns)
	{
		appendStringInfo(&s, "%s\"polynomial\": {\"columns\": ", specs ? ", " : "");
		AppendNames(&s, eng->poly_columns);
		appendStringInfo(&s, ", \"degree\": %d}", eng->poly_degree);
	}
	if (eng->inter_columns)
	{
		appendStringInfo(&s, "%s\"interactions\": {\"columns\": ",
						 specs || eng->poly_columns ? ", " : "");
		AppendNames(&s, eng->inter_columns);
		appendStringInfoChar(&s, '}');
	}
	if (eng->select != MLP_SELECT_NONE)
		appendStringInfo(&s, "%s\"select\": {\"method\": \"%s\", \"k\": %d}",
						 specs || eng->poly_columns || eng->inter_columns ? ", " : "",
						 MlpSelectName(eng->select), eng->select_k);
	appendStringInfoChar(&s, '}');
	return s.data;
}

/*
 * Feature j's transform of a non-NULL value.  log1p is undefined at and
 * below -1: an error naming the feature, at training and at scoring alike.
 * bucketize gives the index of the quantile bin, as KBinsDiscretizer's
 * ordinal encoding: values below the first edge go to bin 0, above the
 * last to the last bin.
 */
double
MlpTransformValue(const MlpPrep *prep, int j, double v, const char *feature)
{
	if (prep == NULL || prep->transform == NULL)
		return v;
	switch ((MlpTransform) prep->transform[j])
	{
		case MLP_TRANSFORM_NONE:
			return v;
		case MLP_TRANSFORM_LOG1P:
			if (!(v > -1))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_ARGUMENT_FOR_LOG),
						 errmsg("feature \"%s\" has the value %g, where log1p is undefined", feature, v),
						 errdetail("log1p needs values above -1."),
						 errhint("Filter such rows out, or use another transform for this column.")));
			return log1p(v);
		case MLP_TRANSFORM_CLIP:
			return Min(Max(v, prep->lo[j]), prep->hi[j]);
		case MLP_TRANSFORM_BUCKETIZE:
			{
				/* how many inner edges are at or below v: searchsorted(side=right) */
				const double *e = prep->edges[j];
				int			lo = 1;
				int			hi = prep->nedges[j] - 1;

				while (lo < hi)
				{
					int			mid = lo + (hi - lo) / 2;

					if (e[mid] <= v)
						lo = mid + 1;
					else
						hi = mid;
				}
				return (double) (lo - 1);
			}
	}
	return v;
}
