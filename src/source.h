/*
 * source.h
 *	  From a source (table, view or SELECT text) to a dense matrix.
 */
#ifndef MLPIPE_SOURCE_H
#define MLPIPE_SOURCE_H

#include "matrix.h"
#include "nodes/pg_list.h"

/* how a column's Datum becomes a float8 */
typedef enum MlpNumKind
{
	MLP_NUM_NONE = 0,			/* not numeric: not supported as a feature */
	MLP_NUM_FLOAT8,
	MLP_NUM_FLOAT4,
	MLP_NUM_INT2,
	MLP_NUM_INT4,
	MLP_NUM_INT8,
	MLP_NUM_NUMERIC,
	MLP_NUM_BOOL
} MlpNumKind;

typedef struct MlpSourceSpec
{
	const char *source;
	const char *target;
	List	   *features;		/* of char *; NIL = every other column */
	List	   *exclude;		/* of char * */
} MlpSourceSpec;

typedef struct MlpDataset
{
	MlpMatrix	m;				/* features in columns 0..p-1, target in p */
	int			p;
	char	  **names;			/* p + 1 column names */
	char	  **types;			/* p + 1 type names */
	char	   *query;			/* the query that was run */
} MlpDataset;

extern MlpNumKind MlpNumKindOf(Oid typid);
extern double MlpDatumToFloat8(Datum d, MlpNumKind kind);
extern char *MlpSourceQuery(const char *source);
extern MlpDataset *MlpLoadSource(const MlpSourceSpec *spec);

#endif							/* MLPIPE_SOURCE_H */
