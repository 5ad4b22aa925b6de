"""Write the five classic scikit-learn data sets as CSV files for mlpipe.

Run from the repository root with Debian's Python (it has scikit-learn 1.2
and numpy; a pyenv `python3` on PATH may not):

    /usr/bin/python3 test/reference/make_datasets.py

Writes:
    sql/datasets/iris.csv           150 rows, target `species` (text)
    sql/datasets/wine.csv           178 rows, target `cultivar` (text)
    sql/datasets/breast_cancer.csv  569 rows, target `diagnosis` (text)
    sql/datasets/diabetes.csv       442 rows, target `progression` (number),
                                    the RAW (unscaled) version
    sql/datasets/digits.csv         1797 rows, target `digit` (int 0..9)
    sql/datasets/README.md          sizes, targets, origin and citations

The data come from the copies bundled with Debian's python3-sklearn; nothing
is fetched from the network. The output is deterministic: running the script
twice gives byte-identical files. Every CSV is read back from disk and
compared with scikit-learn's arrays; any mismatch raises.

Format: header row, comma separated, LF line endings, no quoting (no value
contains a comma or a quote). Numbers are the shortest text that round-trips
the double (Python repr), with a trailing ".0" dropped from integral values.
"""

import csv
import os
import re

import numpy as np
import sklearn
from sklearn.datasets import (load_breast_cancer, load_diabetes, load_digits,
                              load_iris, load_wine)

OUT_DIR = os.path.join("sql", "datasets")


def shortest(value):
    """Shortest round-trip text for a double; integral values lose the '.0'."""
    text = repr(float(value))
    if text.endswith(".0"):
        text = text[:-2]
    if text == "-0":
        text = "0"  # no negative zeros in these data, but keep output tidy
    return text


def snake(name):
    """'od280/od315_of_diluted_wines' -> 'od280_od315_of_diluted_wines',
    'mean fractal dimension' -> 'mean_fractal_dimension'."""
    s = re.sub(r"[ /()]", "_", name.lower())
    s = re.sub(r"_+", "_", s)
    s = s.strip("_")
    assert re.fullmatch(r"[a-z][a-z0-9_]*", s), (name, s)
    return s


def write_csv(path, header, rows):
    # Written by hand (not csv.writer) so line endings and quoting are fixed.
    for field in header:
        assert "," not in field and '"' not in field
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write(",".join(header) + "\n")
        for row in rows:
            assert len(row) == len(header)
            for field in row:
                assert field and "," not in field and '"' not in field, field
            f.write(",".join(row) + "\n")
    print("wrote %s (%d rows x %d columns, %d bytes)"
          % (path, len(rows), len(header), os.path.getsize(path)))


def read_csv(path):
    """Return (header, rows of text fields) exactly as stored on disk."""
    with open(path, encoding="ascii", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


# ------------------------------------------------------------------ data sets
#
# Each entry: (file stem, loader, feature column names, target column name,
# how the target is written: "label" = target_names[target], "number" =
# shortest(), "int" = int).

def iris_columns(bunch):
    # 'sepal length (cm)' -> 'sepal_length'
    cols = [snake(n.replace("(cm)", "")) for n in bunch.feature_names]
    assert cols == ["sepal_length", "sepal_width",
                    "petal_length", "petal_width"], cols
    return cols


def digits_columns(bunch):
    # sklearn names pixels pixel_<row>_<col>; the data are row-major.
    cols = ["p%d" % i for i in range(64)]
    expect = ["pixel_%d_%d" % (i // 8, i % 8) for i in range(64)]
    assert list(bunch.feature_names) == expect
    return cols


def snake_columns(bunch):
    return [snake(n) for n in bunch.feature_names]


def diabetes_columns(bunch):
    cols = list(bunch.feature_names)
    assert cols == ["age", "sex", "bmi", "bp",
                    "s1", "s2", "s3", "s4", "s5", "s6"], cols
    return cols


DATASETS = [
    ("iris", load_iris, {}, iris_columns, "species", "label", 150),
    ("wine", load_wine, {}, snake_columns, "cultivar", "label", 178),
    ("breast_cancer", load_breast_cancer, {}, snake_columns, "diagnosis",
     "label", 569),
    ("diabetes", load_diabetes, {"scaled": False}, diabetes_columns,
     "progression", "number", 442),
    ("digits", load_digits, {}, digits_columns, "digit", "int", 1797),
]


def target_text(bunch, kind, t):
    if kind == "label":
        return str(bunch.target_names[int(t)])
    if kind == "int":
        assert float(t) == int(t)
        return str(int(t))
    return shortest(t)


def write_and_check(stem, loader, kwargs, columns_of, target, kind, nrows):
    bunch = loader(**kwargs)
    X = np.asarray(bunch.data, dtype=np.float64)
    y = np.asarray(bunch.target)
    assert X.shape[0] == nrows and y.shape == (nrows,), (stem, X.shape)
    header = columns_of(bunch) + [target]
    assert len(header) == X.shape[1] + 1
    assert len(set(header)) == len(header), header
    if kind == "label":
        # target 0..k-1 maps to target_names (breast cancer: 0 = malignant).
        assert set(np.unique(y)) <= set(range(len(bunch.target_names)))

    rows = [[shortest(v) for v in x] + [target_text(bunch, kind, t)]
            for x, t in zip(X, y)]
    path = os.path.join(OUT_DIR, stem + ".csv")
    write_csv(path, header, rows)

    # Read back from disk and compare with sklearn's arrays, exactly.
    got_header, got_rows = read_csv(path)
    assert got_header == header, (stem, got_header)
    assert len(got_rows) == nrows, (stem, len(got_rows))
    got_X = np.array([[float(v) for v in r[:-1]] for r in got_rows])
    assert got_X.shape == X.shape
    assert np.array_equal(got_X, X), stem
    labels = [r[-1] for r in got_rows]
    if kind == "label":
        names = [str(n) for n in bunch.target_names]
        got_y = np.array([names.index(v) for v in labels])
        assert np.array_equal(got_y, y), stem
    elif kind == "int":
        got_y = np.array([int(v) for v in labels])
        assert np.array_equal(got_y, y), stem
        assert set(got_y) == set(range(10))
        assert got_X.min() == 0 and got_X.max() == 16
        assert np.array_equal(got_X, np.round(got_X))
    else:
        got_y = np.array([float(v) for v in labels])
        assert np.array_equal(got_y, y.astype(np.float64)), stem
    # Cross-check with numpy's own parser too.
    arr = np.genfromtxt(path, delimiter=",", skip_header=1,
                        usecols=range(X.shape[1]), dtype=np.float64)
    assert np.array_equal(arr.reshape(X.shape), X), stem
    return {
        "stem": stem, "rows": nrows, "cols": len(header), "header": header,
        "target": target, "kind": kind,
        "classes": ([str(n) for n in bunch.target_names]
                    if kind == "label" else None),
        "counts": ([int((y == i).sum()) for i in range(len(bunch.target_names))]
                   if kind == "label" else None),
        "y_min": float(y.min()), "y_max": float(y.max()),
    }


# ------------------------------------------------------------------- README

ORIGIN = {
    "iris": (
        "Fisher's Iris data (UCI *Iris*; scikit-learn's copy follows "
        "Fisher's paper, as R does, and so differs from the UCI file in "
        "two data points).",
        "R. A. Fisher, \"The use of multiple measurements in taxonomic "
        "problems\", Annual Eugenics 7(II), 179-188 (1936); donor Michael "
        "Marshall, 1988."),
    "wine": (
        "UCI ML *Wine* recognition data: chemical analysis of wines from "
        "three cultivars grown in the same region of Italy.",
        "Forina, M. et al., PARVUS (Genoa); cite the UCI ML Repository "
        "(Lichman, M. (2013), UC Irvine) and Aeberhard, Coomans & de Vel "
        "(1992), James Cook University Tech. Rep. 92-02."),
    "breast_cancer": (
        "UCI ML *Breast Cancer Wisconsin (Diagnostic)* data: features of "
        "cell nuclei from digitised fine-needle-aspirate images.",
        "Creators W. H. Wolberg, W. N. Street, O. L. Mangasarian (1995); "
        "cite Street, Wolberg & Mangasarian, IS&T/SPIE 1993, vol. 1905, "
        "861-870."),
    "diabetes": (
        "Efron et al.'s diabetes data (not from UCI): 10 baseline variables "
        "for 442 patients; scikit-learn's source URL is "
        "https://www4.stat.ncsu.edu/~boos/var.select/diabetes.html. This is "
        "the RAW, unscaled version (`load_diabetes(scaled=False)`).",
        "B. Efron, T. Hastie, I. Johnstone, R. Tibshirani (2004), "
        "\"Least Angle Regression\", Annals of Statistics 32(2), 407-499."),
    "digits": (
        "Test set of the UCI ML *Optical Recognition of Handwritten Digits* "
        "data: 8x8 images, each pixel a count 0..16 of 4x4 blocks of a "
        "32x32 bitmap; `p0..p63` are row-major (`p<8*row+col>`).",
        "Creator E. Alpaydin (1998); cite C. Kaynak (1995), MSc thesis, "
        "Bogazici University, and Alpaydin & Kaynak (1998), \"Cascading "
        "Classifiers\", Kybernetika."),
}


def write_readme(infos):
    lines = [
        "# Bundled data sets",
        "",
        "Five classic data sets for examples and tests, written by "
        "`test/reference/make_datasets.py` from the copies bundled with "
        "Debian's `python3-sklearn` (scikit-learn %s); nothing is fetched "
        "from the network. Regenerate with" % sklearn.__version__,
        "",
        "    /usr/bin/python3 test/reference/make_datasets.py",
        "",
        "The script is deterministic and checks that every file reads back "
        "to exactly scikit-learn's arrays.",
        "",
        "Format: one header row, comma separated, LF line endings, no "
        "quoting. Numbers are the shortest text that round-trips the double "
        "(integral values without `.0`). The target is the last column.",
        "",
        "| file | rows | columns | target column | target type |",
        "|---|---:|---:|---|---|",
    ]
    for info in infos:
        if info["kind"] == "label":
            ttype = "text: " + ", ".join(
                "%s (%d)" % (c, n)
                for c, n in zip(info["classes"], info["counts"]))
        elif info["kind"] == "int":
            ttype = "integer %d..%d" % (info["y_min"], info["y_max"])
        else:
            ttype = "number %s..%s" % (shortest(info["y_min"]),
                                       shortest(info["y_max"]))
        lines.append("| `%s.csv` | %d | %d | `%s` | %s |"
                     % (info["stem"], info["rows"], info["cols"],
                        info["target"], ttype))
    lines += [
        "",
        "Column counts include the target. Feature names for `wine` and "
        "`breast_cancer` are scikit-learn's `feature_names` in snake case "
        "(lower case; spaces, slashes and parentheses become underscores).",
        "",
        "## Origin and attribution",
        "",
        "scikit-learn's descriptions (`sklearn/datasets/descr/*.rst`) state "
        "no licence for these data; they give the source and the "
        "references to cite, summarised below. scikit-learn itself is "
        "BSD-3-Clause. Check each source before redistributing the data "
        "elsewhere.",
        "",
    ]
    for info in infos:
        origin, cite = ORIGIN[info["stem"]]
        lines += [
            "- **%s** — %s Citation: %s" % (info["stem"], origin, cite),
        ]
    lines.append("")
    path = os.path.join(OUT_DIR, "README.md")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines))
    print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))


def main():
    assert os.path.isdir("sql") and os.path.isdir("test"), \
        "run from the repository root"
    os.makedirs(OUT_DIR, exist_ok=True)
    infos = [write_and_check(*spec) for spec in DATASETS]
    write_readme(infos)
    print("all checks passed")


if __name__ == "__main__":
    main()
