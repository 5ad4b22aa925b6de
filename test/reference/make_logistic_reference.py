"""Reference coefficients for mlpipe's logistic_regression.

Run from the repository root with Debian's Python (scikit-learn 1.2,
statsmodels):

    /usr/bin/python3 test/reference/make_logistic_reference.py

Writes test/reference/logistic_coef.csv: on every row, after StandardScaler
(mlpipe's default), the coefficients mapped back to the original scale
(coef / scale; intercept - sum(coef * mean / scale)) of

  * bc: breast_cancer, LogisticRegression(C=1) (two classes: the
    coefficients of the second class, "malignant");
  * bc_bal: the same with class_weight="balanced", C=0.5;
  * bc_l1: penalty="l1", C=0.1 (saga);
  * bc_en: penalty="elasticnet", l1_ratio=0.3, C=0.2 (saga);
  * iris: LogisticRegression(C=1, multinomial), one row per class;
  * logit: iris versicolor against virginica on petal_length and
    petal_width, unpenalised: statsmodels Logit (mlpipe with
    penalty "none");

plus predict_proba of a few rows.  The smooth fits use newton-cg with
tol 1e-12: scikit-learn's lbfgs stops on a relative change of the
objective (scipy's ftol) with the gradient still near 3e-4 on
breast_cancer, newton-cg gets it below 1e-8.  saga runs to tol 1e-13;
the script prints each fit's largest optimality violation so the
reference's own accuracy is on record.
"""
import csv
import warnings

import numpy as np
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

warnings.simplefilter("ignore")
out = []


def load(name, target):
    rows = list(csv.DictReader(open("sql/datasets/%s.csv" % name)))
    cols = [c for c in rows[0].keys() if c != target]
    X = np.array([[float(r[c]) for c in cols] for r in rows])
    y = np.array([r[target] for r in rows])
    return cols, X, y


def violation(m, Xs, y, C, l1, cw):
    """Largest KKT violation of a binary fit (on the sum-of-losses scale)."""
    w, b = m.coef_[0], m.intercept_[0]
    t = (y == m.classes_[1]).astype(float)
    sw = np.ones(len(y))
    if cw:
        for c in m.classes_:
            sw[y == c] = len(y) / (2.0 * np.sum(y == c))
    p = 1 / (1 + np.exp(-(Xs @ w + b)))
    g = C * (Xs.T @ (sw * (p - t))) + (1 - l1) * w
    viol = [abs(C * np.sum(sw * (p - t)))]
    for gj, wj in zip(g, w):
        viol.append(abs(gj + l1 * np.sign(wj)) if wj != 0 else max(0.0, abs(gj) - l1))
    return max(viol) / C


cases = (
    ("bc", "breast_cancer", "diagnosis", dict(C=1.0, solver="newton-cg"), 0.0, False),
    ("bc_bal", "breast_cancer", "diagnosis",
     dict(C=0.5, solver="newton-cg", class_weight="balanced"), 0.0, True),
    ("bc_l1", "breast_cancer", "diagnosis", dict(C=0.1, solver="saga", penalty="l1"), 1.0, False),
    ("bc_en", "breast_cancer", "diagnosis",
     dict(C=0.2, solver="saga", penalty="elasticnet", l1_ratio=0.3), 0.3, False),
    ("iris", "iris", "species", dict(C=1.0, solver="newton-cg"), 0.0, False),
)
for case, name, target, kw, l1, cw in cases:
    cols, X, y = load(name, target)
    sc = StandardScaler().fit(X)
    Xs = sc.transform(X)
    tol = 1e-13 if kw["solver"] == "saga" else 1e-12
    m = LogisticRegression(tol=tol, max_iter=1000000, **kw).fit(Xs, y)
    if len(m.classes_) == 2:
        print(case, "optimality violation", violation(m, Xs, y, kw["C"], l1, cw))
    classes = list(m.classes_)
    for v in range(m.coef_.shape[0]):
        cls = classes[1] if len(classes) == 2 else classes[v]
        coef = m.coef_[v] / sc.scale_
        out.append((case, cls, "intercept", m.intercept_[v] - np.sum(m.coef_[v] * sc.mean_ / sc.scale_)))
        for c, b in zip(cols, coef):
            out.append((case, cls, c, b))
    if case in ("bc", "iris"):
        P = m.predict_proba(Xs[:5])
        for i in range(5):
            for k, cls in enumerate(classes):
                out.append((case, cls, "proba_row%d" % (i + 1), P[i, k]))

cols, X, y = load("iris", "species")
keep = y != "setosa"
Xs = X[keep][:, [cols.index("petal_length"), cols.index("petal_width")]]
t = (y[keep] == "virginica").astype(float)
res = sm.Logit(t, sm.add_constant(Xs)).fit(disp=0, method="newton", tol=1e-14, maxiter=1000)
out.append(("logit", "virginica", "intercept", res.params[0]))
out.append(("logit", "virginica", "petal_length", res.params[1]))
out.append(("logit", "virginica", "petal_width", res.params[2]))

with open("test/reference/logistic_coef.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["case", "class", "name", "value"])
    for r in out:
        w.writerow([r[0], r[1], r[2], repr(float(r[3]))])
