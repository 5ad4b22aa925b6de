"""Reference values for the mlpipe_nb_stats aggregate and mlpipe_nb_solve.

Run from the repository root with Debian's Python (scikit-learn 1.2):

    /usr/bin/python3 test/reference/make_nb_stats_reference.py

Writes test/reference/nb_stats.csv (class, feature, prior, mean, var):
GaussianNB(var_smoothing=1e-9) fitted to iris's raw features with the
species as class codes 0, 1, 2 (sorted names): class_prior_, theta_ and
var_, features numbered from 1 in the file's column order.
"""
import csv

import numpy as np
from sklearn.naive_bayes import GaussianNB

rows = list(csv.DictReader(open("sql/datasets/iris.csv")))
cols = [c for c in rows[0].keys() if c != "species"]
X = np.array([[float(r[c]) for c in cols] for r in rows])
names = sorted(set(r["species"] for r in rows))
y = np.array([names.index(r["species"]) for r in rows])
m = GaussianNB(var_smoothing=1e-9).fit(X, y)
with open("test/reference/nb_stats.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["class", "feature", "prior", "mean", "var"])
    for c in range(len(m.classes_)):
        for j in range(X.shape[1]):
            w.writerow([int(m.classes_[c]), j + 1, repr(float(m.class_prior_[c])),
                        repr(float(m.theta_[c, j])), repr(float(m.var_[c, j]))])
