"""Reference values for mlpipe's feature engineering and selection.

Run from the repository root with Debian's Python (scikit-learn 1.2):

    /usr/bin/python3 test/reference/make_engineer_reference.py

Reads test/data/diabetes_nulls.csv (made by make_prep_reference.py) and
writes test/reference/engineer_coef.csv, one row per (case, name, value):

* poly2_ridge, poly3_ridge: SimpleImputer(mean), then products of the
  imputed columns (PolynomialFeatures without bias; only the terms of degree
  2 and up are added, the columns themselves are already features), then
  StandardScaler and Ridge.  Coefficients are mapped back to the scale of the
  unscaled features (coef / scale; intercept - sum(coef * mean / scale)), as
  mlpipe_coefficients reports them, plus the prediction for the first row
  with a NULL bmi (predict_row<i>, i counted from 0).
* bucketize_ridge: KBinsDiscretizer(strategy="quantile", encode="ordinal")
  on s1 (5 bins) and bmi (4 bins, fitted on its non-NULL values; NULL then
  takes the mean bin index), SimpleImputer(mean), StandardScaler, Ridge.
* select_<method>: the k features SelectKBest / the lasso path / mutual
  information pick from the imputed, standardised features, value 1 for a
  chosen feature, and the coefficients of Ridge on the chosen ones.
  mutual_info_regression adds random noise; its rank order is what mlpipe's
  test compares (the chosen set must be the same).
"""
import csv
import itertools

import numpy as np
from sklearn.feature_selection import SelectKBest, f_regression, mutual_info_regression
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Ridge, lasso_path
from sklearn.preprocessing import KBinsDiscretizer, StandardScaler

rows = list(csv.reader(open("test/data/diabetes_nulls.csv")))
header = rows[0][:10]
X0 = np.array([[np.nan if v == "" else float(v) for v in r[:10]] for r in rows[1:]])
y = np.array([float(r[10]) for r in rows[1:]])
Xi = SimpleImputer(strategy="mean").fit_transform(X0)
null_bmi = int(np.flatnonzero(np.isnan(X0[:, header.index("bmi")]))[0])  # a row to score

out = []


def products(X, names, poly_cols, degree, inter_cols):
    """Append products as mlpipe does: polynomial terms, then pairs, no repeats."""
    idx = {n: i for i, n in enumerate(names)}
    terms = []
    pc = sorted(idx[c] for c in poly_cols)
    for d in range(2, degree + 1):
        for t in itertools.combinations_with_replacement(pc, d):
            if t not in terms:
                terms.append(t)
    ic = sorted(idx[c] for c in inter_cols)
    for t in itertools.combinations(ic, 2):
        if t not in terms:
            terms.append(t)
    cols, new_names = [X], list(names)
    for t in terms:
        cols.append(np.prod(X[:, list(t)], axis=1)[:, None])
        parts = []
        for f in sorted(set(t), key=t.index):
            c = t.count(f)
            parts.append(names[f] + ("^%d" % c if c > 1 else ""))
        new_names.append("*".join(parts))
    return np.hstack(cols), new_names


def ridge_rows(case, X, names, alpha, predict_row=None):
    sc = StandardScaler().fit(X)
    m = Ridge(alpha=alpha).fit(sc.transform(X), y)
    coef = m.coef_ / sc.scale_
    out.append((case, "intercept", m.intercept_ - np.sum(m.coef_ * sc.mean_ / sc.scale_)))
    for n, c in zip(names, coef):
        out.append((case, n, c))
    if predict_row is not None:
        out.append((case, "predict_row%d" % predict_row,
                    float(m.predict(sc.transform(X[predict_row:predict_row + 1]))[0])))


# products: degree 2 over bmi, bp, s5 plus pairs of age, bmi, bp (bmi*bp comes once)
Xp, names = products(Xi, header, ["bmi", "bp", "s5"], 2, ["age", "bmi", "bp"])
ridge_rows("poly2_ridge", Xp, names, 1.0, predict_row=null_bmi)
Xp, names = products(Xi, header, ["bmi", "s5"], 3, [])
ridge_rows("poly3_ridge", Xp, names, 1.0, predict_row=null_bmi)

# bucketize: s1 (no NULLs) through KBinsDiscretizer(5 quantile bins, ordinal);
# bmi (NULLs) in 4 bins fitted on its non-NULL values the same way, NULL left
# for the mean imputation of the bin indexes; then ridge on everything
Xb = X0.copy()
s1 = header.index("s1")
Xb[:, s1] = KBinsDiscretizer(n_bins=5, encode="ordinal", strategy="quantile").fit_transform(
    X0[:, [s1]])[:, 0]
bmi = header.index("bmi")
ok = ~np.isnan(X0[:, bmi])
kb = KBinsDiscretizer(n_bins=4, encode="ordinal", strategy="quantile").fit(X0[ok][:, [bmi]])
Xb[ok, bmi] = kb.transform(X0[ok][:, [bmi]])[:, 0]
Xb = SimpleImputer(strategy="mean").fit_transform(Xb)
ridge_rows("bucketize_ridge", Xb, header, 1.0, predict_row=null_bmi)

# selection from the imputed, standardised features, k = 4, then ridge on the chosen
k = 4
Xs = StandardScaler().fit_transform(Xi)
chosen = {}
chosen["f_test"] = SelectKBest(f_regression, k=k).fit(Xs, y).get_support()
var = Xi.var(axis=0)
chosen["variance"] = np.zeros(10, bool)
chosen["variance"][np.argsort(var, kind="mergesort")[-k:]] = True
mi = mutual_info_regression(Xi, y, random_state=0)
chosen["mutual_info"] = np.zeros(10, bool)
chosen["mutual_info"][np.argsort(mi, kind="mergesort")[-k:]] = True
Xc, yc = Xs - Xs.mean(axis=0), y - y.mean()
alphas, coefs, _ = lasso_path(Xc, yc, eps=1e-3, n_alphas=100, tol=1e-10, max_iter=100000)
for a in range(len(alphas)):
    if np.count_nonzero(coefs[:, a]) >= k:
        break
chosen["l1"] = np.zeros(10, bool)
chosen["l1"][np.argsort(np.abs(coefs[:, a]), kind="mergesort")[-k:]] = True
for method, mask in chosen.items():
    case = "select_" + method
    for n, c in zip(header, mask):
        if c:
            out.append((case, "chosen:" + n, 1.0))
    ridge_rows(case, Xi[:, mask], [n for n, c in zip(header, mask) if c], 1.0)
for n, v in zip(header, mi):
    out.append(("mutual_info", n, v))

with open("test/reference/engineer_coef.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["case", "name", "value"])
    for case, name, value in out:
        w.writerow([case, name, repr(float(value))])
