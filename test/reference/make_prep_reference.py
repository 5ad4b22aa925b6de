"""Reference values for mlpipe's numeric preprocessing (imputation, scaling).

Run from the repository root with Debian's Python (scikit-learn 1.2):

    /usr/bin/python3 test/reference/make_prep_reference.py

Writes test/data/diabetes_nulls.csv (the raw diabetes data with seeded
missing values in bmi, bp and s5) and test/reference/prep_coef.csv: for each
pipeline, scikit-learn's coefficients mapped back to the original feature
scale (coef / scale; intercept - sum(coef * center / scale)), which is what
mlpipe_coefficients reports, plus predictions for the first row and nine rows with missing values.
"""
import csv

import numpy as np
from sklearn.compose import make_column_transformer  # noqa: F401 (documents the choice)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, RobustScaler, StandardScaler

rows = list(csv.reader(open("test/data/diabetes.csv")))
header, data = rows[0], np.array(rows[1:], dtype=float)
X, y = data[:, :10].copy(), data[:, 10]
rng = np.random.default_rng(2024)
for col in (header.index("bmi"), header.index("bp"), header.index("s5")):
    X[rng.random(len(X)) < 0.05, col] = np.nan

with open("test/data/diabetes_nulls.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(header)
    for i in range(len(X)):
        w.writerow(["" if np.isnan(v) else repr(float(v)) for v in X[i]] + [repr(float(y[i]))])

# read back what PostgreSQL will read
back = list(csv.reader(open("test/data/diabetes_nulls.csv")))[1:]
X = np.array([[np.nan if v == "" else float(v) for v in r[:10]] for r in back])
y = np.array([float(r[10]) for r in back])

pipelines = {
    "mean_standard_ridge": (SimpleImputer(strategy="mean"), StandardScaler(), Ridge(alpha=10.0)),
    "median_robust_lasso": (SimpleImputer(strategy="median"), RobustScaler(),
                            Lasso(alpha=0.5, tol=1e-12, max_iter=1000000)),
    "constant_minmax_enet": (SimpleImputer(strategy="constant", fill_value=0.0), MinMaxScaler(),
                             ElasticNet(alpha=0.01, l1_ratio=0.5, tol=1e-12, max_iter=1000000)),
    "mean_maxabs_ols": (SimpleImputer(strategy="mean"), MaxAbsScaler(), LinearRegression()),
    "mostfreq_standard_ridge": (SimpleImputer(strategy="most_frequent"), StandardScaler(),
                                Ridge(alpha=10.0)),
    "log1p_clip_mean_standard_ridge": (SimpleImputer(strategy="mean"), StandardScaler(),
                                       Ridge(alpha=10.0)),
}


def log1p_clip(X):
    """log1p of bmi, bp and s5, s1 clipped to [150, 250]; NaN stays NaN."""
    X = X.copy()
    for col in ("bmi", "bp", "s5"):
        X[:, header.index(col)] = np.log1p(X[:, header.index(col)])
    X[:, header.index("s1")] = np.clip(X[:, header.index("s1")], 150, 250)
    return X


# transforms applied before the pipeline (mlpipe applies them first too)
before = {"log1p_clip_mean_standard_ridge": log1p_clip}

with open("test/reference/prep_coef.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["pipeline", "name", "value"])
    X0 = X
    for name, (imputer, scaler, model) in pipelines.items():
        X = before.get(name, lambda a: a)(X0)
        pipe = make_pipeline(imputer, scaler, model).fit(X, y)
        if isinstance(scaler, StandardScaler):
            center, scale = scaler.mean_, scaler.scale_
        elif isinstance(scaler, RobustScaler):
            center, scale = scaler.center_, scaler.scale_
        elif isinstance(scaler, MinMaxScaler):
            center, scale = scaler.data_min_, 1.0 / scaler.scale_
        else:
            center, scale = np.zeros(X.shape[1]), scaler.scale_
        coef = model.coef_ / scale
        intercept = model.intercept_ - np.sum(model.coef_ * center / scale)
        w.writerow([name, "intercept", "%.17g" % intercept])
        for j in range(X.shape[1]):
            w.writerow([name, header[j], "%.17g" % coef[j]])
        # rows with a missing value, and the first row
        rows_idx = [0] + [i for i in range(len(X)) if np.isnan(X[i]).any()][:9]
        for i, p in zip(rows_idx, pipe.predict(X[rows_idx])):
            w.writerow([name, "predict_%d" % (i + 1), "%.17g" % p])
print(open("test/reference/prep_coef.csv").read()[:400])
