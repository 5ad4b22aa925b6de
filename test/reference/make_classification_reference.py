"""Reference values for mlpipe's binary classification metric aggregates.

Run from the repository root with Debian's Python (scikit-learn 1.2):

    /usr/bin/python3 test/reference/make_classification_reference.py

Writes test/data/classif_pairs.csv (seeded, deterministic) and
test/reference/classification_metrics.csv, the values sklearn.metrics gives
on those pairs.  The regression test compares at 1e-12 relative.
"""
import csv
import math

import numpy as np
from sklearn import metrics

rng = np.random.default_rng(11)
n = 500
y_true = rng.random(n) < 0.4
# scores: informative but noisy, rounded to 2 decimals so that ties occur
score = np.round(np.clip(0.35 * y_true + rng.normal(0.4, 0.25, n), 0, 1), 2)
prob = np.clip(score, 0.001, 0.999)
y_pred = score >= 0.5
labels = np.where(y_true, "yes", "no")
pred_labels = np.where(y_pred, "yes", "no")

with open("test/data/classif_pairs.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["y_true", "y_pred", "score", "prob", "label", "pred_label"])
    for i in range(n):
        w.writerow([
            "t" if y_true[i] else "f", "t" if y_pred[i] else "f",
            repr(float(score[i])), repr(float(prob[i])), labels[i], pred_labels[i],
        ])

# read back exactly what PostgreSQL will read
rows = list(csv.DictReader(open("test/data/classif_pairs.csv")))
yt = np.array([r["y_true"] == "t" for r in rows])
yp = np.array([r["y_pred"] == "t" for r in rows])
sc = np.array([float(r["score"]) for r in rows])
pr = np.array([float(r["prob"]) for r in rows])

ref = {
    "accuracy": metrics.accuracy_score(yt, yp),
    "precision": metrics.precision_score(yt, yp),
    "recall": metrics.recall_score(yt, yp),
    "f1": metrics.f1_score(yt, yp),
    "mcc": metrics.matthews_corrcoef(yt, yp),
    "log_loss": metrics.log_loss(yt, pr),
    "roc_auc": metrics.roc_auc_score(yt, sc),
    "pr_auc": metrics.average_precision_score(yt, sc),
}
with open("test/reference/classification_metrics.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["metric", "value"])
    for k, v in ref.items():
        assert math.isfinite(v)
        w.writerow([k, "%.17g" % v])
print(ref)
