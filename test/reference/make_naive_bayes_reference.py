"""Reference probabilities for mlpipe's naive_bayes (Gaussian).

Run from the repository root with Debian's Python (scikit-learn 1.2):

    /usr/bin/python3 test/reference/make_naive_bayes_reference.py

Writes test/reference/naive_bayes_proba.csv: for iris (three text labels)
and breast_cancer (two text labels), trained on every row, the class
probabilities of every row from GaussianNB, on the raw features
(mlpipe's scale "none") and after StandardScaler (mlpipe's default), with
var_smoothing 1e-9.  Rows are numbered from 1 in file order; classes are in
scikit-learn's sorted order.
"""
import csv

import numpy as np
from sklearn.naive_bayes import GaussianNB
from sklearn.preprocessing import StandardScaler

out = []
for name, target in (("iris", "species"), ("breast_cancer", "diagnosis")):
    rows = list(csv.DictReader(open("sql/datasets/%s.csv" % name)))
    cols = [c for c in rows[0].keys() if c != target]
    X = np.array([[float(r[c]) for c in cols] for r in rows])
    y = np.array([r[target] for r in rows])
    for case, Xc in (("raw", X), ("standard", StandardScaler().fit_transform(X))):
        m = GaussianNB().fit(Xc, y)
        P = m.predict_proba(Xc)
        for i in range(len(rows)):
            for k, c in enumerate(m.classes_):
                out.append((name, case, i + 1, c, P[i, k]))
with open("test/reference/naive_bayes_proba.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["dataset", "scaling", "row", "class", "proba"])
    for r in out:
        w.writerow([r[0], r[1], r[2], r[3], repr(float(r[4]))])
