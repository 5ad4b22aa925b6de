/*
 * deploy.c
 *	  mlpipe_deploy: choose which model of a project is live.
 *
 * The newest row of mlpipe.deployments for a project is its live model, so
 * history is never rewritten and a rollback is just one more row.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"

#include "catalog.h"

PG_FUNCTION_INFO_V1(mlpipe_deploy);

/* Run a query over bigint parameters; the id in its first row, or 0. */
static int64
QueryId(const char *sql, int nargs, Datum *values)
{
	Oid			types[2] = {INT8OID, INT8OID};
	Datum		d;

	if (SPI_execute_with_args(sql, nargs, types, values, NULL, false, 0) < 0)
		elog(ERROR, "mlpipe deploy query failed: %s", sql);
	return CatalogFirstValue(&d) ? DatumGetInt64(d) : 0;
}

/* mlpipe_deploy(project, model_id => NULL, strategy => 'best') -> model id */
Datum
mlpipe_deploy(PG_FUNCTION_ARGS)
{
	char	   *project;
	char	   *strategy;
	int64		project_id;
	int64		model_id = 0;
	Datum		values[2];

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("project must not be NULL")));
	project = text_to_cstring(PG_GETARG_TEXT_PP(0));
	strategy = PG_ARGISNULL(2) ? pstrdup("best") : text_to_cstring(PG_GETARG_TEXT_PP(2));
	if (strcmp(strategy, "best") != 0 && strcmp(strategy, "latest") != 0 &&
		strcmp(strategy, "rollback") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown deploy strategy \"%s\"", strategy),
				 errhint("Use best, latest or rollback, or name a model_id.")));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	project_id = CatalogLockProject(project, NULL, false);
	values[0] = Int64GetDatum(project_id);

	if (!PG_ARGISNULL(1))
	{
		model_id = PG_GETARG_INT64(1);
		values[1] = Int64GetDatum(model_id);
		if (QueryId("SELECT project_id FROM mlpipe.models WHERE id = $2 "
					"AND project_id = $1", 2, values) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("model " INT64_FORMAT " does not exist in project \"%s\"",
							model_id, project)));
		strategy = "manual";
	}
	else if (strcmp(strategy, "best") == 0)
	{
		/*
		 * best test r2 (a classifier's: accuracy); models without one (or
		 * with NaN) rank last, newest first
		 */
		model_id = QueryId("SELECT m.id FROM mlpipe.models m "
						   "LEFT JOIN mlpipe.metrics t ON t.model_id = m.id "
						   "AND t.split = 'test' AND t.class IS NULL "
						   "AND t.metric = CASE m.task WHEN 'classification' THEN 'accuracy' ELSE 'r2' END "
						   "WHERE m.project_id = $1 "
						   "ORDER BY CASE WHEN t.value = 'NaN' THEN NULL ELSE t.value END "
						   "DESC NULLS LAST, m.version DESC LIMIT 1",
						   1, values);
	}
	else if (strcmp(strategy, "latest") == 0)
	{
		model_id = QueryId("SELECT id FROM mlpipe.models WHERE project_id = $1 "
						   "ORDER BY version DESC LIMIT 1", 1, values);
	}
	else
	{
		/* the model that was live before the current one */
		int64		live = CatalogLiveModel(project_id);

		values[1] = Int64GetDatum(live);
		model_id = QueryId("SELECT model_id FROM mlpipe.deployments "
						   "WHERE project_id = $1 AND model_id <> $2 "
						   "AND id < (SELECT max(id) FROM mlpipe.deployments "
						   "WHERE project_id = $1) "
						   "ORDER BY id DESC LIMIT 1", 2, values);
		if (model_id == 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("project \"%s\" has no earlier deployment to roll back to",
							project)));
	}
	if (model_id == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("project \"%s\" has no models", project)));

	CatalogDeploy(project_id, project, model_id, strategy);
	SPI_finish();
	PG_RETURN_INT64(model_id);
}
