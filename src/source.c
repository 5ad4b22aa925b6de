/*
 * source.c
 *	  Run a source query and stream its rows into one column-major float8
 *	  matrix.
 *
 * Rows arrive through a DestReceiver given to SPI, so they are converted as
 * the executor produces them: no SPI tuple table, no second copy, and the
 * planner is free to use a parallel plan.
 */
#include "postgres.h"

#include <math.h>
#include <sys/mman.h>

#include "access/tupdesc.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "storage/lmgr.h"
#include "tcop/dest.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/fmgroids.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/acl.h"
#include "utils/date.h"
#include "utils/timestamp.h"
#include "common/hashfn.h"
#include "utils/rls.h"
#include "utils/syscache.h"
#include "utils/plancache.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"

#include "mlpipe.h"
#include "prep.h"
#include "source.h"

#define INITIAL_ROWS 1024

typedef struct MatrixReceiver
{
	DestReceiver pub;
	const MlpSourceSpec *spec;
	int64		seed;
	uint64		threshold;
	MlpDataset *ds;
	MemoryContext cxt;			/* where the matrix lives */
	bool		started;
	int64		expected_rows;
	MlpRowSink	sink;
} MatrixReceiver;

/* The conversion for a type (domains resolved), or MLP_NUM_NONE. */
MlpNumKind
MlpNumKindOf(Oid typid)
{
	switch (getBaseType(typid))
	{
		case FLOAT8OID:
			return MLP_NUM_FLOAT8;
		case FLOAT4OID:
			return MLP_NUM_FLOAT4;
		case INT2OID:
			return MLP_NUM_INT2;
		case INT4OID:
			return MLP_NUM_INT4;
		case INT8OID:
			return MLP_NUM_INT8;
		case NUMERICOID:
			return MLP_NUM_NUMERIC;
		case BOOLOID:
			return MLP_NUM_BOOL;
		default:
			return MLP_NUM_NONE;
	}
}

/* Dates and timestamps become date-part features. */
MlpNumKind
MlpDateKindOf(Oid typid)
{
	switch (getBaseType(typid))
	{
		case DATEOID:
			return MLP_NUM_DATE;
		case TIMESTAMPOID:
			return MLP_NUM_TIMESTAMP;
		case TIMESTAMPTZOID:
			return MLP_NUM_TIMESTAMPTZ;
		default:
			return MLP_NUM_NONE;
	}
}

/* float8[] and real[] (or domains over them) become one feature per element. */
MlpNumKind
MlpArrayKindOf(Oid typid)
{
	switch (getBaseType(typid))
	{
		case FLOAT8ARRAYOID:
			return MLP_NUM_ARRAY8;
		case FLOAT4ARRAYOID:
			return MLP_NUM_ARRAY4;
		default:
			return MLP_NUM_NONE;
	}
}

/*
 * The elements of a non-NULL array value as float8 into out (NaN for a NULL
 * element), checked: one dimension, len elements (len < 0: any length, as
 * found), finite.  Returns the length.
 */
int
MlpArrayElements(Datum d, MlpNumKind kind, const char *name, int len, double *out)
{
	ArrayType  *arr = DatumGetArrayTypeP(d);
	int			n = (ARR_NDIM(arr) == 0) ? 0 : ARR_DIMS(arr)[0];
	bits8	   *bitmap = ARR_NULLBITMAP(arr);
	const char *p = ARR_DATA_PTR(arr);

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("column \"%s\" holds an array of %d dimensions", name, ARR_NDIM(arr)),
				 errhint("Array features must be one-dimensional.")));
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("column \"%s\" holds an empty array", name),
				 errhint("Array features need the same number of elements in every row.")));
	if (len >= 0 && n != len)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("column \"%s\" holds arrays of different lengths: %d and %d", name, len, n),
				 errhint("Array features need the same number of elements in every row; pad or cut them in a source query.")));
	if (n > MLP_MAX_ARRAY_LENGTH)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("column \"%s\" holds arrays of %d elements; the limit is %d",
						name, n, MLP_MAX_ARRAY_LENGTH)));
	for (int k = 0; k < n; k++)
	{
		double		v;

		if (bitmap && !(bitmap[k / 8] & (1 << (k % 8))))
		{
			out[k] = NAN;
			continue;
		}
		if (kind == MLP_NUM_ARRAY8)
		{
			v = *(const float8 *) p;
			p += sizeof(float8);
		}
		else
		{
			v = (double) *(const float4 *) p;
			p += sizeof(float4);
		}
		if (!isfinite(v))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("column \"%s\" holds %s in element %d", name,
							isnan(v) ? "NaN" : "Infinity", k + 1),
					 errhint("Filter such rows out in a source query.")));
		out[k] = v;
	}
	return n;
}

/*
 * Whole seconds since 1970-01-01 00:00 (UTC for timestamptz), rounded down
 * in integers: a float8 cannot hold microseconds far from 2000, and rounding
 * them up could move the last instant of a day into the next.  The
 * infinities become float8 infinities, which the callers refuse.
 */
double
MlpDateToEpoch(Datum d, MlpNumKind kind)
{
	const double shift = (double) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;

	if (kind == MLP_NUM_DATE)
	{
		DateADT		v = DatumGetDateADT(d);

		if (DATE_NOT_FINITE(v))
			return DATE_IS_NOBEGIN(v) ? -INFINITY : INFINITY;
		return (double) v * SECS_PER_DAY + shift;
	}
	else
	{
		Timestamp	v = DatumGetTimestamp(d);

		int64		s;

		if (TIMESTAMP_NOT_FINITE(v))
			return TIMESTAMP_IS_NOBEGIN(v) ? -INFINITY : INFINITY;
		s = v / USECS_PER_SEC;
		if (v % USECS_PER_SEC < 0)
			s--;
		return (double) s + shift;
	}
}

/* Text-like and enum types become categorical features. */
bool
MlpIsCategoryType(Oid typid)
{
	char		category;
	bool		preferred;

	get_type_category_preferred(getBaseType(typid), &category, &preferred);
	return category == TYPCATEGORY_STRING || category == TYPCATEGORY_ENUM;
}

/*
 * A category's text: the type's output, except that char(n) padding is
 * dropped, as char(n) comparisons ignore it (so a jsonb "ab" finds it).
 */
char *
MlpCategoryText(Oid outfunc, Datum value)
{
	char	   *text = OidOutputFunctionCall(outfunc, value);

	if (outfunc == F_BPCHAROUT)
	{
		size_t		len = strlen(text);

		while (len > 0 && text[len - 1] == ' ')
			text[--len] = '\0';
	}
	return text;
}

/*
 * The code of a category's text; with add, a new one gets the next code
 * (the text copied into the dictionary's context), else -2 means unseen.
 */
int
MlpCategoryCode(MlpCategories *c, const char *text, bool add)
{
	return MlpCategoryCodeBytes(c, text, strlen(text), add);
}

/* Double the slots of a category dictionary and place every code again. */
static void
GrowCategorySlots(MlpCategories *c)
{
	MemoryContext cxt = GetMemoryChunkContext(c->text);
	int			nslots = c->nslots * 2;
	int			mask = nslots - 1;

	pfree(c->slot_key);
	pfree(c->slot_code);
	c->slot_key = MemoryContextAlloc(cxt, sizeof(uint64) * nslots);
	c->slot_code = MemoryContextAlloc(cxt, sizeof(int) * nslots);
	memset(c->slot_code, -1, sizeof(int) * nslots);
	c->nslots = nslots;
	for (int code = 0; code < c->n; code++)
	{
		int			i = (int) (c->key[code] & mask);

		while (c->slot_code[i] >= 0)
			i = (i + 1) & mask;
		c->slot_key[i] = c->key[code];
		c->slot_code[i] = code;
	}
}

/* An empty category dictionary in the current memory context. */
MlpCategories *
MlpCategoriesNew(void)
{
	MlpCategories *c = palloc0(sizeof(MlpCategories));

	c->nslots = 64;
	c->slot_key = palloc(sizeof(uint64) * c->nslots);
	c->slot_code = palloc(sizeof(int) * c->nslots);
	memset(c->slot_code, -1, sizeof(int) * c->nslots);
	c->cap = 16;
	c->text = palloc(sizeof(char *) * c->cap);
	c->ntrain = palloc(sizeof(int64) * c->cap);
	c->len = palloc(sizeof(int) * c->cap);
	c->key = palloc(sizeof(uint64) * c->cap);
	return c;
}

/*
 * MlpCategoryCode of len bytes that need not end in a NUL: the text of a
 * text or varchar value straight from its datum, without a copy.
 */
int
MlpCategoryCodeBytes(MlpCategories *c, const char *text, size_t len, bool add)
{
	uint64		key = hash_bytes_extended((const unsigned char *) text, len, 0);
	int			mask = c->nslots - 1;
	int			i = (int) (key & mask);
	int			code;

	/* linear probing; the slots are at most half full */
	while ((code = c->slot_code[i]) >= 0 && c->slot_key[i] != key)
		i = (i + 1) & mask;
	if (code >= 0)
	{
		/* two texts with one 64-bit hash would share a code: refuse, never merge */
		if ((size_t) c->len[code] != len || memcmp(c->text[code], text, len) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("categories \"%s\" and \"%s\" have the same 64-bit hash",
							c->text[code], pnstrdup(text, len)),
					 errhint("Map one of them to another value in a source query.")));
		return code;
	}
	if (!add)
		return -2;
	{
		MemoryContext cxt = GetMemoryChunkContext(c->text);

		if (c->n == c->cap)
		{
			c->cap *= 2;
			c->text = repalloc(c->text, sizeof(char *) * c->cap);
			c->ntrain = repalloc(c->ntrain, sizeof(int64) * c->cap);
			c->len = repalloc(c->len, sizeof(int) * c->cap);
			c->key = repalloc(c->key, sizeof(uint64) * c->cap);
		}
		code = c->n++;
		c->text[code] = MemoryContextAlloc(cxt, len + 1);
		memcpy(c->text[code], text, len);
		c->text[code][len] = '\0';
		c->len[code] = (int) len;
		c->key[code] = key;
		c->ntrain[code] = 0;
		c->slot_key[i] = key;
		c->slot_code[i] = code;
		if (c->n * 2 > c->nslots)
			GrowCategorySlots(c);
	}
	return code;
}

/* Refuse anything but one SELECT (no data-modifying WITH either). */
static void
CheckSelectOnly(const char *query)
{
	List	   *stmts = raw_parser(query, RAW_PARSE_DEFAULT);
	RawStmt    *raw;
	SelectStmt *sel;

	if (list_length(stmts) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source must be a single query"),
				 errdetail("The source text holds %d statements.", list_length(stmts))));
	raw = linitial_node(RawStmt, stmts);
	if (!IsA(raw->stmt, SelectStmt))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source must be a table, a view or a SELECT query")));
	sel = (SelectStmt *) raw->stmt;
	if (sel->withClause)
	{
		ListCell   *lc;

		foreach(lc, sel->withClause->ctes)
		{
			CommonTableExpr *cte = lfirst_node(CommonTableExpr, lc);

			if (!IsA(cte->ctequery, SelectStmt))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("source query must not modify data")));
		}
	}
	if (sel->intoClause)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source query must not be SELECT INTO")));
}

/*
 * True when the text can only be a statement: white space, a parenthesis or
 * a semicolon outside double quotes.  A table name never has those.
 */
static bool
LooksLikeQuery(const char *s)
{
	bool		quoted = false;

	for (; *s; s++)
	{
		if (*s == '"')
			quoted = !quoted;
		else if (!quoted && (isspace((unsigned char) *s) || *s == '(' || *s == ';'))
			return true;
	}
	return false;
}

/*
 * The query for a source: statement text is checked to be one SELECT and
 * used as is; anything else is a table or view name, which must exist.
 */
char *
MlpSourceQuery(const char *source)
{
	if (LooksLikeQuery(source))
	{
		CheckSelectOnly(source);
		return pstrdup(source);
	}
	else
	{
		List	   *names = stringToQualifiedNameList(source);
		RangeVar   *rv = makeRangeVarFromNameList(names);
		Oid			relid = RangeVarGetRelid(rv, AccessShareLock, true);

		if (!OidIsValid(relid))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("relation \"%s\" does not exist", source),
					 errhint("A source is a table or view name, or a SELECT query.")));
		return psprintf("SELECT * FROM %s",
						quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
												   get_rel_name(relid)));
	}
}

/* Index of the attribute called name in the result, or -1. */
static int
FindColumn(TupleDesc td, const char *name, bool *ambiguous)
{
	int			found = -1;

	*ambiguous = false;
	for (int i = 0; i < td->natts; i++)
	{
		Form_pg_attribute a = TupleDescAttr(td, i);

		if (a->attisdropped || strcmp(NameStr(a->attname), name) != 0)
			continue;
		if (found >= 0)
			*ambiguous = true;
		found = i;
	}
	return found;
}

/* True if name is in the list of C strings. */
static bool
InList(List *l, const char *name)
{
	ListCell   *lc;

	foreach(lc, l)
		if (strcmp((char *) lfirst(lc), name) == 0)
		return true;
	return false;
}

/* Resolve a column that must exist and be numeric. */
static int
RequireColumn(TupleDesc td, const char *name, const char *role)
{
	bool		ambiguous;
	int			i = FindColumn(td, name, &ambiguous);

	if (i < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("%s column \"%s\" does not exist in the source", role, name)));
	if (ambiguous)
		ereport(ERROR,
				(errcode(ERRCODE_AMBIGUOUS_COLUMN),
				 errmsg("source has more than one column named \"%s\"", name)));
	return i;
}

/* Refuse a feature type that is not numeric, categorical or a date. */
static void
RequireFeatureType(const char *name, Oid typid)
{
	if (MlpNumKindOf(typid) != MLP_NUM_NONE || MlpDateKindOf(typid) != MLP_NUM_NONE ||
		MlpArrayKindOf(typid) != MLP_NUM_NONE || MlpIsCategoryType(typid))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("feature column \"%s\" has type %s, which is not supported",
					name, format_type_be(typid)),
			 errdetail("Features must be numeric, boolean, text-like, enum, date, timestamp, float8[] or real[]."),
			 errhint("Leave the column out with exclude => ARRAY['%s'], or cast it in a source query.",
					 name)));
}

/*
 * Decide which attributes of a row type feed the matrix: the features in
 * columns 0..p-1 and the target in column p.  Allocates in the current
 * memory context.
 */
void
MlpResolveColumns(const MlpSourceSpec *spec, TupleDesc td, MlpColumns *out)
{
	int			tcol;
	int			p = 0;
	ListCell   *lc;
	int		   *cols = palloc(sizeof(int) * (td->natts + 1));

	out->needs_rowcxt = false;
	MlpHashColumns(td, spec, out);
	tcol = RequireColumn(td, spec->target, "target");
	out->classification = spec->classification;
	if (!spec->classification &&
		(MlpNumKindOf(TupleDescAttr(td, tcol)->atttypid) == MLP_NUM_NONE ||
		 MlpNumKindOf(TupleDescAttr(td, tcol)->atttypid) == MLP_NUM_BOOL))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("target column \"%s\" has type %s, but regression needs a numeric target",
						spec->target,
						format_type_be(TupleDescAttr(td, tcol)->atttypid)),
				 errhint("Cast the target to a number in a source query, or train a classifier (task => 'classification').")));

	foreach(lc, spec->exclude)
		(void) RequireColumn(td, (char *) lfirst(lc), "excluded");

	if (spec->features != NIL)
	{
		foreach(lc, spec->features)
		{
			char	   *name = lfirst(lc);
			int			i = RequireColumn(td, name, "feature");

			if (i == tcol)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("column \"%s\" is the target and cannot also be a feature",
								name)));
			for (int j = 0; j < p; j++)
				if (cols[j] == i)
					ereport(ERROR,
							(errcode(ERRCODE_DUPLICATE_COLUMN),
							 errmsg("feature \"%s\" is listed twice", name)));
			if (InList(spec->exclude, name))
				continue;
			RequireFeatureType(name, TupleDescAttr(td, i)->atttypid);
			cols[p++] = i;
		}
	}
	else
	{
		for (int i = 0; i < td->natts; i++)
		{
			Form_pg_attribute a = TupleDescAttr(td, i);
			bool		ambiguous;

			if (a->attisdropped || i == tcol ||
				InList(spec->exclude, NameStr(a->attname)))
				continue;
			/* a split column is a key or a clock, not a feature (unless named) */
			if (spec->split_column != NULL &&
				strcmp(NameStr(a->attname), spec->split_column) == 0)
				continue;
			(void) FindColumn(td, NameStr(a->attname), &ambiguous);
			if (ambiguous)
				ereport(ERROR,
						(errcode(ERRCODE_AMBIGUOUS_COLUMN),
						 errmsg("source has more than one column named \"%s\"",
								NameStr(a->attname))));
			RequireFeatureType(NameStr(a->attname), a->atttypid);
			cols[p++] = i;
		}
	}
	if (p == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source has no feature columns"),
				 errhint("A model needs at least one column besides the target.")));
	cols[p] = tcol;

	out->p = p;
	out->ncols = p + 1;
	out->attno = cols;
	out->kind = palloc(sizeof(MlpNumKind) * out->ncols);
	out->names = palloc(sizeof(char *) * out->ncols);
	out->types = palloc(sizeof(char *) * out->ncols);
	out->natts_needed = td->natts;
	out->impute = palloc0(sizeof(int) * out->ncols);
	out->any_drop = false;
	out->any_encoded = false;
	out->outfunc = palloc0(sizeof(Oid) * out->ncols);
	out->max_categories = palloc0(sizeof(int) * out->ncols);
	out->encode = palloc0(sizeof(uint8) * out->ncols);
	out->encode_param = palloc0(sizeof(double) * out->ncols);
	foreach(lc, spec->prep)
	{
		MlpPrepSpec *ps = lfirst(lc);
		bool		known = strcmp(ps->column, "*") == 0;

		for (int j = 0; j < p && !known; j++)
			known = strcmp(NameStr(TupleDescAttr(td, cols[j])->attname), ps->column) == 0;
		if (!known)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("preprocess names \"%s\", which is not a feature", ps->column),
					 errhint("Keys of preprocess are feature names, or \"*\" for every feature.")));
	}
	for (int j = 0; j < p; j++)
	{
		Form_pg_attribute a = TupleDescAttr(td, cols[j]);
		const MlpPrepSpec *ps = MlpPrepFor(spec->prep, NameStr(a->attname));
		const MlpPrepSpec *own = NULL;
		bool		categorical = MlpNumKindOf(a->atttypid) == MLP_NUM_NONE &&
			MlpDateKindOf(a->atttypid) == MLP_NUM_NONE &&
			MlpArrayKindOf(a->atttypid) == MLP_NUM_NONE;

		foreach(lc, spec->prep)
			if (strcmp(((MlpPrepSpec *) lfirst(lc))->column, NameStr(a->attname)) == 0 &&
				!spec->from_model)
				own = lfirst(lc);
		/*
		 * A column's own settings must fit its kind; "*" reaches each kind
		 * with its part.  An ordinal or target encoded column is one numeric
		 * feature: it may be imputed and scaled (target encoding has no
		 * NULL: it is a category).
		 */
		if (own && categorical && (own->transform != MLP_TRANSFORM_NONE ||
								   (own->has_impute && ps->encode != MLP_ENCODE_ORDINAL) ||
								   (own->has_scale &&
									ps->encode != MLP_ENCODE_ORDINAL &&
									ps->encode != MLP_ENCODE_TARGET)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("preprocess \"%s\": %s does not apply to %s encoded feature",
							NameStr(a->attname),
							own->transform != MLP_TRANSFORM_NONE ? "transform" :
							own->has_impute ? "impute" : "scale",
							ps->encode == MLP_ENCODE_HASH ? "a hash" :
							ps->encode == MLP_ENCODE_ORDINAL ? "an ordinal" :
							ps->encode == MLP_ENCODE_TARGET ? "a target" : "a one-hot"),
					 errhint("Keys for a categorical feature: encode, max_categories, smoothing, buckets; impute with encode \"ordinal\"; scale with \"ordinal\" or \"target\"; transform never.")));
		if (own && !categorical && own->has_encode)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("preprocess \"%s\": encode and max_categories apply to categorical features only",
							NameStr(a->attname)),
					 errhint("Keys for a numeric or date feature: impute, fill_value, scale.")));
		if (categorical)
		{
			out->max_categories[j] = ps ? ps->max_categories : 0;
			out->encode[j] = ps ? (uint8) ps->encode : MLP_ENCODE_ONEHOT;
			out->encode_param[j] = !ps ? 0 : ps->encode == MLP_ENCODE_HASH ? ps->buckets :
				ps->smoothing;
			/*
			 * Ordinal values are numbers with NULLs: imputed like any number
			 * (a model's own settings, for evaluate, are ordinal ones).
			 */
			if (out->encode[j] != MLP_ENCODE_ORDINAL && !spec->from_model)
				ps = NULL;
		}
		if (own && own->transform != MLP_TRANSFORM_NONE &&
			MlpDateKindOf(a->atttypid) != MLP_NUM_NONE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("preprocess \"%s\": transform does not apply to a date feature",
							NameStr(a->attname)),
					 errhint("Transform the parts in a source query with extract() if needed.")));
		/* one constant would stand for the year, the month and the epoch alike */
		if (ps && ps->impute == MLP_IMPUTE_CONSTANT && MlpDateKindOf(a->atttypid) != MLP_NUM_NONE)
		{
			if (own && own->has_impute)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("preprocess \"%s\": impute \"constant\" does not apply to a date feature",
								NameStr(a->attname)),
						 errhint("Use mean, median, most_frequent or drop for a date feature, or coalesce() in a source query.")));
			ps = NULL;			/* "*" with a constant does not reach dates */
		}
		out->impute[j] = ps ? (int) ps->impute : MLP_IMPUTE_ERROR;
		out->any_drop |= (out->impute[j] == MLP_IMPUTE_DROP);
	}
	for (int j = 0; j < out->ncols; j++)
	{
		Form_pg_attribute a = TupleDescAttr(td, cols[j]);

		out->kind[j] = MlpNumKindOf(a->atttypid);
		if (j == p && out->classification)
		{
			/* class labels: codes of their text, like a categorical feature */
			bool		isvarlena;

			out->target_numkind = out->kind[j];
			out->kind[j] = MLP_NUM_CATEGORY;
			getTypeOutputInfo(a->atttypid, &out->outfunc[j], &isvarlena);
		}
		else if (j < p && out->kind[j] == MLP_NUM_NONE &&
				 MlpArrayKindOf(a->atttypid) != MLP_NUM_NONE)
		{
			/* elements kept beside the matrix, expanded after the split */
			out->kind[j] = MlpArrayKindOf(a->atttypid);
			out->any_encoded = true;
			out->needs_rowcxt = true;	/* detoasting allocates */
		}
		else if (j < p && out->kind[j] == MLP_NUM_NONE &&
				 MlpDateKindOf(a->atttypid) != MLP_NUM_NONE)
		{
			/* loaded as epoch seconds, expanded into its parts after the split */
			out->kind[j] = MlpDateKindOf(a->atttypid);
			out->any_encoded = true;
		}
		else if (j < p && out->kind[j] == MLP_NUM_NONE)
		{
			bool		isvarlena;

			out->kind[j] = MLP_NUM_CATEGORY;
			getTypeOutputInfo(a->atttypid, &out->outfunc[j], &isvarlena);
			out->any_encoded = true;
		}
		out->needs_rowcxt |= (out->kind[j] == MLP_NUM_NUMERIC ||
							  out->kind[j] == MLP_NUM_CATEGORY);
		out->names[j] = pstrdup(NameStr(a->attname));
		out->types[j] = format_type_be(a->atttypid);
	}

	MlpHashColumns(td, spec, out);
}

/*
 * The columns the split hashes.  A random split hashes every column of the
 * source row, found by name: the holdout then depends on the data and the
 * seed only, not on which columns are features, nor on their order.  A hash
 * split hashes its key column alone; an order split hashes nothing.
 */
void
MlpHashColumns(TupleDesc td, const MlpSourceSpec *spec, MlpColumns *out)
{
	out->nhash = 0;
	out->order_attno = -1;
	out->stratified = (spec->split == MLP_SPLIT_STRATIFIED);
	out->order_type = InvalidOid;
	out->hash_attno = palloc(sizeof(int) * Max(td->natts, 1));
	out->hash_len = palloc(sizeof(int16) * Max(td->natts, 1));
	out->hash_byval = palloc(sizeof(bool) * Max(td->natts, 1));
	out->hash_name = palloc(sizeof(uint64) * Max(td->natts, 1));
	for (int i = 0; i < td->natts; i++)
	{
		Form_pg_attribute a = TupleDescAttr(td, i);
		int			h = out->nhash;

		if (a->attisdropped)
			continue;
		/* random and stratified splits hash every column */
		if (spec->split_column != NULL &&
			strcmp(NameStr(a->attname), spec->split_column) != 0)
			continue;
		if (spec->split == MLP_SPLIT_ORDER)
		{
			out->order_attno = i;
			out->order_type = getBaseType(a->atttypid);
			out->needs_rowcxt |= (a->attlen == -1);
			continue;
		}
		out->hash_attno[h] = i;
		out->hash_len[h] = a->attlen;
		out->hash_byval[h] = a->attbyval;
		out->hash_name[h] = hash_bytes_extended((const unsigned char *) NameStr(a->attname),
												strlen(NameStr(a->attname)), 0);
		out->needs_rowcxt |= (a->attlen == -1);
		out->nhash++;
	}
	if (spec->split == MLP_SPLIT_ORDER)
	{
		if (out->order_attno < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("split column \"%s\" does not exist in the source",
							spec->split_column)));
		if (MlpNumKindOf(out->order_type) == MLP_NUM_NONE &&
			out->order_type != DATEOID && out->order_type != TIMESTAMPOID &&
			out->order_type != TIMESTAMPTZOID)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("split column \"%s\" has type %s, which an order split cannot use",
							spec->split_column, format_type_be(out->order_type)),
					 errhint("An order split needs a number, a date or a timestamp.")));
	}
	else if (spec->split == MLP_SPLIT_HASH && out->nhash == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("split column \"%s\" does not exist in the source",
						spec->split_column)));
}

/* The 64-bit finalizer of splitmix64: a cheap, well-mixed hash step. */
static inline uint64
Mix64(uint64 z)
{
	z = (z ^ (z >> 30)) * UINT64CONST(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64CONST(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/*
 * Rows whose seeded hash is below this go to the test split.  Each row
 * decides alone, from its own values, so the split is the same for any scan
 * order and any division of the rows between processes.
 */
uint64
MlpSplitThreshold(double test_size)
{
	if (test_size <= 0)
		return 0;
	return (uint64) ldexp(test_size, 64);
}

/* The per-training start of every row hash. */
uint64
MlpSplitSeed(int64 seed)
{
	return Mix64((uint64) seed ^ UINT64CONST(0x9e3779b97f4a7c15));
}

/* The salt of a column, from the seed and the column's name. */
uint64
MlpColumnSalt(uint64 h0, uint64 name_hash)
{
	return Mix64(h0 + name_hash);
}

/* Whether a row with hash h is a test row. */
bool
MlpSplitIsTest(uint64 h, uint64 h0, uint64 threshold)
{
	return threshold != 0 && MlpSplitKey(h, h0) < threshold;
}

/* A row's uniform 64-bit key under a seed: below the threshold is a test row. */
uint64
MlpSplitKey(uint64 h, uint64 h0)
{
	return Mix64(h ^ h0);
}

/* Parse split => 'random' | 'hash:<column>' | 'order:<column>'. */
void
MlpParseSplit(const char *split, MlpSourceSpec *spec)
{
	spec->split_column = NULL;
	if (strcmp(split, "random") == 0)
		spec->split = MLP_SPLIT_RANDOM;
	else if (strncmp(split, "hash:", 5) == 0 && split[5] != '\0')
	{
		spec->split = MLP_SPLIT_HASH;
		spec->split_column = pstrdup(split + 5);
	}
	else if (strncmp(split, "order:", 6) == 0 && split[6] != '\0')
	{
		spec->split = MLP_SPLIT_ORDER;
		spec->split_column = pstrdup(split + 6);
	}
	else if (strcmp(split, "stratified") == 0)
		spec->split = MLP_SPLIT_STRATIFIED;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown split \"%s\"", split),
				 errhint("Use random, stratified, hash:<column> or order:<column>.")));
}

/* The split as the user wrote it, for the stored training spec. */
char *
MlpSplitText(const MlpSourceSpec *spec)
{
	switch (spec->split)
	{
		case MLP_SPLIT_HASH:
			return psprintf("hash:%s", spec->split_column);
		case MLP_SPLIT_ORDER:
			return psprintf("order:%s", spec->split_column);
		case MLP_SPLIT_STRATIFIED:
			return pstrdup("stratified");
		case MLP_SPLIT_RANDOM:
			break;
	}
	return pstrdup("random");
}

/* Qsort comparator for doubles. */
static int
CompareOrder(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/*
 * The order split: the ceil(test_size * n) rows with the largest values are
 * the test rows; rows equal to the smallest of those join them, so equal
 * values never straddle the cut.  Returns the number of test rows.
 */
int64
MlpOrderSplit(const double *order, int64 n, double test_size, uint8 *is_test)
{
	int64		k = (test_size > 0) ? (int64) ceil(test_size * (double) n) : 0;
	double	   *sorted;
	double		cut;
	int64		ntest = 0;

	if (k == 0 || n == 0)
	{
		if (n > 0)
			memset(is_test, 0, n);
		return 0;
	}
	sorted = MemoryContextAllocExtended(CurrentMemoryContext, sizeof(double) * n,
										MCXT_ALLOC_HUGE);
	memcpy(sorted, order, sizeof(double) * n);
	qsort(sorted, n, sizeof(double), CompareOrder);
	cut = sorted[n - Min(k, n)];
	for (int64 i = 0; i < n; i++)
	{
		is_test[i] = order[i] >= cut;
		ntest += is_test[i];
	}
	pfree(sorted);
	return ntest;
}

/* Start an empty matrix for the given columns, in the current context. */
void
MlpSinkInit(MlpRowSink *sink, const MlpColumns *cols, int64 expected_rows,
			pg_atomic_uint64 *shared_bytes, int64 seed, uint64 threshold)
{
	memset(sink, 0, sizeof(*sink));
	sink->cols = cols;
	sink->cxt = CurrentMemoryContext;
	sink->rowcxt = cols->needs_rowcxt ?
		AllocSetContextCreate(CurrentMemoryContext, "mlpipe row",
							  ALLOCSET_SMALL_SIZES) : NULL;
	sink->nnull = palloc0(sizeof(int64) * cols->ncols);
	sink->m.ncols = cols->ncols;
	sink->shared_bytes = shared_bytes;
	sink->first_cap = Max(expected_rows, INITIAL_ROWS);
	sink->threshold = threshold;
	sink->h0 = MlpSplitSeed(seed);
	sink->salt = palloc(sizeof(uint64) * Max(cols->nhash, 1));
	sink->min = palloc(sizeof(double) * cols->ncols);
	sink->max = palloc(sizeof(double) * cols->ncols);
	for (int h = 0; h < cols->nhash; h++)
		sink->salt[h] = MlpColumnSalt(sink->h0, cols->hash_name[h]);
	for (int j = 0; j < cols->ncols; j++)
	{
		sink->min[j] = INFINITY;
		sink->max[j] = -INFINITY;
	}
	sink->arrays = palloc0(sizeof(MlpArrayBuf *) * cols->ncols);
	for (int j = 0; j < cols->ncols; j++)
		if (MlpIsArrayKind(cols->kind[j]))
		{
			sink->arrays[j] = palloc0(sizeof(MlpArrayBuf));
			sink->arrays[j]->len = -1;
		}
	sink->cats = palloc0(sizeof(MlpCategories *) * cols->ncols);
	for (int j = 0; j < cols->ncols; j++)
		if (cols->kind[j] == MLP_NUM_CATEGORY)
		{
			MlpCategories *c = MlpCategoriesNew();

			sink->cats[j] = c;
		}
}

/*
 * Ask for transparent huge pages on a large fresh allocation: filling a
 * matrix otherwise takes one page fault per 4 kB, which costs as much as
 * converting the values.  Only a hint; failure changes nothing.
 */
void
MlpHugePageHint(void *ptr, Size len)
{
#ifdef MADV_HUGEPAGE
	const uintptr_t huge = 2 * 1024 * 1024;
	uintptr_t	start = ((uintptr_t) ptr + huge - 1) & ~(huge - 1);
	uintptr_t	end = ((uintptr_t) ptr + len) & ~(huge - 1);

	if (end > start)
		(void) madvise((void *) start, end - start, MADV_HUGEPAGE);
#endif
}

/*
 * Grow the matrix (capacity doubling), within mlpipe.max_memory.  With
 * shared_bytes, the budget is shared with the other parallel participants.
 */
static void
GrowMatrix(MlpRowSink *sink)
{
	MlpMatrix  *m = &sink->m;
	Size		rowbytes = add_size(mul_size(sizeof(double),
											 (Size) m->ncols + (sink->cols->order_attno >= 0) +
											 sink->cols->stratified), 1);
	Size		limit = mul_size((Size) mlpipe_max_memory_kb, 1024);
	Size		others = 0;
	int64		newcap = m->cap ? m->cap * 2 : sink->first_cap;
	Size		oldbytes = mul_size(rowbytes, (Size) m->cap);
	Size		newbytes;
	double	   *nd;

	if (sink->shared_bytes)
		others = pg_atomic_read_u64(sink->shared_bytes) - oldbytes;
	if (others >= limit)
		MlpCheckMemory(add_size(others, rowbytes), "the training data");
	if ((Size) newcap > (limit - others) / rowbytes)
		newcap = (int64) ((limit - others) / rowbytes);
	if (newcap <= m->nrows)
		MlpCheckMemory(add_size(others, mul_size(rowbytes, (Size) m->nrows + 1)),
					   "the training data");
	newbytes = mul_size(rowbytes, (Size) newcap);
	if (sink->shared_bytes)
		pg_atomic_fetch_add_u64(sink->shared_bytes, newbytes - oldbytes);
	nd = MemoryContextAllocExtended(sink->cxt,
									mul_size(sizeof(double) * m->ncols, (Size) newcap),
									MCXT_ALLOC_HUGE);
	MlpHugePageHint(nd, sizeof(double) * m->ncols * (Size) newcap);
	for (int j = 0; j < m->ncols; j++)
		if (m->nrows > 0)
			memcpy(nd + (Size) j * newcap, m->data + (Size) j * m->cap,
				   sizeof(double) * m->nrows);
	if (m->data)
		pfree(m->data);
	m->data = nd;
	m->cap = newcap;
	if (sink->is_test)
		sink->is_test = repalloc_huge(sink->is_test, (Size) newcap);
	else
		sink->is_test = MemoryContextAllocExtended(sink->cxt, (Size) newcap,
												   MCXT_ALLOC_HUGE);
	if (sink->cols->stratified)
		sink->key = sink->key ?
			repalloc_huge(sink->key, sizeof(uint64) * (Size) newcap) :
			MemoryContextAllocExtended(sink->cxt, sizeof(uint64) * (Size) newcap,
									   MCXT_ALLOC_HUGE);
	if (sink->cols->order_attno >= 0)
		sink->order = sink->order ?
			repalloc_huge(sink->order, sizeof(double) * (Size) newcap) :
			MemoryContextAllocExtended(sink->cxt, sizeof(double) * (Size) newcap,
									   MCXT_ALLOC_HUGE);
}

/*
 * A 64-bit identity of a value's binary form: the Datum itself for
 * pass-by-value types, a hash of the (detoasted) bytes otherwise.
 */
uint64
MlpDatumHash(Datum d, int16 typlen, bool typbyval)
{
	if (typbyval)
		return (uint64) d;
	if (typlen == -1)
	{
		struct varlena *v = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(d));

		return hash_bytes_extended((const unsigned char *) VARDATA_ANY(v),
								   VARSIZE_ANY_EXHDR(v), 0);
	}
	if (typlen == -2)
		return hash_bytes_extended((const unsigned char *) DatumGetCString(d),
								   strlen(DatumGetCString(d)), 0);
	return hash_bytes_extended((const unsigned char *) DatumGetPointer(d),
							   typlen, 0);
}

/*
 * The split hash of a row: the seed mixed with the binary value of every
 * hashed column, each under a salt made from the column's name (each column
 * mixed on its own, so the steps do not wait on each other).
 */
uint64
MlpRowHash(const MlpColumns *cols, const uint64 *salt, uint64 h0,
		   const Datum *values, const bool *isnull)
{
	uint64		h = h0;

	for (int c = 0; c < cols->nhash; c++)
	{
		int			a = cols->hash_attno[c];
		uint64		x;

		if (isnull[a])
			x = UINT64CONST(0x6a09e667f3bcc909);
		else if (cols->hash_byval[c])
			x = (uint64) values[a];	/* the common case, without a call */
		else
			x = MlpDatumHash(values[a], cols->hash_len[c], false);
		x = (x ^ salt[c]) * UINT64CONST(0x9fb21c651e98df25);
		h += (x ^ (x >> 29)) * (salt[c] | 1);
	}
	return h;
}

/* An order-split column's value as a number (dates in days, times in us). */
static double
OrderValue(Datum d, Oid type)
{
	switch (type)
	{
		case DATEOID:
			return (double) DatumGetDateADT(d);
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			return (double) DatumGetTimestamp(d);
		default:
			return MlpDatumToFloat8(d, MlpNumKindOf(type));
	}
}

/* Whether an array value has a NULL element (a detoasted copy is freed). */
static bool
ArrayHasNulls(Datum d)
{
	ArrayType  *arr = DatumGetArrayTypeP(d);
	bool		has = array_contains_nulls(arr);

	if ((Pointer) arr != DatumGetPointer(d))
		pfree(arr);
	return has;
}

/*
 * Append row i of array column j: its elements, or NaN for each of a NULL
 * array.  The length is the first non-NULL array's; rows before it were
 * NULL and become NaN then.  The buffer grows with the matrix, within the
 * memory budget.
 */
static void
AddArrayRow(MlpRowSink *sink, int j, int64 i, bool isnull, Datum value)
{
	MlpArrayBuf *b = sink->arrays[j];
	const char *name = sink->cols->names[j];
	double		tmp[MLP_MAX_ARRAY_LENGTH];

	if (!isnull && b->len < 0)
		b->len = MlpArrayElements(value, sink->cols->kind[j], name, -1, tmp);
	else if (!isnull)
		(void) MlpArrayElements(value, sink->cols->kind[j], name, b->len, tmp);
	if (b->len < 0)
		return;					/* NULLs so far: filled in once the length is known */
	if (i >= b->cap)
	{
		/* doubling, within the matrix's rows (sized from statistics, maybe stale) */
		int64		newcap = Min(Max(b->cap * 2, Max(i + 1, 1024)), Max(sink->m.cap, i + 1));
		Size		bytes = mul_size(mul_size(sizeof(double), (Size) b->len), (Size) newcap);

		MlpCheckMemory(add_size(bytes, mul_size(mul_size(sizeof(double), sink->m.ncols),
												(Size) sink->m.cap)),
					   "the training data with its array elements");
		b->data = b->data ?
			repalloc_huge(b->data, bytes) :
			MemoryContextAllocExtended(sink->cxt, bytes, MCXT_ALLOC_HUGE);
		/* rows before the first array were NULL */
		for (int64 r = b->cap; r < i; r++)
			for (int k = 0; k < b->len; k++)
				b->data[(Size) r * b->len + k] = NAN;
		b->cap = newcap;
	}
	for (int k = 0; k < b->len; k++)
		b->data[(Size) i * b->len + k] = isnull ? NAN : tmp[k];
}

/*
 * Append one row given as deformed values (indexed by attribute).  The
 * row's split side and the column ranges are settled here, so no later pass
 * over the matrix is needed.
 */
void
MlpSinkAdd(MlpRowSink *sink, const Datum *values, const bool *isnull)
{
	MlpMatrix  *m = &sink->m;
	const MlpColumns *cols = sink->cols;
	int64		i = m->nrows;
	MemoryContext old = NULL;
	uint64		h = 0;

	/*
	 * A NULL in a column imputed by "drop" leaves the row out; so does a
	 * NULL element of such an array.
	 */
	if (cols->any_drop)
		for (int j = 0; j < cols->p; j++)
			if (cols->impute[j] == MLP_IMPUTE_DROP &&
				(isnull[cols->attno[j]] ||
				 (MlpIsArrayKind(cols->kind[j]) && ArrayHasNulls(values[cols->attno[j]]))))
			{
				sink->dropped++;
				return;
			}
	if (i == m->cap)
		GrowMatrix(sink);
	if (sink->rowcxt)
		old = MemoryContextSwitchTo(sink->rowcxt);
	for (int j = 0; j < cols->ncols; j++)
	{
		int			a = cols->attno[j];
		double		v;

		if (MlpIsArrayKind(cols->kind[j]))
		{
			/* the elements beside the matrix; NaN here marks a NULL array */
			AddArrayRow(sink, j, i, isnull[a], values[a]);
			if (isnull[a])
				sink->nnull[j]++;
			m->data[(Size) j * m->cap + i] = isnull[a] ? NAN : 0;
			continue;
		}
		if (cols->kind[j] == MLP_NUM_CATEGORY)
		{
			/* the category's code; NULL is a category of its own (-1) */
			if (isnull[a])
				m->data[(Size) j * m->cap + i] = -1;
			else if (j == cols->p && cols->target_numkind != MLP_NUM_NONE &&
					 cols->target_numkind != MLP_NUM_BOOL)
			{
				/* numeric labels by value: 1 and 1.0 are one class */
				double		y = MlpDatumToFloat8(values[a], cols->target_numkind);

				if (!isfinite(y))
					ereport(ERROR,
							(errcode(ERRCODE_DATA_EXCEPTION),
							 errmsg("target column \"%s\" holds %s in the source",
									cols->names[j], isnan(y) ? "NaN" : "Infinity"),
							 errhint("Filter such rows out in a source query.")));
				if (y != floor(y))
					ereport(ERROR,
							(errcode(ERRCODE_DATA_EXCEPTION),
							 errmsg("classification target \"%s\" holds the non-integral value %s",
									cols->names[j], float8out_internal(y)),
							 errdetail("Numeric class labels must be whole numbers, as in scikit-learn."),
							 errhint("A continuous target needs a regression algorithm, such as linear_regression.")));
				if (y != 0 && fabs(y) < 1e15)
				{
					/* a whole number's text is its digits: no float formatting per row */
					char		buf[MAXINT8LEN + 1];
					int			len = pg_lltoa((int64) y, buf);

					m->data[(Size) j * m->cap + i] =
						MlpCategoryCodeBytes(sink->cats[j], buf, len, true);
				}
				else
					m->data[(Size) j * m->cap + i] =
						MlpCategoryCode(sink->cats[j], float8out_internal(y), true);
			}
			else if (j == cols->p && cols->target_numkind == MLP_NUM_BOOL)
			{
				/* boolean labels: boolout's text without calling it per row */
				m->data[(Size) j * m->cap + i] =
					MlpCategoryCodeBytes(sink->cats[j], DatumGetBool(values[a]) ? "t" : "f", 1, true);
			}
			else if (cols->outfunc[j] == F_TEXTOUT || cols->outfunc[j] == F_VARCHAROUT)
			{
				/* text and varchar: their bytes are their text */
				struct varlena *v = (struct varlena *) PG_DETOAST_DATUM_PACKED(values[a]);

				m->data[(Size) j * m->cap + i] =
					MlpCategoryCodeBytes(sink->cats[j], VARDATA_ANY(v),
										 VARSIZE_ANY_EXHDR(v), true);
			}
			else
				m->data[(Size) j * m->cap + i] =
					MlpCategoryCode(sink->cats[j],
									MlpCategoryText(cols->outfunc[j], values[a]), true);
			continue;
		}
		if (isnull[a])
		{
			/* NaN marks a NULL: real NaNs are refused below */
			sink->nnull[j]++;
			m->data[(Size) j * m->cap + i] = NAN;
			continue;
		}
		else
		{
			v = MlpDatumToFloat8(values[a], cols->kind[j]);
			if (unlikely(!isfinite(v)))
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("column \"%s\" holds %s in the source",
								cols->names[j], isnan(v) ? "NaN" : "Infinity"),
						 errhint("Filter such rows out in a source query.")));
		}
		m->data[(Size) j * m->cap + i] = v;
		sink->min[j] = Min(sink->min[j], v);
		sink->max[j] = Max(sink->max[j], v);
	}
	if ((sink->threshold || cols->stratified) && cols->order_attno < 0)
		h = MlpRowHash(cols, sink->salt, sink->h0, values, isnull);
	if (cols->stratified)
		sink->key[i] = MlpSplitKey(h, sink->h0);
	if (cols->order_attno >= 0)
	{
		if (isnull[cols->order_attno])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("split column holds NULL"),
					 errhint("An order split needs a value in every row; filter NULLs out in a source query.")));
		sink->order[i] = OrderValue(values[cols->order_attno], cols->order_type);
		if (!isfinite(sink->order[i]))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("split column holds NaN or Infinity"),
					 errhint("An order split needs finite values; filter such rows out in a source query.")));
	}
	if (sink->rowcxt)
	{
		MemoryContextSwitchTo(old);
		MemoryContextReset(sink->rowcxt);
	}
	sink->is_test[i] = cols->order_attno < 0 && !cols->stratified &&
		MlpSplitIsTest(h, sink->h0, sink->threshold);
	sink->ntest += sink->is_test[i];
	m->nrows = i + 1;
}

/*
 * Report NULLs found in a column that may not have them (the target, and
 * features without an imputation), now that all rows were counted.
 */
void
MlpCheckNulls(const MlpColumns *cols, const int64 *nnull, int64 nrows)
{
	for (int j = 0; j < cols->ncols; j++)
	{
		if (nnull[j] == 0 || (j < cols->p && cols->impute[j] != MLP_IMPUTE_ERROR))
			continue;
		if (nnull[j] == nrows)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("column \"%s\" is NULL in every row", cols->names[j]),
					 errhint("Leave the column out with exclude => ARRAY['%s'].",
							 cols->names[j])));
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("column \"%s\" is NULL in %lld of %lld rows",
						cols->names[j], (long long) nnull[j], (long long) nrows),
				 errhint("Filter those rows out or fill them in a source query, e.g. with coalesce().")));
	}
}

/* Map the result's columns to matrix columns, once the row type is known. */
static void
ReceiverStartup(DestReceiver *self, int operation, TupleDesc td)
{
	MatrixReceiver *r = (MatrixReceiver *) self;
	MemoryContext old = MemoryContextSwitchTo(r->cxt);

	if (r->started)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source must be a single query")));
	r->started = true;
	MlpResolveColumns(r->spec, td, &r->ds->cols);
	MlpSinkInit(&r->sink, &r->ds->cols, r->expected_rows, NULL, r->seed,
				r->threshold);
	MemoryContextSwitchTo(old);
}

/* One row into the matrix. */
static bool
ReceiverSlot(TupleTableSlot *slot, DestReceiver *self)
{
	MatrixReceiver *r = (MatrixReceiver *) self;

	CHECK_FOR_INTERRUPTS();
	slot_getsomeattrs(slot, r->ds->cols.natts_needed);
	MlpSinkAdd(&r->sink, slot->tts_values, slot->tts_isnull);
	return true;
}

/* Nothing to flush: the matrix is complete as rows arrive. */
static void
ReceiverShutdown(DestReceiver *self)
{
}

/* The receiver lives in the training context; nothing to free. */
static void
ReceiverDestroy(DestReceiver *self)
{
}

/*
 * Run a checked source query (MlpSourceQuery) read-only through SPI, its
 * rows going to dest; the planner may choose a parallel plan.
 */
void
MlpRunSource(const char *query, DestReceiver *dest)
{
	SPIExecuteOptions opts;
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	memset(&opts, 0, sizeof(opts));
	opts.read_only = true;
	opts.dest = dest;
	rc = SPI_execute_extended(query, &opts);
	/* SPI reports a SELECT whose rows went to a DestNone receiver as utility */
	if (rc != SPI_OK_SELECT && rc != SPI_OK_UTILITY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source must be a table, a view or a SELECT query")));
	SPI_finish();
}

/*
 * How many rows a source named by a table will give, from the planner's
 * statistics (a little more, so that one allocation usually holds them);
 * INITIAL_ROWS for queries and tables never analysed.  Growing the matrix
 * by doubling costs copies and page faults that one right size avoids.
 */
static int64
ExpectedRows(const char *source)
{
	Oid			relid;
	HeapTuple	tup;
	double		reltuples = -1;

	if (LooksLikeQuery(source))
		return INITIAL_ROWS;
	relid = RangeVarGetRelid(makeRangeVarFromNameList(stringToQualifiedNameList(source)),
							 NoLock, true);
	if (!OidIsValid(relid))
		return INITIAL_ROWS;
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (HeapTupleIsValid(tup))
	{
		reltuples = ((Form_pg_class) GETSTRUCT(tup))->reltuples;
		ReleaseSysCache(tup);
	}
	if (!(reltuples > 0) || reltuples > 1e9)
		return INITIAL_ROWS;
	return (int64) (reltuples * 1.02) + INITIAL_ROWS;
}

/*
 * Load a source into a dataset allocated in the current memory context,
 * through SPI with our receiver.  NULLs are counted during the scan and
 * reported per column at the end.
 */
MlpDataset *
MlpLoadSource(const MlpSourceSpec *spec, int64 seed, uint64 threshold)
{
	MatrixReceiver *r = palloc0(sizeof(MatrixReceiver));
	MlpDataset *ds = palloc0(sizeof(MlpDataset));

	ds->query = MlpSourceQuery(spec->source);
	r->pub.receiveSlot = ReceiverSlot;
	r->pub.rStartup = ReceiverStartup;
	r->pub.rShutdown = ReceiverShutdown;
	r->pub.rDestroy = ReceiverDestroy;
	r->pub.mydest = DestNone;
	r->spec = spec;
	r->ds = ds;
	r->cxt = CurrentMemoryContext;
	r->seed = seed;
	r->threshold = threshold;
	r->expected_rows = ExpectedRows(spec->source);

	MlpRunSource(ds->query, (DestReceiver *) r);
	if (!r->started)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source query returned no result columns")));
	MlpCheckNulls(&ds->cols, r->sink.nnull, r->sink.m.nrows);
	ds->m = r->sink.m;
	ds->is_test = r->sink.is_test;
	ds->order = r->sink.order;
	ds->key = r->sink.key;
	ds->dropped = r->sink.dropped;
	ds->nnull = r->sink.nnull;
	ds->arrays = r->sink.arrays;
	ds->cats = r->sink.cats;
	ds->ntest = r->sink.ntest;
	ds->min = r->sink.min;
	ds->max = r->sink.max;
	ds->p = ds->cols.p;
	ds->names = ds->cols.names;
	ds->types = ds->cols.types;
	if (r->sink.rowcxt)
		MemoryContextDelete(r->sink.rowcxt);
	return ds;
}

/* a row of a stratified split: its class, its key, its position */
typedef struct StratRow
{
	double		cls;
	int64		key;			/* signed, as mlpipe_split_key returns it */
	int64		i;
} StratRow;

static int
CompareStratRow(const void *a, const void *b)
{
	const StratRow *x = a;
	const StratRow *y = b;

	if (x->cls != y->cls)
		return (x->cls < y->cls) ? -1 : 1;
	if (x->key != y->key)
		return (x->key < y->key) ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/*
 * A stratified split: in each class (each value of cls), the
 * floor(test_size * rows of the class + 0.5) rows with the lowest keys are test
 * rows.  The keys are the random split's, so the sides depend on the data
 * and the seed only; mlpipe_split reproduces them with mlpipe_split_key.
 */
int64
MlpStratifiedSplit(const uint64 *key, const double *cls, int64 n, double test_size,
				   uint8 *is_test)
{
	StratRow   *r = MemoryContextAllocExtended(CurrentMemoryContext,
											   sizeof(StratRow) * Max(n, 1), MCXT_ALLOC_HUGE);
	int64		ntest = 0;
	int			nclasses = 0;

	for (int64 i = 0; i < n; i++)
	{
		r[i].cls = cls[i];
		r[i].key = (int64) key[i];
		r[i].i = i;
	}
	CHECK_FOR_INTERRUPTS();
	qsort(r, n, sizeof(StratRow), CompareStratRow);
	if (n > 0)
		memset(is_test, 0, (Size) n);
	for (int64 a = 0; a < n;)
	{
		int64		b = a;
		int64		k;

		while (b < n && r[b].cls == r[a].cls)
			b++;
		if (++nclasses > MLP_STRATIFIED_MAX_CLASSES)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a stratified split needs a target with at most %d distinct values",
							MLP_STRATIFIED_MAX_CLASSES),
					 errhint("Stratify classification targets; use a random or hash split for a continuous one.")));
		/* the same float8 arithmetic as mlpipe_split's SQL */
		if (b - a < 2 && test_size > 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a stratified split needs at least 2 rows of each target value; %g has 1",
							r[a].cls),
					 errhint("Stratify classification targets; use a random or hash split for a continuous one.")));
		k = (int64) floor(test_size * (double) (b - a) + 0.5);
		for (int64 t = a; t < a + k; t++)
			is_test[r[t].i] = 1;
		ntest += k;
		a = b;
	}
	pfree(r);
	return ntest;
}

/*
 * The type of a column of a source's result, found by planning the query
 * (nothing runs); InvalidOid when the source has no such column.
 */
Oid
MlpSourceColumnType(const char *source, const char *column)
{
	char	   *query = MlpSourceQuery(source);
	SPIPlanPtr	plan;
	List	   *sources;
	Oid			typid = InvalidOid;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	plan = SPI_prepare(query, 0, NULL);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	sources = SPI_plan_get_plan_sources(plan);
	if (list_length(sources) == 1)
	{
		CachedPlanSource *ps = linitial(sources);

		for (int i = 0; ps->resultDesc && i < ps->resultDesc->natts; i++)
		{
			Form_pg_attribute a = TupleDescAttr(ps->resultDesc, i);

			if (!a->attisdropped && strcmp(NameStr(a->attname), column) == 0)
				typid = a->atttypid;
		}
	}
	SPI_finish();
	return typid;
}

/*
 * The plain table a source names, when mlpipe may scan it directly (in
 * parallel): an ordinary, non-temporary table (workers cannot see the
 * leader's temporary buffers) without inheritance children (SELECT would
 * read those too), that the user can read in full, without row-level
 * security.  InvalidOid for queries, views and everything else.
 */
Oid
MlpSourceTable(const char *source)
{
	List	   *names;
	Oid			relid;

	if (LooksLikeQuery(source))
		return InvalidOid;
	names = stringToQualifiedNameList(source);
	relid = RangeVarGetRelid(makeRangeVarFromNameList(names), AccessShareLock, true);
	if (!OidIsValid(relid) || get_rel_relkind(relid) != RELKIND_RELATION ||
		has_subclass(relid) || get_rel_persistence(relid) == RELPERSISTENCE_TEMP)
		return InvalidOid;
	if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		return InvalidOid;
	if (check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
		return InvalidOid;
	return relid;
}
