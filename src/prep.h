/*
 * prep.h
 *	  Numeric preprocessing: imputation and scaling, fitted on the training
 *	  split only and stored in the model, so scoring prepares every row
 *	  exactly as training did.
 */
#ifndef MLPIPE_PREP_H
#define MLPIPE_PREP_H

#include "postgres.h"

#include "nodes/pg_list.h"
#include "utils/jsonb.h"

typedef enum MlpImpute
{
	MLP_IMPUTE_ERROR = 0,		/* a NULL is an error (the default) */
	MLP_IMPUTE_MEAN,
	MLP_IMPUTE_MEDIAN,
	MLP_IMPUTE_CONSTANT,
	MLP_IMPUTE_DROP,			/* rows with a NULL are left out */
	MLP_IMPUTE_MOST_FREQUENT	/* the mode; the smallest of equal counts */
} MlpImpute;

typedef enum MlpTransform
{
	MLP_TRANSFORM_NONE = 0,
	MLP_TRANSFORM_LOG1P,		/* log(1 + x), for x > -1 */
	MLP_TRANSFORM_CLIP,			/* into [lo, hi] */
	MLP_TRANSFORM_BUCKETIZE		/* the quantile bin's index */
} MlpTransform;

#define MLP_BUCKETIZE_BINS 5		/* default bins, as KBinsDiscretizer */
#define MLP_BUCKETIZE_MAX_BINS 1000

typedef enum MlpScale
{
	MLP_SCALE_NONE = 0,
	MLP_SCALE_STANDARD,
	MLP_SCALE_MINMAX,
	MLP_SCALE_MAXABS,
	MLP_SCALE_ROBUST
} MlpScale;

/* what the user asked for one column (or "*": every feature) */
typedef struct MlpPrepSpec
{
	char	   *column;
	MlpImpute	impute;
	double		fill_value;		/* MLP_IMPUTE_CONSTANT */
	MlpScale	scale;
	MlpTransform transform;		/* applied first, to non-NULL values */
	double		clip_lo;		/* MLP_TRANSFORM_CLIP */
	double		clip_hi;
	int			bins;			/* MLP_TRANSFORM_BUCKETIZE */
	int			max_categories; /* categorical: categories kept */
	int			encode;			/* categorical: MLP_ENCODE_* (encode.h) */
	double		smoothing;		/* target encoding: m of the m-estimate */
	int			buckets;		/* hash encoding */
	bool		has_impute;		/* given, else inherited from "*" */
	bool		has_scale;
	bool		has_transform;
	bool		has_encode;		/* "encode" or "max_categories" given */
	bool		has_method;		/* "encode" given */
	bool		has_max_categories;
} MlpPrepSpec;

/* how a categorical column is encoded (MlpPrepSpec.encode) */
#define MLP_ENCODE_ONEHOT	0
#define MLP_ENCODE_ORDINAL	1
#define MLP_ENCODE_TARGET	2
#define MLP_ENCODE_HASH		3

#define MLP_TARGET_SMOOTHING 10.0	/* default m of the m-estimate */
#define MLP_HASH_MAX_BUCKETS 1000

#define MLP_MAX_CATEGORIES_LIMIT 1000	/* largest max_categories accepted */

/* what a NULL in a feature does, as stored in a model */
#define MLP_PREP_ERROR	0		/* an error */
#define MLP_PREP_FILL	1		/* it takes the fill value */
#define MLP_PREP_DROP	2		/* the row was left out in training */

/* the fitted steps of every feature: x -> (isnull ? fill : x - center) / scale */
typedef struct MlpPrep
{
	int			p;
	uint8	   *impute;			/* MLP_PREP_* */
	double	   *fill;
	double	   *center;
	double	   *scale;
	/* the transforms, or NULL when no feature has one */
	uint8	   *transform;		/* MlpTransform */
	double	   *lo;				/* clip bounds */
	double	   *hi;
	int		   *nedges;			/* bucketize: bin edges, ascending */
	double	  **edges;
} MlpPrep;

/* how features are chosen after preprocessing ("select") */
typedef enum MlpSelectMethod
{
	MLP_SELECT_NONE = 0,
	MLP_SELECT_VARIANCE,		/* the k largest variances */
	MLP_SELECT_F_TEST,			/* the k largest F statistics (f_regression) */
	MLP_SELECT_MUTUAL_INFO,		/* the k largest mutual informations */
	MLP_SELECT_L1				/* the first k to enter the lasso path */
} MlpSelectMethod;

/* feature engineering and selection: the preprocess keys that are not columns */
typedef struct MlpEngineer
{
	List	   *poly_columns;	/* "polynomial": {"columns": [...], "degree": d} */
	int			poly_degree;
	List	   *inter_columns;	/* "interactions": {"columns": [...]} */
	MlpSelectMethod select;		/* "select": {"method": ..., "k": k} */
	int			select_k;
} MlpEngineer;

extern List *MlpParsePrep(Jsonb *js, MlpEngineer *eng);
extern const char *MlpSelectName(MlpSelectMethod m);
extern List *MlpPrepDefaults(List *specs);
extern const MlpPrepSpec *MlpPrepFor(List *specs, const char *column);
extern char *MlpPrepJson(List *specs, const MlpEngineer *eng);
extern bool MlpPrepNeedsQuantiles(List *specs);
extern const char *MlpImputeName(MlpImpute i);
extern const char *MlpScaleName(MlpScale s);
extern double MlpTransformValue(const MlpPrep *prep, int j, double v, const char *feature);

#endif							/* MLPIPE_PREP_H */
