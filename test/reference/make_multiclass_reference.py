"""Reference values for mlpipe's multiclass metrics (mlpipe_confusion).

Run from the repository root with Debian's Python (scikit-learn 1.2):

    /usr/bin/python3 test/reference/make_multiclass_reference.py

Writes test/data/multiclass_pairs.csv (600 seeded (y_true, y_pred) pairs of
the labels "cat", "dog", "eel" and a rare "fox" that is only ever predicted,
plus an integer version of each label: 2, 10, 7, 1) and
test/reference/multiclass_metrics.csv: accuracy, precision/recall/f1 with
average macro, weighted, micro and binary (positive "dog"), Matthews
correlation, the per-class values and the confusion matrix with labels
sorted as scikit-learn sorts them (by text, and by value for the integers).
Also test/data/multiclass_proba.csv: seeded class probabilities (rounded to
0.01, so with ties) for the true labels, and their one-vs-rest macro ROC AUC
and log loss.
"""
import csv

import numpy as np
from sklearn import metrics

rng = np.random.default_rng(7)
labels = np.array(["cat", "dog", "eel"])
y_true = labels[rng.choice(3, size=600, p=[0.5, 0.3, 0.2])]
y_pred = y_true.copy()
flip = rng.random(600) < 0.35
y_pred[flip] = np.array(["cat", "dog", "eel", "fox"])[rng.choice(4, size=flip.sum(), p=[0.3, 0.3, 0.3, 0.1])]
as_int = {"cat": 2, "dog": 10, "eel": 7, "fox": 1}

with open("test/data/multiclass_pairs.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["y_true", "y_pred", "t_int", "p_int"])
    for t, p in zip(y_true, y_pred):
        w.writerow([t, p, as_int[t], as_int[p]])

out = []
for kind, yt, yp in (("text", y_true, y_pred),
                     ("int", np.array([as_int[v] for v in y_true]), np.array([as_int[v] for v in y_pred]))):
    out.append((kind, "accuracy", "", metrics.accuracy_score(yt, yp)))
    for avg in ("macro", "weighted", "micro"):
        for name, fn in (("precision", metrics.precision_score), ("recall", metrics.recall_score),
                         ("f1", metrics.f1_score)):
            out.append((kind, name, avg, fn(yt, yp, average=avg, zero_division=0)))
    pos = "dog" if kind == "text" else 10
    for name, fn in (("precision", metrics.precision_score), ("recall", metrics.recall_score),
                     ("f1", metrics.f1_score)):
        out.append((kind, name, "binary", fn(yt == pos, yp == pos, zero_division=0)))
    out.append((kind, "mcc", "", metrics.matthews_corrcoef(yt, yp)))
    labs = np.unique(np.concatenate([yt, yp]))
    p, r, f1, s = metrics.precision_recall_fscore_support(yt, yp, labels=labs, zero_division=0)
    for i, lab in enumerate(labs):
        out.append((kind, "class_precision", str(lab), p[i]))
        out.append((kind, "class_recall", str(lab), r[i]))
        out.append((kind, "class_f1", str(lab), f1[i]))
        out.append((kind, "class_support", str(lab), s[i]))
    cm = metrics.confusion_matrix(yt, yp, labels=labs)
    out.append((kind, "confusion_labels", " ".join(str(v) for v in labs), 0))
    out.append((kind, "confusion_matrix", " ".join(" ".join(str(int(v)) for v in row) for row in cm), 0))

# probabilities for three classes (rounded: many ties), as a model would give them
conc = {"cat": [4, 1, 1], "dog": [1, 3, 1], "eel": [1, 1, 2]}
P = np.round(np.array([rng.dirichlet(conc[t]) for t in y_true]), 2)
P[:, 2] = np.round(1 - P[:, 0] - P[:, 1], 2)
P = np.clip(P, 0, 1)
classes = ["cat", "dog", "eel"]
with open("test/data/multiclass_proba.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["y_true", "p_cat", "p_dog", "p_eel"])
    for t, row in zip(y_true, P):
        w.writerow([t] + [repr(float(v)) for v in row])
back = list(csv.reader(open("test/data/multiclass_proba.csv")))[1:]
P = np.array([[float(v) for v in r[1:]] for r in back])
out.append(("proba", "roc_auc_ovr", "", metrics.roc_auc_score(y_true, P, multi_class="ovr", labels=classes)))
out.append(("proba", "log_loss", "", metrics.log_loss(y_true, P, labels=classes)))

with open("test/reference/multiclass_metrics.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["kind", "metric", "arg", "value"])
    for kind, m, a, v in out:
        w.writerow([kind, m, a, repr(float(v))])
