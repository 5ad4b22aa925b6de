/*
 * source.h
 *	  From a source (table, view or SELECT text) to a dense matrix.
 */
#ifndef MLPIPE_SOURCE_H
#define MLPIPE_SOURCE_H

#include "matrix.h"
#include "access/tupdesc.h"
#include "fmgr.h"
#include "utils/fmgrprotos.h"
#include "nodes/pg_list.h"
#include "port/atomics.h"
#include "tcop/dest.h"

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
	MLP_NUM_BOOL,
	MLP_NUM_CATEGORY,			/* text-like or enum: one-hot encoded */
	MLP_NUM_DATE,				/* date, timestamp, timestamptz: loaded as */
	MLP_NUM_TIMESTAMP,			/* Unix epoch seconds, expanded into parts */
	MLP_NUM_TIMESTAMPTZ,
	MLP_NUM_ARRAY8,				/* float8[] and real[] of a fixed length: */
	MLP_NUM_ARRAY4				/* one feature per element */
} MlpNumKind;

/* Whether a kind is an array (expanded into one feature per element). */
static inline bool
MlpIsArrayKind(MlpNumKind kind)
{
	return kind == MLP_NUM_ARRAY8 || kind == MLP_NUM_ARRAY4;
}

/*
 * The elements of an array column, row-major (row i at data + i * len),
 * outside the matrix until encoding; NaN marks a NULL element, and every
 * element of a NULL array.  len is -1 until the first non-NULL array.
 */
typedef struct MlpArrayBuf
{
	int			len;
	int64		cap;			/* rows allocated */
	double	   *data;
} MlpArrayBuf;

#define MLP_MAX_ARRAY_LENGTH 4000	/* MLP_MAX_FEATURES */

extern double MlpDateToEpoch(Datum d, MlpNumKind kind);

/* Whether a kind is one of the date kinds (expanded into date parts). */
static inline bool
MlpIsDateKind(MlpNumKind kind)
{
	return kind == MLP_NUM_DATE || kind == MLP_NUM_TIMESTAMP || kind == MLP_NUM_TIMESTAMPTZ;
}

/* A non-NULL Datum of the given kind as float8 (numeric may allocate). */
static inline double
MlpDatumToFloat8(Datum d, MlpNumKind kind)
{
	switch (kind)
	{
		case MLP_NUM_FLOAT8:
			return DatumGetFloat8(d);
		case MLP_NUM_FLOAT4:
			return (double) DatumGetFloat4(d);
		case MLP_NUM_INT2:
			return (double) DatumGetInt16(d);
		case MLP_NUM_INT4:
			return (double) DatumGetInt32(d);
		case MLP_NUM_INT8:
			return (double) DatumGetInt64(d);
		case MLP_NUM_NUMERIC:
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8, d));
		case MLP_NUM_BOOL:
			return DatumGetBool(d) ? 1.0 : 0.0;
		case MLP_NUM_DATE:
		case MLP_NUM_TIMESTAMP:
		case MLP_NUM_TIMESTAMPTZ:
			return MlpDateToEpoch(d, kind);
		case MLP_NUM_CATEGORY:
		case MLP_NUM_ARRAY8:
		case MLP_NUM_ARRAY4:
		case MLP_NUM_NONE:
			break;
	}
	elog(ERROR, "unexpected numeric kind %d", (int) kind);
	return 0;
}

/* how rows are divided between the train and the test split */
typedef enum MlpSplitKind
{
	MLP_SPLIT_RANDOM,			/* seeded hash of every column */
	MLP_SPLIT_HASH,				/* seeded hash of one key column */
	MLP_SPLIT_ORDER,			/* the rows with the largest values of a column */
	MLP_SPLIT_STRATIFIED		/* per target value, the rows with the lowest keys */
} MlpSplitKind;

#define MLP_STRATIFIED_MAX_CLASSES 1000

typedef struct MlpSourceSpec
{
	MlpSplitKind split;
	const char *split_column;	/* HASH and ORDER */
	const char *source;
	const char *target;
	List	   *features;		/* of char *; NIL = every other column */
	List	   *exclude;		/* of char * */
	List	   *prep;			/* of MlpPrepSpec *, see prep.h */
	bool		from_model;		/* prep comes from a model: its caller checks kinds */
	bool		classification; /* the target is a class label, read as text */
} MlpSourceSpec;

/* which attributes of a row type feed which matrix columns */
typedef struct MlpColumns
{
	int			p;				/* features; the target is column p */
	int			ncols;			/* p + 1 */
	int		   *attno;			/* 0-based attribute of each matrix column */
	MlpNumKind *kind;
	char	  **names;
	char	  **types;
	int		   *impute;			/* MlpImpute of each matrix column */
	bool		any_drop;		/* some column imputes by "drop" */
	bool		any_encoded;	/* some feature is categorical or a date */
	Oid		   *outfunc;		/* categorical columns: the type's output function */
	int		   *max_categories; /* categorical columns: cap asked for, or 0 */
	uint8	   *encode;			/* categorical columns: MLP_ENCODE_* */
	double	   *encode_param;	/* target: smoothing; hash: buckets */
	int			natts_needed;	/* deform this many attributes */
	bool		needs_rowcxt;	/* conversions or hashing may allocate */
	/* every column of the source row feeds the split hash */
	int			nhash;
	int		   *hash_attno;
	int16	   *hash_len;		/* typlen */
	bool	   *hash_byval;
	uint64	   *hash_name;		/* hash of the column's name */
	int			order_attno;	/* ORDER split: the column, else -1 */
	bool		stratified;		/* STRATIFIED split: keys now, sides later */
	bool		classification; /* the target (column p) is a category */
	MlpNumKind	target_numkind; /* classification: the target as a number, if it is one */
	Oid			order_type;
} MlpColumns;

/* appends converted rows to a growing column-major matrix */
typedef struct MlpRowSink
{
	MlpMatrix	m;
	const MlpColumns *cols;
	int64	   *nnull;			/* NULLs seen per matrix column */
	MemoryContext cxt;
	MemoryContext rowcxt;
	pg_atomic_uint64 *shared_bytes; /* parallel: bytes held by all loaders */
	int64		first_cap;
	/* the split, decided per row as it arrives (see MlpSplitThreshold) */
	uint64		threshold;
	uint64		h0;
	uint64	   *salt;			/* per hashed column */
	uint8	   *is_test;		/* per row, same capacity as the matrix */
	double	   *order;			/* ORDER split: the column's value per row */
	uint64	   *key;			/* STRATIFIED split: each row's key */
	int64		ntest;
	double	   *min;			/* per column, NULLs left out */
	double	   *max;
	int64		dropped;		/* rows left out for a NULL (impute drop) */
	struct MlpCategories **cats;	/* per column; NULL unless categorical */
	MlpArrayBuf **arrays;		/* per column; NULL unless an array */
} MlpRowSink;

/*
 * The values seen in a categorical column, each with a code (its order of
 * first appearance, stored in the matrix; NULL is code -1) and its count
 * in the training rows.
 */
typedef struct MlpCategories
{
	/* open addressing: the 64-bit hash of the text -> code (-1: empty) */
	uint64	   *slot_key;
	int		   *slot_code;
	int			nslots;			/* a power of 2, at least twice n */
	int			n;
	int			cap;
	char	  **text;			/* by code */
	int		   *len;			/* by code: strlen(text) */
	uint64	   *key;			/* by code: its hash */
	int64	   *ntrain;			/* by code */
	int64		null_train;
} MlpCategories;

typedef struct MlpDataset
{
	MlpMatrix	m;				/* features in columns 0..p-1, target in p */
	MlpColumns	cols;
	uint8	   *is_test;		/* per row */
	int64		ntest;
	double	   *min;			/* per column */
	double	   *max;
	double	   *order;			/* ORDER split: the column's value per row */
	uint64	   *key;			/* STRATIFIED split: each row's key */
	int64		dropped;		/* rows left out for a NULL (impute drop) */
	int64	   *nnull;			/* per column: NULLs (categorical: 0) */
	MlpCategories **cats;		/* per column; NULL unless categorical */
	MlpArrayBuf **arrays;		/* per column; NULL unless an array */
	int			p;
	char	  **names;			/* p + 1 column names */
	char	  **types;			/* p + 1 type names */
	char	   *query;			/* the query that was run */
} MlpDataset;

extern MlpNumKind MlpNumKindOf(Oid typid);
extern MlpNumKind MlpDateKindOf(Oid typid);
extern MlpNumKind MlpArrayKindOf(Oid typid);
extern int	MlpArrayElements(Datum d, MlpNumKind kind, const char *name, int len,
							 double *out);
extern bool MlpIsCategoryType(Oid typid);
extern char *MlpCategoryText(Oid outfunc, Datum value);
extern void MlpHugePageHint(void *ptr, Size len);
extern MlpCategories *MlpCategoriesNew(void);
extern int	MlpCategoryCode(MlpCategories *c, const char *text, bool add);
extern int	MlpCategoryCodeBytes(MlpCategories *c, const char *text, size_t len, bool add);
extern char *MlpSourceQuery(const char *source);
extern MlpDataset *MlpLoadSource(const MlpSourceSpec *spec, int64 seed,
								 uint64 threshold);
extern uint64 MlpSplitThreshold(double test_size);
extern void MlpParseSplit(const char *split, MlpSourceSpec *spec);
extern char *MlpSplitText(const MlpSourceSpec *spec);
extern int64 MlpOrderSplit(const double *order, int64 n, double test_size,
						   uint8 *is_test);
extern int64 MlpStratifiedSplit(const uint64 *key, const double *cls, int64 n,
								double test_size, uint8 *is_test);
extern uint64 MlpSplitKey(uint64 h, uint64 h0);
extern void MlpHashColumns(TupleDesc td, const MlpSourceSpec *spec,
						   MlpColumns *out);
extern uint64 MlpRowHash(const MlpColumns *cols, const uint64 *salt, uint64 h0,
						 const Datum *values, const bool *isnull);
extern uint64 MlpDatumHash(Datum d, int16 typlen, bool typbyval);
extern uint64 MlpSplitSeed(int64 seed);
extern uint64 MlpColumnSalt(uint64 h0, uint64 name_hash);
extern bool MlpSplitIsTest(uint64 h, uint64 h0, uint64 threshold);
extern Oid	MlpSourceTable(const char *source);
extern Oid	MlpSourceColumnType(const char *source, const char *column);
extern void MlpRunSource(const char *query, DestReceiver *dest);
extern void MlpResolveColumns(const MlpSourceSpec *spec, TupleDesc td,
							  MlpColumns *out);
extern void MlpSinkInit(MlpRowSink *sink, const MlpColumns *cols,
						int64 expected_rows, pg_atomic_uint64 *shared_bytes,
						int64 seed, uint64 threshold);
extern void MlpSinkAdd(MlpRowSink *sink, const Datum *values, const bool *isnull);
extern void MlpCheckNulls(const MlpColumns *cols, const int64 *nnull, int64 nrows);

#endif							/* MLPIPE_SOURCE_H */
