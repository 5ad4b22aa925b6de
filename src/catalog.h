/*
 * catalog.h
 *	  Reading and writing mlpipe.projects, models, metrics and deployments.
 *
 * Every function here expects the caller to be connected to SPI.
 */
#ifndef MLPIPE_CATALOG_H
#define MLPIPE_CATALOG_H

#include "mlpipe.h"
#include "storage/itemptr.h"

typedef struct MlpNewModel
{
	int64		project_id;
	const char *algorithm;
	const char *task;
	const char *hyperparams;	/* JSON text */
	const char *spec;			/* JSON text */
	int			nfeatures;
	char	  **features;
	char	  **feature_types;
	const char *target;
	int64		n_train;
	int64		n_test;
	double		train_seconds;
	int			format_version;
	bytea	   *model;
} MlpNewModel;

/* a stored model, as the scorer needs it */
typedef struct MlpStoredModel
{
	int64		model_id;
	ItemPointerData ctid;		/* with xmin: changes whenever the row does */
	TransactionId xmin;
	Datum		model;			/* bytea, possibly still toasted */
} MlpStoredModel;

extern bool CatalogFirstValue(Datum *out);
extern int64 CatalogLockProject(const char *name, const char *task, bool create);
extern void CatalogInsertModel(MlpNewModel *nm, int64 *model_id, int32 *version);
extern void CatalogInsertMetric(int64 model_id, const char *split,
								const char *metric, const char *cls, double value);
extern bool CatalogGetMetric(int64 model_id, const char *split,
							 const char *metric, double *value);
extern int64 CatalogLiveModel(int64 project_id);
extern int64 CatalogDeploy(int64 project_id, const char *project, int64 model_id,
						   const char *strategy);
extern void CatalogFetchModel(int64 model_id, MlpStoredModel *sm);
extern int64 CatalogResolveProject(const char *project);

#endif							/* MLPIPE_CATALOG_H */
