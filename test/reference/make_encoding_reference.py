"""Reference values for mlpipe's ordinal and target encodings.

Run from the repository root with Debian's Python (scikit-learn 1.2):

    /usr/bin/python3 test/reference/make_encoding_reference.py

Reads test/data/shops.csv (made by make_categorical_reference.py: x, a
40-valued city, a color with NULLs, y) and writes
test/reference/encoding_coef.csv with, for each case, the coefficients by
mlpipe's feature names (on the original scale of the encoded features:
coef / scale, intercept - sum(coef * mean / scale)) and predictions of a few
rows given as jsonb:

  * ordinal: OrdinalEncoder(handle_unknown='use_encoded_value',
    unknown_value=-1, encoded_missing_value=nan) on city and color, then
    SimpleImputer(mean) and StandardScaler on x, city, color, Ridge(alpha=1).
  * target: city and color as the m-estimate of the mean of y over their
    rows, (sum + m * mean) / (count + m) with m = 10 (NULL a category of its
    own, unseen values the mean of y), computed here with numpy (scikit-learn
    1.2 has no target encoder), then StandardScaler and Ridge(alpha=1).
"""
import csv
import json

import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Ridge
from sklearn.preprocessing import OrdinalEncoder, StandardScaler

rows = list(csv.reader(open("test/data/shops.csv")))[1:]
x = np.array([float(r[0]) for r in rows])
city = np.array([r[1] for r in rows], dtype=object)
color = np.array([r[2] if r[2] != "" else np.nan for r in rows], dtype=object)
y = np.array([float(r[3]) for r in rows])

probes = {
    "predict_kept": {"x": 10, "city": "c03", "color": "red"},
    "predict_null_color": {"x": 10, "city": "c03", "color": None},
    "predict_unseen": {"x": 7.5, "city": "nowhere", "color": "purple"},
}
out = []


def emit(case, names, X, scaler, model):
    coef = model.coef_ / scaler.scale_
    out.append((case, "intercept", model.intercept_ - np.sum(model.coef_ * scaler.mean_ / scaler.scale_)))
    for n, c in zip(names, coef):
        out.append((case, n, c))


# ordinal
enc = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
                     encoded_missing_value=np.nan)
cats = np.column_stack([city, color])
codes = enc.fit_transform(cats)
X = np.column_stack([x, codes])
imp = SimpleImputer(strategy="mean").fit(X)
sc = StandardScaler().fit(imp.transform(X))
m = Ridge(alpha=1.0).fit(sc.transform(imp.transform(X)), y)
emit("ordinal", ["x", "city", "color"], X, sc, m)
for name, p in probes.items():
    c = enc.transform(np.array([[p["city"], p["color"] if p["color"] is not None else np.nan]], dtype=object))
    row = np.column_stack([[p["x"]], c])
    out.append(("ordinal", name, m.predict(sc.transform(imp.transform(row)))[0]))


# target, m = 10
def target_encode(col, m=10.0):
    mean = y.mean()
    key = [("NULL" if (isinstance(v, float) and np.isnan(v)) else v) for v in col]
    table = {}
    for k in set(key):
        sel = np.array([kk == k for kk in key])
        table[k] = (y[sel].sum() + m * mean) / (sel.sum() + m)
    return table, mean, np.array([table[k] for k in key])


tc, mean, ecity = target_encode(city)
tcol, _, ecolor = target_encode(color)
X = np.column_stack([x, ecity, ecolor])
sc = StandardScaler().fit(X)
m = Ridge(alpha=1.0).fit(sc.transform(X), y)
emit("target", ["x", "city", "color"], X, sc, m)
for name, p in probes.items():
    row = np.array([[p["x"], tc.get(p["city"], mean),
                     tcol.get("NULL" if p["color"] is None else p["color"], mean)]])
    out.append(("target", name, m.predict(sc.transform(row))[0]))

with open("test/reference/encoding_coef.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["case", "name", "value", "probe"])
    for case, name, value in out:
        w.writerow([case, name, repr(float(value)), json.dumps(probes[name]) if name in probes else ""])
