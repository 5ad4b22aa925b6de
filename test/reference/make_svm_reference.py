"""Reference coefficients and probabilities for mlpipe's linear_svm.

Run from the repository root with Debian's Python (scikit-learn 1.2):

    /usr/bin/python3 test/reference/make_svm_reference.py

Writes test/reference/svm_coef.csv (case, class, name, value): after
StandardScaler (mlpipe's default), LinearSVC's coefficients mapped back to
the original scale (coef / scale; intercept - sum(coef * mean / scale)),
its training accuracy (name "accuracy"), and for the calibrated cases the
probabilities of the first five rows (names proba_row1..5) from Platt's
sigmoid fitted on the training rows' decision values, as mlpipe's
probability => true does: the model and targets of scikit-learn's
CalibratedClassifierCV(method="sigmoid", cv="prefit") (one-vs-rest
probabilities normalised to sum 1), but minimised to the optimum here by
scipy's trust-region Newton method: scikit-learn 1.2's fmin_bfgs stops
early (on breast_cancer its objective is 55.98, the optimum 44.88; the
script prints both):

  * bc: breast_cancer, LinearSVC(C=1) (squared hinge; two classes: the
    coefficients of the second class, "malignant"), calibrated;
  * bc_hinge: loss="hinge", C=0.5;
  * iris: one-vs-rest, C=1, calibrated (probabilities normalised);
  * wine_bal: wine, class_weight="balanced", C=0.1.

LinearSVC runs to tol 1e-10 with max_iter 10^6, so the dual coordinate
descent sits at the optimum (the primal weights are unique).
"""
import csv
import warnings

import numpy as np
from scipy.optimize import minimize
from sklearn.calibration import CalibratedClassifierCV
from sklearn.svm import LinearSVC
from sklearn.preprocessing import StandardScaler

warnings.simplefilter("ignore")
out = []


def load(name, target):
    rows = list(csv.DictReader(open("sql/datasets/%s.csv" % name)))
    cols = [c for c in rows[0].keys() if c != target]
    X = np.array([[float(r[c]) for c in cols] for r in rows])
    y = np.array([r[target] for r in rows])
    return cols, X, y


def platt(F, t):
    """A, B of P = 1 / (1 + exp(A F + B)) at the optimum of Platt's objective."""
    p1 = t.sum()
    p0 = len(t) - p1
    T = np.where(t, (p1 + 1) / (p1 + 2), 1 / (p0 + 2))

    def obj(ab):
        z = ab[0] * F + ab[1]
        return np.sum(np.logaddexp(0, z) - (1 - T) * z)

    def grad(ab):
        d = 1 / (1 + np.exp(-(ab[0] * F + ab[1]))) - (1 - T)
        return np.array([np.sum(d * F), np.sum(d)])

    def hess(ab):
        q = 1 / (1 + np.exp(-(ab[0] * F + ab[1])))
        w = q * (1 - q)
        return np.array([[np.sum(w * F * F), np.sum(w * F)], [np.sum(w * F), np.sum(w)]])

    r = minimize(obj, [0.0, np.log((p0 + 1) / (p1 + 1))], jac=grad, hess=hess,
                 method="trust-exact", options=dict(gtol=1e-12, maxiter=1000))
    return r.x, obj


cases = (
    ("bc", "breast_cancer", "diagnosis", dict(C=1.0), True),
    ("bc_hinge", "breast_cancer", "diagnosis", dict(C=0.5, loss="hinge"), False),
    ("iris", "iris", "species", dict(C=1.0), True),
    ("wine_bal", "wine", "cultivar", dict(C=0.1, class_weight="balanced"), False),
)
for case, name, target, kw, calibrate in cases:
    cols, X, y = load(name, target)
    sc = StandardScaler().fit(X)
    Xs = sc.transform(X)
    m = LinearSVC(tol=1e-10, max_iter=1000000, **kw).fit(Xs, y)
    classes = list(m.classes_)
    for v in range(m.coef_.shape[0]):
        cls = classes[1] if len(classes) == 2 else classes[v]
        out.append((case, cls, "intercept", m.intercept_[v] - np.sum(m.coef_[v] * sc.mean_ / sc.scale_)))
        for c, b in zip(cols, m.coef_[v] / sc.scale_):
            out.append((case, cls, c, b))
    out.append((case, "", "accuracy", m.score(Xs, y)))
    if calibrate:
        F = m.decision_function(Xs)
        F = F.reshape(len(y), -1)
        F5 = m.decision_function(Xs[:5]).reshape(5, -1)
        P = np.zeros((5, len(classes)))
        cal = CalibratedClassifierCV(m, method="sigmoid", cv="prefit").fit(Xs, y)
        for v in range(F.shape[1]):
            pos = classes[1] if len(classes) == 2 else classes[v]
            ab, obj = platt(F[:, v], y == pos)
            sk = cal.calibrated_classifiers_[0].calibrators[v]
            print(case, pos, "Platt objective: here", obj(ab), "scikit-learn", obj([sk.a_, sk.b_]))
            col = 1 if len(classes) == 2 else v
            P[:, col] = 1 / (1 + np.exp(ab[0] * F5[:, v] + ab[1]))
        if len(classes) == 2:
            P[:, 0] = 1 - P[:, 1]
        else:
            P /= P.sum(axis=1, keepdims=True)
        for i in range(5):
            for k, cls in enumerate(classes):
                out.append((case, cls, "proba_row%d" % (i + 1), P[i, k]))

with open("test/reference/svm_coef.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["case", "class", "name", "value"])
    for r in out:
        w.writerow([r[0], r[1], r[2], repr(float(r[3]))])
