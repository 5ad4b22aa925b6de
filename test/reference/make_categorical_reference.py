"""Reference values for mlpipe's one-hot encoding of categorical features.

Run from the repository root with Debian's Python (scikit-learn 1.2):

    /usr/bin/python3 test/reference/make_categorical_reference.py

Writes test/data/shops.csv (seeded synthetic data: a numeric feature, a
"city" column with 40 values of distinct frequencies, so that exactly 30 are
kept and ten fall into "(other)", and a "color" column with NULLs) and
test/reference/categorical_coef.csv: scikit-learn's coefficients by mlpipe's
feature names and predictions for a few rows, including a city and a color
never seen in training, for

  * iris: sepal_length ~ petal_length + petal_width + species, Ridge(alpha=1)
  * shops: y ~ x + city + color, Ridge(alpha=0.5), with
    OneHotEncoder(max_categories=31, handle_unknown='infrequent_if_exist'):
    scikit-learn's 30 frequent values plus one infrequent group is mlpipe's
    cap of 30 plus "(other)".  NULL is its own category in both.
  * shops_cap3: the same with max_categories 3 for city (scikit-learn's 4).
"""
import csv

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

NULL = "__null__"
out = []

# iris
rows = list(csv.DictReader(open("sql/datasets/iris.csv")))
num = np.array([[float(r["petal_length"]), float(r["petal_width"])] for r in rows])
cat = np.array([[r["species"]] for r in rows], dtype=object)
y = np.array([float(r["sepal_length"]) for r in rows])
enc = OneHotEncoder(handle_unknown="ignore").fit(cat)
X = np.hstack([num, enc.transform(cat).toarray()])
m = Ridge(alpha=1.0).fit(X, y)
names = ["petal_length", "petal_width"] + ["species=" + c for c in enc.categories_[0]]
out.append(("iris", "intercept", m.intercept_))
out += [("iris", n, c) for n, c in zip(names, m.coef_)]
for label, pl, pw, sp in [("predict_setosa", 1.4, 0.2, "setosa"),
                          ("predict_virginica", 5.5, 2.0, "virginica"),
                          ("predict_unseen", 1.4, 0.2, "zzz")]:
    x = np.hstack([[pl, pw], enc.transform(np.array([[sp]], dtype=object)).toarray()[0]])
    out.append(("iris", label, m.predict(x.reshape(1, -1))[0]))

# shops: seeded synthetic data
rng = np.random.default_rng(7)
cities = []
for i in range(40):
    cities += ["c%02d" % i] * (41 - i)          # 41, 40, ..., 2 rows: all distinct
rng.shuffle(cities)
n = len(cities)
x = np.round(rng.normal(10, 3, n), 3)
colors = rng.choice(["red", "green", "blue", None], n, p=[0.4, 0.3, 0.2, 0.1])
effect = {c: rng.normal(0, 2) for c in sorted(set(cities))}
ceff = {"red": 1.0, "green": -0.5, "blue": 0.25, None: 2.0}
yv = np.round(3 + 0.8 * x + np.array([effect[c] for c in cities])
              + np.array([ceff[c] for c in colors]) + rng.normal(0, 0.5, n), 4)
with open("test/data/shops.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["x", "city", "color", "y"])
    for i in range(n):
        w.writerow([repr(float(x[i])), cities[i], colors[i] or "", repr(float(yv[i]))])

# read back what PostgreSQL will read (an empty unquoted field is NULL)
back = list(csv.DictReader(open("test/data/shops.csv")))
xs = np.array([[float(r["x"])] for r in back])
cat = np.array([[r["city"], r["color"] or NULL] for r in back], dtype=object)
y = np.array([float(r["y"]) for r in back])
Xall = np.hstack([xs.astype(object), cat])


def shops_model(model, city_kept):
    """Ridge on x and one-hot city and color, keeping city_kept cities."""
    ct = ColumnTransformer([("oh", OneHotEncoder(max_categories=city_kept + 1,
                                                 handle_unknown="infrequent_if_exist",
                                                 sparse_output=False), [1]),
                            ("oh2", OneHotEncoder(max_categories=31,
                                                  handle_unknown="infrequent_if_exist",
                                                  sparse_output=False), [2])],
                           remainder="passthrough")
    pipe = make_pipeline(ct, Ridge(alpha=0.5)).fit(Xall, y)
    names = []
    for col, oh in [("city", ct.named_transformers_["oh"]), ("color", ct.named_transformers_["oh2"])]:
        cats, infreq = oh.categories_[0], oh.infrequent_categories_[0]
        infreq = set() if infreq is None else set(infreq)
        for c in cats:
            if c not in infreq:
                names.append(col + (" IS NULL" if c == NULL else "=" + c))
        if infreq:
            names.append(col + "=(other)")
    names.append("x")
    m = pipe[-1]
    out.append((model, "intercept", m.intercept_))
    out.extend((model, nm, c) for nm, c in zip(names, m.coef_))
    for label, xv, city, color in [("predict_kept", 10.0, "c03", "red"),
                                   ("predict_other", 10.0, "c35", "green"),
                                   ("predict_unseen_city", 10.0, "nowhere", "blue"),
                                   ("predict_null_color", 10.0, "c00", None),
                                   ("predict_unseen_color", 10.0, "c00", "purple")]:
        row = np.array([[xv, city, color or NULL]], dtype=object)
        out.append((model, label, pipe.predict(row)[0]))


# the default cap of 30, and max_categories 3 for city (mlpipe's cap does
# not count NULL, which always has its own feature, so it is set on city alone)
shops_model("shops", 30)
shops_model("shops_cap3", 3)

with open("test/reference/categorical_coef.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["model", "name", "value"])
    for mdl, nm, v in out:
        w.writerow([mdl, nm, "%.17g" % v])
print(open("test/reference/categorical_coef.csv").read())
