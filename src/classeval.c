/*
 * classeval.c
 *	  A classifier's metrics over one split, as scikit-learn computes them:
 *	  accuracy; precision, recall and f1 averaged over the classes (macro)
 *	  and per class; log loss; the Matthews correlation; for two classes
 *	  the ROC AUC and average precision of the second class's probability
 *	  (or score); and the confusion matrix.  A model without probabilities
 *	  (a bare linear SVM) gives scores: no log loss then.  A row is predicted as its most probable
 *	  class (the first of equals).
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "utils/memutils.h"

#include "catalog.h"
#include "classeval.h"
#include "metrics.h"
#include "mlpipe.h"

/* An empty accumulator of k classes. */
void
ClassEvalInit(MlpClassEval *e, int k)
{
	memset(e, 0, sizeof(*e));
	e->k = k;
	e->cm = palloc0(sizeof(double) * k * k);
}

/* One row: its true class and the model's probabilities. */
void
ClassEvalAdd(MlpClassEval *e, int truth, const double *proba)
{
	int			pred = 0;
	double		eps = DBL_EPSILON;	/* scikit-learn's "auto" for float64 */

	for (int c = 1; c < e->k; c++)
		if (proba[c] > proba[pred])
			pred = c;
	e->cm[truth * e->k + pred] += 1;
	e->n += 1;
	if (!e->no_proba)
		e->logloss -= log(Min(Max(proba[truth], eps), 1 - eps));
	if (e->k == 2)
	{
		if (e->nscore == e->cap)
		{
			e->cap = Max(1024, 2 * e->cap);
			e->score = e->score ?
				repalloc_huge(e->score, sizeof(double) * e->cap) :
				MemoryContextAllocExtended(CurrentMemoryContext, sizeof(double) * e->cap, MCXT_ALLOC_HUGE);
			e->label = e->label ?
				repalloc_huge(e->label, sizeof(double) * e->cap) :
				MemoryContextAllocExtended(CurrentMemoryContext, sizeof(double) * e->cap, MCXT_ALLOC_HUGE);
		}
		e->score[e->nscore] = proba[1];
		e->label[e->nscore++] = truth == 1 ? 1.0 : 0.0;
	}
}

/* The share of rows predicted right; NaN without rows. */
double
ClassEvalAccuracy(const MlpClassEval *e)
{
	double		right = 0;

	for (int c = 0; c < e->k; c++)
		right += e->cm[c * e->k + c];
	return e->n > 0 ? right / e->n : NAN;
}

/* A ratio that scikit-learn defines as 0 when its denominator is 0. */
static double
Ratio(double num, double den)
{
	return den > 0 ? num / den : 0.0;
}

/* where Put sends rows besides the catalog */
typedef struct PutTarget
{
	MlpMetricEmit emit;
	void	   *arg;
} PutTarget;

/* Store one metric row, emit it, and add it to the JSON unless per class. */
static void
Put(const PutTarget *t, int64 model_id, const char *split, const char *metric,
	const char *cls, double value, StringInfo js, bool *first)
{
	CatalogInsertMetric(model_id, split, metric, cls, value);
	if (t->emit)
		t->emit(t->arg, metric, cls, value);
	if (cls != NULL || js == NULL)
		return;
	appendStringInfo(js, "%s\"%s\": ", *first ? "" : ", ", metric);
	MlpAppendJsonNumber(js, value);
	*first = false;
}

/*
 * Store the split's metrics as rows (per class: the class column; the
 * confusion matrix as "confusion:<predicted>" rows per true class) and
 * append the overall ones to js as "split": {...}.
 */
void
ClassEvalStore(int64 model_id, const char *split, const MlpClassEval *e,
			   char **classes, StringInfo js, MlpMetricEmit emit, void *arg)
{
	PutTarget	tgt = {emit, arg};
	int			k = e->k;
	double	   *pred = palloc0(sizeof(double) * k);
	double	   *truth = palloc0(sizeof(double) * k);
	double		right = 0;
	double		sp = 0,
				sr = 0,
				sf = 0,
				present = 0;
	double		pt = 0,
				pp = 0,
				tt = 0,
				den;
	bool		first = true;

	for (int t = 0; t < k; t++)
		for (int p = 0; p < k; p++)
		{
			truth[t] += e->cm[t * k + p];
			pred[p] += e->cm[t * k + p];
			if (t == p)
				right += e->cm[t * k + p];
		}
	appendStringInfo(js, "\"%s\": {", split);
	Put(&tgt, model_id, split, "accuracy", NULL, Ratio(right, e->n), js, &first);
	for (int c = 0; c < k; c++)
	{
		double		tp = e->cm[c * k + c];
		double		p = Ratio(tp, pred[c]);
		double		r = Ratio(tp, truth[c]);
		double		f = Ratio(2 * tp, pred[c] + truth[c]);

		if (truth[c] + pred[c] > 0)
		{
			sp += p;
			sr += r;
			sf += f;
			present += 1;
		}
		Put(&tgt, model_id, split, "precision", classes[c], p, NULL, NULL);
		Put(&tgt, model_id, split, "recall", classes[c], r, NULL, NULL);
		Put(&tgt, model_id, split, "f1", classes[c], f, NULL, NULL);
		Put(&tgt, model_id, split, "support", classes[c], truth[c], NULL, NULL);
		pt += pred[c] * truth[c];
		pp += pred[c] * pred[c];
		tt += truth[c] * truth[c];
	}
	/* averaged over the labels present in either column, as scikit-learn */
	Put(&tgt, model_id, split, "precision", NULL, Ratio(sp, present), js, &first);
	Put(&tgt, model_id, split, "recall", NULL, Ratio(sr, present), js, &first);
	Put(&tgt, model_id, split, "f1", NULL, Ratio(sf, present), js, &first);
	if (!e->no_proba)
		Put(&tgt, model_id, split, "log_loss", NULL, e->n > 0 ? e->logloss / e->n : NAN, js, &first);
	den = sqrt((e->n * e->n - pp) * (e->n * e->n - tt));
	Put(&tgt, model_id, split, "mcc", NULL, den > 0 ? (right * e->n - pt) / den : 0.0, js, &first);
	if (k == 2)
	{
		double		auc,
					ap;

		MlpBinaryScores(e->score, e->label, e->nscore, &auc, &ap);
		Put(&tgt, model_id, split, "roc_auc", NULL, auc, js, &first);
		Put(&tgt, model_id, split, "pr_auc", NULL, ap, js, &first);
	}
	/* the confusion matrix's cells that are not 0 */
	for (int t = 0; t < k; t++)
		for (int p = 0; p < k; p++)
			if (e->cm[t * k + p] != 0)
				Put(&tgt, model_id, split, psprintf("confusion:%s", classes[p]), classes[t],
					e->cm[t * k + p], NULL, NULL);
	appendStringInfoChar(js, '}');
}
