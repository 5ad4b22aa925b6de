"""Regenerate mlpipe's committed test data and reference numbers.

Run from the repository root with Debian's Python (it has scikit-learn,
statsmodels and numpy; a pyenv `python3` on PATH may not):

    /usr/bin/python3 test/reference/make_reference.py

Writes:
    test/data/diabetes.csv        raw (unscaled) diabetes data, scikit-learn
    test/data/longley.csv         Longley data from statsmodels
    test/data/collinear.csv       seeded, nearly collinear synthetic series
    test/data/metric_pairs.csv    seeded (y, yhat) pairs for metric tests
    test/reference/linear_coef.csv    scikit-learn fits on diabetes.csv
    test/reference/longley_coef.csv   exact rational OLS for longley.csv
    test/reference/collinear_coef.csv exact rational OLS for collinear.csv
    test/reference/metrics.csv        scikit-learn metrics on metric_pairs.csv

Nothing is fetched from the network. The output is deterministic: running the
script twice gives byte-identical files. Checks and comparisons are printed
to stdout; any failed check raises.

Every reference is computed from the data files as read back from disk, so
it matches what PostgreSQL parses from the same text.
"""

import csv
import math
import os
import warnings
from fractions import Fraction

import numpy as np
import sklearn
import statsmodels.api as sm
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from statsmodels.datasets import longley

DATA_DIR = os.path.join("test", "data")
REF_DIR = os.path.join("test", "reference")

DIABETES_COLUMNS = ["age", "sex", "bmi", "bp",
                    "s1", "s2", "s3", "s4", "s5", "s6"]
LONGLEY_COLUMNS = ["deflator", "gnp", "unemployed", "armed_forces",
                   "population", "year"]

# NIST StRD certified values for the Longley regression, for the sanity check.
NIST_LONGLEY = [
    ("intercept", -3482258.63459582),
    ("deflator", 15.0618722713733),
    ("gnp", -0.358191792925910e-01),
    ("unemployed", -2.02022980381683),
    ("armed_forces", -1.03322686717359),
    ("population", -0.511041056535807e-01),
    ("year", 1829.15146461355),
]


def shortest(value):
    """Shortest round-trip text for a double; integral values lose the '.0'."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def g17(value):
    """17 significant digits: enough to round-trip any double."""
    return "%.17g" % value


def write_csv(path, header, rows):
    # Written by hand (not csv.writer) so line endings and quoting are fixed.
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write(",".join(header) + "\n")
        for row in rows:
            f.write(",".join(row) + "\n")
    print("wrote %s (%d rows)" % (path, len(rows)))


def read_csv(path):
    """Return (header, rows of text fields) exactly as stored on disk."""
    with open(path, encoding="ascii", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def read_floats(path):
    header, rows = read_csv(path)
    return header, np.array([[float(v) for v in row] for row in rows])


# ---------------------------------------------------------------- data files

def write_diabetes():
    data = load_diabetes(scaled=False)
    rows = [[shortest(v) for v in x] + [shortest(t)]
            for x, t in zip(data.data, data.target)]
    assert len(rows) == 442
    write_csv(os.path.join(DATA_DIR, "diabetes.csv"),
              DIABETES_COLUMNS + ["target"], rows)


def write_longley():
    df = longley.load_pandas().data
    source = ["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR", "TOTEMP"]
    rows = [[shortest(df[c].iloc[i]) for c in source] for i in range(len(df))]
    assert len(rows) == 16
    write_csv(os.path.join(DATA_DIR, "longley.csv"),
              LONGLEY_COLUMNS + ["employed"], rows)


def write_collinear():
    """Nearly collinear "economic" series, built to stress the OLS solver.

    x1: a trending level around 1e6.  x2: x1 scaled by 1.0001 plus noise of
    sd 1, so x1 and x2 are nearly collinear.  x3: a rate near 5% that drifts
    as a small random walk; its tiny scale next to x1 is what pushes the
    condition number of [1, x1, x2, x3] past 1e9.  With these choices,
    Householder QR (numpy lstsq) recovers the exact solution to about 1e-10
    relative, while solving the normal equations in double loses about four
    digits more (errors near 5e-4), so a 7-digit test separates the two.
    """
    rng = np.random.default_rng(20261127)
    n = 200
    t = np.arange(n)
    x1 = 1e6 + 500.0 * t + rng.normal(0.0, 1000.0, n)
    x2 = x1 * 1.0001 + rng.normal(0.0, 1.0, n)
    x3 = 0.05 + np.cumsum(rng.normal(0.0, 0.0003, n))
    y = 1000.0 + 0.8 * x1 - 0.5 * x2 + 20000.0 * x3 + rng.normal(0.0, 100.0, n)
    rows = [["%.12g" % v for v in r] for r in zip(x1, x2, x3, y)]
    write_csv(os.path.join(DATA_DIR, "collinear.csv"),
              ["x1", "x2", "x3", "y"], rows)


def write_metric_pairs():
    rng = np.random.default_rng(7)
    n = 1000
    y = rng.normal(50.0, 10.0, n)
    yhat = y + rng.normal(0.0, 3.0, n)
    rows = [[g17(a), g17(b)] for a, b in zip(y, yhat)]
    write_csv(os.path.join(DATA_DIR, "metric_pairs.csv"), ["y", "yhat"], rows)


# ------------------------------------------------------- exact rational OLS

def exact_ols(path, target):
    """Exact OLS (with intercept) of the CSV's doubles, in rational arithmetic.

    Each field becomes Fraction(float(text)): the exact value of the double
    PostgreSQL parses from that text.  The normal equations X'X b = X'y are
    then formed and solved by Gauss-Jordan elimination with no rounding at
    all, so the result is the true least-squares solution for those doubles.
    """
    header, rows = read_csv(path)
    features = [c for c in header if c != target]
    ti = header.index(target)
    fi = [header.index(c) for c in features]
    X = [[Fraction(1)] + [Fraction(float(r[i])) for i in fi] for r in rows]
    y = [Fraction(float(r[ti])) for r in rows]
    p = len(X[0])
    # Augmented matrix [X'X | X'y].
    m = [[sum(row[i] * row[j] for row in X) for j in range(p)]
         + [sum(row[i] * yi for row, yi in zip(X, y))] for i in range(p)]
    for c in range(p):
        pivot = next(r for r in range(c, p) if m[r][c] != 0)
        m[c], m[pivot] = m[pivot], m[c]
        for r in range(p):
            if r != c and m[r][c] != 0:
                f = m[r][c] / m[c][c]
                m[r] = [a - f * b for a, b in zip(m[r], m[c])]
    coef = [m[i][p] / m[i][i] for i in range(p)]
    design = np.array([[float(v) for v in row] for row in X])
    target_values = np.array([float(v) for v in y])
    return ["intercept"] + features, coef, design, target_values


def write_exact(path, target, out_name):
    names, coef, design, y = exact_ols(path, target)
    # float(Fraction) rounds correctly, so %.17g prints the nearest double.
    write_csv(os.path.join(REF_DIR, out_name), ["feature", "coefficient"],
              [[n, g17(float(c))] for n, c in zip(names, coef)])
    return names, coef, design, y


# ------------------------------------------------------- scikit-learn fits

def lasso_kkt_violation(model, X, y):
    """Largest violation of the optimality (KKT) conditions of sklearn's
    objective 1/(2n)||y - Xw - b||^2 + a*r*||w||_1 + a*(1-r)/2*||w||^2,
    scaled by alpha*l1_ratio.  Near 0 means the solution is truly optimal,
    not just stopped by the duality-gap test."""
    n = X.shape[0]
    alpha = model.alpha
    l1 = getattr(model, "l1_ratio", 1.0)
    w = model.coef_
    resid = y - X @ w - model.intercept_
    grad = X.T @ resid / n - alpha * (1.0 - l1) * w
    lam = alpha * l1
    worst = 0.0
    for g, wj in zip(grad, w):
        if wj != 0.0:
            worst = max(worst, abs(g - lam * np.sign(wj)))
        else:
            worst = max(worst, max(0.0, abs(g) - lam))
    return worst / lam


def fit_diabetes():
    header, data = read_floats(os.path.join(DATA_DIR, "diabetes.csv"))
    assert header == DIABETES_COLUMNS + ["target"]
    X, y = data[:, :-1], data[:, -1]

    models = [
        ("linear_regression", LinearRegression()),
        ("ridge", Ridge(alpha=10.0)),
        # tol=1e-12 because the C tests compare at 1e-6 relative; the raw
        # (unscaled) features make coordinate descent slow, hence the large
        # max_iter.  Convergence warnings are turned into errors below, so a
        # fit that stops early cannot slip into the reference file.
        ("lasso", Lasso(alpha=0.5, tol=1e-12, max_iter=1000000)),
        ("elastic_net", ElasticNet(alpha=0.5, l1_ratio=0.7, tol=1e-12,
                                   max_iter=1000000)),
    ]
    rows = []
    fitted = {}
    for name, model in models:
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            model.fit(X, y)
        if isinstance(model, ElasticNet):  # Lasso is a subclass
            print("%s: converged in %d iterations, KKT violation %.2e"
                  % (name, model.n_iter_, lasso_kkt_violation(model, X, y)))
        coef = [model.intercept_] + list(model.coef_)
        fitted[name] = coef
        for feature, c in zip(["intercept"] + DIABETES_COLUMNS, coef):
            rows.append([name, feature, g17(c)])
    write_csv(os.path.join(REF_DIR, "linear_coef.csv"),
              ["model", "feature", "coefficient"], rows)

    # Independent check of the plain OLS fit.
    ols = sm.OLS(y, sm.add_constant(X)).fit().params
    rel = np.max(np.abs(np.array(fitted["linear_regression"]) - ols)
                 / np.abs(ols))
    print("LinearRegression vs statsmodels OLS: max relative diff %.2e" % rel)
    assert rel < 1e-9, rel

    # Second solver path for the penalised fits: precomputed Gram matrix.
    for name, cls, kw in [("lasso", Lasso, {}),
                          ("elastic_net", ElasticNet, {"l1_ratio": 0.7})]:
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            alt = cls(alpha=0.5, tol=1e-12, max_iter=1000000,
                      precompute=True, **kw).fit(X, y)
        alt_coef = np.array([alt.intercept_] + list(alt.coef_))
        ref = np.array(fitted[name])
        nz = ref != 0.0
        diff = np.max(np.abs(alt_coef[nz] - ref[nz]) / np.abs(ref[nz]))
        print("%s vs precompute=True: max relative diff %.2e" % (name, diff))
        assert diff < 1e-8, diff
        assert np.all(alt_coef[~nz] == 0.0)
    return fitted


def write_metrics():
    header, data = read_floats(os.path.join(DATA_DIR, "metric_pairs.csv"))
    assert header == ["y", "yhat"]
    y, yhat = data[:, 0], data[:, 1]
    mse = mean_squared_error(y, yhat)
    rows = [["mse", g17(mse)],
            ["rmse", g17(math.sqrt(mse))],
            ["mae", g17(mean_absolute_error(y, yhat))],
            ["r2", g17(r2_score(y, yhat))]]
    write_csv(os.path.join(REF_DIR, "metrics.csv"), ["metric", "value"], rows)


# --------------------------------------------------------------------- main

def main():
    if not os.path.isdir(DATA_DIR) or not os.path.isdir(REF_DIR):
        raise SystemExit("run from the repository root (test/data and "
                         "test/reference must exist)")
    print("numpy %s, scikit-learn %s" % (np.__version__, sklearn.__version__))

    write_diabetes()
    write_longley()
    write_collinear()
    write_metric_pairs()

    fitted = fit_diabetes()
    for name, coef in fitted.items():
        print("%s:" % name)
        for feature, c in zip(["intercept"] + DIABETES_COLUMNS, coef):
            print("    %-10s %s" % (feature, g17(c)))

    names, coef, design, _ = write_exact(
        os.path.join(DATA_DIR, "longley.csv"), "employed", "longley_coef.csv")
    print("Longley design [1, X] condition number: %.4g"
          % np.linalg.cond(design))
    print("Longley exact OLS vs NIST StRD certified values:")
    for (n, c), (nist_name, nist) in zip(zip(names, coef), NIST_LONGLEY):
        assert n == nist_name, (n, nist_name)
        rel = abs(float(c) - nist) / abs(nist)
        # NIST certifies 15 significant digits.
        print("    %-12s exact %-24s NIST %-20r rel diff %.1e"
              % (n, g17(float(c)), nist, rel))
        assert rel < 1e-13, (n, rel)

    names, coef, design, y = write_exact(
        os.path.join(DATA_DIR, "collinear.csv"), "y", "collinear_coef.csv")
    cond = np.linalg.cond(design)
    print("collinear design [1, x1, x2, x3] condition number: %.4g" % cond)
    assert cond >= 1e9, cond
    # How well a good double-precision solver (Householder QR / SVD) does.
    approx = np.linalg.lstsq(design, y, rcond=None)[0]
    exact = np.array([float(c) for c in coef])
    print("collinear: numpy lstsq vs exact, max relative diff %.2e"
          % np.max(np.abs(approx - exact) / np.abs(exact)))
    for n, c in zip(names, coef):
        print("    %-10s %s" % (n, g17(float(c))))

    write_metrics()


if __name__ == "__main__":
    main()
