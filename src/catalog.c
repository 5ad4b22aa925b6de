/*
 * catalog.c
 *	  The catalog tables, through SPI with parameters (never string-built SQL
 *	  with user values in it).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "commands/async.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "catalog.h"

/* Run a parameterised statement; error out unless it returned expect. */
static void
Exec(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls,
	 bool read_only, int expect)
{
	int			rc = SPI_execute_with_args(sql, nargs, types, values, nulls,
										   read_only, 0);

	if (rc != expect)
		elog(ERROR, "mlpipe catalog statement failed (%d): %s", rc, sql);
}

/* First column of the last result's first row, or false if no row / NULL. */
bool
CatalogFirstValue(Datum *out)
{
	bool		isnull;
	Datum		d;

	if (SPI_processed == 0)
		return false;
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		return false;
	*out = d;
	return true;
}

/*
 * The project's id, row-locked so concurrent trainings of one project take
 * versions one after the other.  With create, a missing project is made;
 * a project keeps the task it was made with.
 */
int64
CatalogLockProject(const char *name, const char *task, bool create)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2];
	int64		id;
	bool		isnull;
	char	   *have;

	values[0] = CStringGetTextDatum(name);
	values[1] = task ? CStringGetTextDatum(task) : (Datum) 0;
	Exec("SELECT id, task FROM mlpipe.projects WHERE name = $1 FOR UPDATE",
		 1, types, values, NULL, false, SPI_OK_SELECT);
	if (SPI_processed == 0)
	{
		if (!create || task == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("project \"%s\" does not exist", name)));
		Exec("INSERT INTO mlpipe.projects (name, task) VALUES ($1, $2) "
			 "ON CONFLICT (name) DO NOTHING",
			 2, types, values, NULL, false, SPI_OK_INSERT);
		Exec("SELECT id, task FROM mlpipe.projects WHERE name = $1 FOR UPDATE",
			 1, types, values, NULL, false, SPI_OK_SELECT);
	}
	id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
									 SPI_tuptable->tupdesc, 1, &isnull));
	have = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	if (task && strcmp(have, task) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("project \"%s\" is a %s project, not %s", name, have, task),
				 errhint("Use another project name for a %s model.", task)));
	return id;
}

/* A text[] Datum from C strings. */
static Datum
TextArray(char **items, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		d[i] = CStringGetTextDatum(items[i]);
	return PointerGetDatum(construct_array(d, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * Insert a model with the project's next version number.  The counter lives
 * in the project row (locked by the caller), so a deleted model's version
 * is never given out again.
 */
void
CatalogInsertModel(MlpNewModel *nm, int64 *model_id, int32 *version)
{
	Oid			types[14] = {INT8OID, TEXTOID, TEXTOID, JSONBOID, JSONBOID,
		TEXTARRAYOID, TEXTARRAYOID, TEXTOID, INT8OID, INT8OID, FLOAT8OID,
	INT4OID, BYTEAOID};
	Datum		values[14];
	bool		isnull;

	values[0] = Int64GetDatum(nm->project_id);
	values[1] = CStringGetTextDatum(nm->algorithm);
	values[2] = CStringGetTextDatum(nm->task);
	values[3] = DirectFunctionCall1(jsonb_in, CStringGetDatum(nm->hyperparams));
	values[4] = DirectFunctionCall1(jsonb_in, CStringGetDatum(nm->spec));
	values[5] = TextArray(nm->features, nm->nfeatures);
	values[6] = TextArray(nm->feature_types, nm->nfeatures);
	values[7] = CStringGetTextDatum(nm->target);
	values[8] = Int64GetDatum(nm->n_train);
	values[9] = Int64GetDatum(nm->n_test);
	values[10] = Float8GetDatum(nm->train_seconds);
	values[11] = Int32GetDatum(nm->format_version);
	values[12] = PointerGetDatum(nm->model);

	Exec("WITH p AS (UPDATE mlpipe.projects SET versions = versions + 1 "
		 "WHERE id = $1 RETURNING versions) "
		 "INSERT INTO mlpipe.models (project_id, version, algorithm, task, "
		 "hyperparams, spec, features, feature_types, target, n_train, n_test, "
		 "train_seconds, format_version, model) "
		 "SELECT $1, p.versions, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 "
		 "FROM p RETURNING id, version",
		 13, types, values, NULL, false, SPI_OK_INSERT_RETURNING);
	*model_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
											SPI_tuptable->tupdesc, 1, &isnull));
	*version = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0],
										   SPI_tuptable->tupdesc, 2, &isnull));
}

/* One metric row; cls may be NULL. */
void
CatalogInsertMetric(int64 model_id, const char *split, const char *metric,
					const char *cls, double value)
{
	Oid			types[5] = {INT8OID, TEXTOID, TEXTOID, TEXTOID, FLOAT8OID};
	Datum		values[5];
	char		nulls[5] = {' ', ' ', ' ', cls ? ' ' : 'n', ' '};

	values[0] = Int64GetDatum(model_id);
	values[1] = CStringGetTextDatum(split);
	values[2] = CStringGetTextDatum(metric);
	values[3] = cls ? CStringGetTextDatum(cls) : (Datum) 0;
	values[4] = Float8GetDatum(value);
	Exec("INSERT INTO mlpipe.metrics (model_id, split, metric, class, value) "
		 "VALUES ($1, $2, $3, $4, $5)",
		 5, types, values, nulls, false, SPI_OK_INSERT);
}

/* A model's metric value (class NULL), if recorded. */
bool
CatalogGetMetric(int64 model_id, const char *split, const char *metric,
				 double *value)
{
	Oid			types[3] = {INT8OID, TEXTOID, TEXTOID};
	Datum		values[3] = {Int64GetDatum(model_id), CStringGetTextDatum(split),
	CStringGetTextDatum(metric)};
	Datum		d;

	Exec("SELECT value FROM mlpipe.metrics WHERE model_id = $1 AND split = $2 "
		 "AND metric = $3 AND class IS NULL ORDER BY id DESC LIMIT 1",
		 3, types, values, NULL, false, SPI_OK_SELECT);
	if (!CatalogFirstValue(&d))
		return false;
	*value = DatumGetFloat8(d);
	return true;
}

/* The project's live model (newest deployment), or 0. */
int64
CatalogLiveModel(int64 project_id)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(project_id)};
	Datum		d;

	Exec("SELECT model_id FROM mlpipe.deployments WHERE project_id = $1 "
		 "ORDER BY id DESC LIMIT 1",
		 1, types, values, NULL, false, SPI_OK_SELECT);
	return CatalogFirstValue(&d) ? DatumGetInt64(d) : 0;
}

/* Record a deployment and tell listeners on channel mlpipe_deploy. */
int64
CatalogDeploy(int64 project_id, const char *project, int64 model_id,
			  const char *strategy)
{
	Oid			types[3] = {INT8OID, INT8OID, TEXTOID};
	Datum		values[3] = {Int64GetDatum(project_id), Int64GetDatum(model_id),
	CStringGetTextDatum(strategy)};
	StringInfoData payload;

	Exec("INSERT INTO mlpipe.deployments (project_id, model_id, strategy) "
		 "VALUES ($1, $2, $3)",
		 3, types, values, NULL, false, SPI_OK_INSERT);
	initStringInfo(&payload);
	appendStringInfoString(&payload, "{\"project\": ");
	escape_json(&payload, project);
	appendStringInfo(&payload, ", \"model_id\": " INT64_FORMAT "}", model_id);
	Async_Notify("mlpipe_deploy", payload.data);
	return model_id;
}

/* Load the stored row of a model; error if it does not exist. */
void
CatalogFetchModel(int64 model_id, MlpStoredModel *sm)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(model_id)};
	bool		isnull;
	HeapTuple	tup;
	TupleDesc	td;

	Exec("SELECT ctid, xmin, model FROM mlpipe.models WHERE id = $1",
		 1, types, values, NULL, true, SPI_OK_SELECT);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model " INT64_FORMAT " does not exist", model_id)));
	tup = SPI_tuptable->vals[0];
	td = SPI_tuptable->tupdesc;
	sm->model_id = model_id;
	sm->ctid = *(ItemPointer) DatumGetPointer(SPI_getbinval(tup, td, 1, &isnull));
	sm->xmin = DatumGetTransactionId(SPI_getbinval(tup, td, 2, &isnull));
	sm->model = SPI_getbinval(tup, td, 3, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("model " INT64_FORMAT " has no model data", model_id)));
}

/* The deployed model of a project; clear errors when there is none. */
int64
CatalogResolveProject(const char *project)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(project)};
	Datum		d;

	Exec("SELECT d.model_id FROM mlpipe.deployments d "
		 "JOIN mlpipe.projects p ON p.id = d.project_id "
		 "WHERE p.name = $1 ORDER BY d.id DESC LIMIT 1",
		 1, types, values, NULL, true, SPI_OK_SELECT);
	if (CatalogFirstValue(&d))
		return DatumGetInt64(d);
	Exec("SELECT 1 FROM mlpipe.projects WHERE name = $1",
		 1, types, values, NULL, true, SPI_OK_SELECT);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("project \"%s\" does not exist", project),
				 errhint("Train a model first with mlpipe_train().")));
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("project \"%s\" has no deployed model", project),
			 errhint("Deploy one with mlpipe_deploy('%s').", project)));
	return 0;
}
