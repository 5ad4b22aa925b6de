/*
 * encode.h
 *	  One-hot encoding of categorical features: fitted on the training
 *	  rows, stored in the model, applied to loaded rows and to scored rows.
 */
#ifndef MLPIPE_ENCODE_H
#define MLPIPE_ENCODE_H

#include "source.h"

#define MLP_MAX_CATEGORIES 30	/* most frequent training values kept */
#define MLP_MAX_FEATURES 4000	/* after encoding: keeps p x p matrices small */

/* what an input column is, as stored in the model's encoding block */
#define MLP_INPUT_NUMERIC		0
#define MLP_INPUT_CATEGORY		1
#define MLP_INPUT_DATE			2	/* date, timestamp, timestamptz: */
#define MLP_INPUT_TIMESTAMP		3	/* parts of the epoch seconds (UTC) */
#define MLP_INPUT_TIMESTAMPTZ	4
#define MLP_INPUT_ORDINAL		5	/* a category as its rank by text */
#define MLP_INPUT_TARGET		6	/* a category as its smoothed target mean */
#define MLP_INPUT_HASH			7	/* a category one-hot over hash buckets */
#define MLP_INPUT_ARRAY			8	/* float8[] or real[]: a feature per element */
#define MLP_INPUT_MAX_KIND		8


/* the parts a date becomes (bits of MlpInput.parts) */
#define MLP_DATE_NPARTS 6		/* year, month, day, dow, hour, epoch */
#define MLP_DATE_PARTS_ALL 0x3F

/* one input column and the features it becomes */
typedef struct MlpInput
{
	char	   *name;
	uint8		kind;			/* MLP_INPUT_* */
	uint8		parts;			/* dates: the parts kept, a bit each */
	bool		array;			/* kind == MLP_INPUT_ARRAY: width elements */
	bool		textual;		/* read as text: a categorical column */
	bool		categorical;	/* one-hot features: kind CATEGORY or HASH */
	int			first;			/* its first feature */
	int			width;			/* how many features (1 when numeric) */
	int			ncat;			/* kept categories (one-hot: most frequent */
	char	  **cats;			/* first; ordinal and target: by text) */
	int		   *sorted;			/* kept categories' indexes, by text */
	bool		has_other;		/* a feature for the values not kept */
	bool		has_null;		/* a feature (target: a value) for NULL */
	/* target: each kept category's value; NULL's; and the rest's */
	double	   *tvalue;
	double		null_value;
	double		default_value;
	/* hash: the bucket count, and the buckets kept (ascending), ncat of them */
	int			nbuckets;
	int		   *buckets;
} MlpInput;

typedef struct MlpEncoding
{
	int			ninputs;
	MlpInput   *inputs;
	int			nfeatures;
	char	  **features;		/* "col", "col=value", "col=(other)", "col IS NULL" */
	char	  **feature_types;
	bool	   *onehot;			/* per feature */
	int		   *input_of;		/* per feature: its input column */
} MlpEncoding;

#define MlpInputIsDate(in) ((in)->kind >= MLP_INPUT_DATE && (in)->kind <= MLP_INPUT_TIMESTAMPTZ)

extern MlpEncoding *MlpFitEncoding(const MlpDataset *ds);
extern void MlpSetInputKind(MlpInput *in, uint8 kind);
extern bool MlpCategoryKnown(const MlpInput *in, const char *text);
extern void MlpCountUnseen(const MlpEncoding *enc, const MlpDataset *ds, int64 *train,
						   int64 *test);
extern int	MlpHashBucket(const char *text, int nbuckets);
extern void MlpEncodeMatrix(const MlpEncoding *enc, const MlpDataset *ds, MlpMatrix *out,
							int *colmap, int *group_col);
extern bool MlpEncodeInPlace(const MlpEncoding *enc, MlpDataset *ds, int *colmap,
							 int *group_col);
extern void MlpIndexCategories(MlpInput *in);
extern int	MlpCategorySlot(const MlpInput *in, const char *text);
extern const char *MlpDatePartName(int part);
extern int	MlpDatePartCount(uint8 parts);
extern void MlpEncodeDate(const MlpInput *in, double epoch, double *x);
extern void MlpEncodeCategory(const MlpInput *in, bool isnull, const char *text,
							  double *x);

#endif							/* MLPIPE_ENCODE_H */
