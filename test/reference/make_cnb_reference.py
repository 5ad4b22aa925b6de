"""Reference probabilities for naive_bayes with categorical features.

Run from the repository root with Debian's Python (scikit-learn 1.2):

    /usr/bin/python3 test/reference/make_cnb_reference.py

mlpipe's naive_bayes models numeric features as GaussianNB does and each
one-hot encoded text column as CategoricalNB does; scikit-learn has no
mixed model, so the joint log likelihood is GaussianNB's on the numeric
columns plus CategoricalNB's on the text columns minus the class log prior
that both include, then a softmax.  Data: iris with two derived text
columns (computed the same way in sql/naive_bayes_cat.sql):

    cat1 = 'wide' if sepal_width > 3.2 else 'mid' if sepal_width > 2.8 else 'narrow'
    cat2 = 'long' if sepal_length > 6.0 else 'short'

features petal_length, petal_width (raw), cat1, cat2; var_smoothing 1e-9
and alpha 1 (case "a1") or alpha 0.5 (case "a05").  Writes
test/reference/cnb_proba.csv (case, rn, class, proba) for every row, and
for case "unseen" the probabilities of the first row with cat1 unseen (its
term left out, as mlpipe gives nothing to a value without a category).
"""
import csv

import numpy as np
from sklearn.naive_bayes import CategoricalNB, GaussianNB

rows = list(csv.DictReader(open("sql/datasets/iris.csv")))
Xn = np.array([[float(r["petal_length"]), float(r["petal_width"])] for r in rows])
cat1 = ["wide" if float(r["sepal_width"]) > 3.2 else "mid" if float(r["sepal_width"]) > 2.8
        else "narrow" for r in rows]
cat2 = ["long" if float(r["sepal_length"]) > 6.0 else "short" for r in rows]
levels1 = sorted(set(cat1))
levels2 = sorted(set(cat2))
Xc = np.array([[levels1.index(a), levels2.index(b)] for a, b in zip(cat1, cat2)])
y = np.array([r["species"] for r in rows])


def softmax(j):
    j = j - j.max(axis=1, keepdims=True)
    e = np.exp(j)
    return e / e.sum(axis=1, keepdims=True)


out = []
gnb = GaussianNB(var_smoothing=1e-9).fit(Xn, y)
for case, alpha in (("a1", 1.0), ("a05", 0.5)):
    cnb = CategoricalNB(alpha=alpha).fit(Xc, y)
    jll = (gnb._joint_log_likelihood(Xn) + cnb._joint_log_likelihood(Xc)
           - np.log(gnb.class_prior_))
    P = softmax(jll)
    for i in range(len(y)):
        for k, cls in enumerate(gnb.classes_):
            out.append((case, i + 1, cls, P[i, k]))
    if case == "a1":
        # row 1 with cat1 unseen: only cat2's term
        cnb2 = CategoricalNB(alpha=alpha).fit(Xc[:, 1:], y)
        j1 = (gnb._joint_log_likelihood(Xn[:1]) + cnb2._joint_log_likelihood(Xc[:1, 1:])
              - np.log(gnb.class_prior_))
        P1 = softmax(j1)
        for k, cls in enumerate(gnb.classes_):
            out.append(("unseen", 1, cls, P1[0, k]))

with open("test/reference/cnb_proba.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["case", "rn", "class", "proba"])
    for r in out:
        w.writerow([r[0], r[1], r[2], repr(float(r[3]))])
