"""Reference metrics for mlpipe_train's cross-validation (cv_folds).

Run from the repository root with Debian's Python (scikit-learn 1.2):

    /usr/bin/python3 test/reference/make_cv_reference.py

mlpipe's folds, rebuilt here: the training rows in table order are
shuffled by Fisher-Yates with splitmix64 seeded by mlpipe_train's seed
(j = next() mod (i + 1) for i from n - 1 down to 1); a classifier's rows
are then put in class order by a stable sort (the shuffle stays within a
class); the j-th row of that order goes to fold j mod k.  Preprocessing is
fitted once on the whole training split (StandardScaler here), and each
fold's model on the other folds.  Writes test/reference/cv_metrics.csv
(case, split, metric, value) with each fold's metrics (cv_fold_<n>), their
mean (cv_mean) and numpy's std (cv_std) for

  * iris: LogisticRegression(C=1, newton-cg, tol 1e-12), 5 folds, seed 42:
    accuracy, macro f1, log_loss;
  * diabetes: Ridge(alpha=1) on the standardised features, 4 folds,
    seed 7: mse, mae, r2.
"""
import csv
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import (accuracy_score, f1_score, log_loss, mean_absolute_error,
                             mean_squared_error, r2_score)
from sklearn.preprocessing import StandardScaler

warnings.simplefilter("ignore")
M = (1 << 64) - 1


def splitmix(state):
    state = (state + 0x9E3779B97F4A7C15) & M
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return state, z ^ (z >> 31)


def folds(n, k, seed, classes=None):
    order = list(range(n))
    state = seed & M
    for i in range(n - 1, 0, -1):
        state, r = splitmix(state)
        j = r % (i + 1)
        order[i], order[j] = order[j], order[i]
    if classes is not None:
        order = sorted(order, key=lambda r: classes[r])  # stable
    fold = np.zeros(n, dtype=int)
    for j, r in enumerate(order):
        fold[r] = j % k
    return fold


def load(name, target, numeric_target=False):
    rows = list(csv.DictReader(open("sql/datasets/%s.csv" % name)))
    cols = [c for c in rows[0].keys() if c != target]
    X = np.array([[float(r[c]) for c in cols] for r in rows])
    y = np.array([float(r[target]) if numeric_target else r[target] for r in rows])
    return X, y


out = []


def record(case, per_fold):
    names = list(per_fold[0].keys())
    for f, m in enumerate(per_fold):
        for n in names:
            out.append((case, "cv_fold_%d" % (f + 1), n, m[n]))
    for n in names:
        v = np.array([m[n] for m in per_fold])
        out.append((case, "cv_mean", n, v.mean()))
        out.append((case, "cv_std", n, v.std()))


X, y = load("iris", "species")
Xs = StandardScaler().fit_transform(X)
classes = sorted(set(y))
fold = folds(len(y), 5, 42, [classes.index(v) for v in y])
per = []
for f in range(5):
    tr, te = fold != f, fold == f
    m = LogisticRegression(C=1.0, solver="newton-cg", tol=1e-12, max_iter=100000).fit(Xs[tr], y[tr])
    P = m.predict_proba(Xs[te])
    pred = m.classes_[P.argmax(axis=1)]
    per.append({"accuracy": accuracy_score(y[te], pred),
                "f1": f1_score(y[te], pred, average="macro"),
                "log_loss": log_loss(y[te], P, labels=m.classes_)})
record("iris", per)

X, y = load("diabetes", "progression", numeric_target=True)
Xs = StandardScaler().fit_transform(X)
fold = folds(len(y), 4, 7)
per = []
for f in range(4):
    tr, te = fold != f, fold == f
    m = Ridge(alpha=1.0).fit(Xs[tr], y[tr])
    p = m.predict(Xs[te])
    per.append({"mse": mean_squared_error(y[te], p), "mae": mean_absolute_error(y[te], p),
                "r2": r2_score(y[te], p)})
record("diabetes", per)

with open("test/reference/cv_metrics.csv", "w", newline="") as fh:
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(["case", "split", "metric", "value"])
    for r in out:
        w.writerow([r[0], r[1], r[2], repr(float(r[3]))])
