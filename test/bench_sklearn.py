"""scikit-learn half of `make bench`: the same models, outside the database.

Reads the benchmark table (default `bench`: columns x1..x10, y) from the
running cluster into numpy, then times

    LinearRegression().fit(X, y)     median of --runs runs
    model.predict(X)                 median of --runs runs

With --class-table (test/bench.sh passes `bench_cls`: columns x1..x10 and a
boolean `label`) it also times, on that table's rows,

    StandardScaler().fit_transform(X), then
    LogisticRegression(solver='lbfgs').fit(Xs, label)
                                     median of --runs runs, the two steps
                                     timed apart and added (a Pipeline's fit)
    GaussianNB().fit(X, label)       median of --runs runs

and prints the training accuracy of both (score on the rows they were fitted
on) and the logistic regression's coefficients in the units of the raw
features, as mlpipe_coefficients reports them.  The scaler is there because
mlpipe_train standardises numeric features by default; without it lbfgs
solves a different (worse conditioned) problem.

Reading a table is NOT part of any measurement.  Tables are read with
`COPY ... TO STDOUT (FORMAT binary)` through psql, so the floats arrive
bit-for-bit, and decoded with one numpy structured dtype (no text parsing).

Run it with Debian's Python (python3-sklearn, python3-numpy), not whatever
`python3` is first on PATH:

    source tmp/cluster.env
    PGDATABASE=mlpipe_bench /usr/bin/python3 test/bench_sklearn.py [--table bench] [--runs 5]

Connection settings come from the usual PG* environment variables.  The
psql binary is $PSQL, else the one next to $PG_CONFIG
(default /usr/lib/postgresql/15/bin/pg_config), else `psql` on PATH.

Output: a few human-readable lines; the measurement lines start with a key
(`fit_ms`, `predict_ms`; with --class-table also `lr_scale_ms`, `lr_fit_ms`,
`lr_total_ms`, `nb_fit_ms`) followed by `median <ms>`, and the figures
`lr_accuracy`, `nb_accuracy`, `lr_iterations` and `lr_coef_raw` by their
values, so that test/bench.sh can pick them out.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

import numpy as np
import sklearn
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.preprocessing import StandardScaler

FEATURES = ["x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10"]
TARGET = "y"
LABEL = "label"

# PostgreSQL binary COPY: 11-byte signature, int32 flags, int32 header
# extension length; then per row an int16 field count and, per field, an
# int32 length followed by the value (float8: 8 bytes, big-endian); then an
# int16 -1 trailer.
COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def find_psql():
    if os.environ.get("PSQL"):
        return os.environ["PSQL"]
    pg_config = os.environ.get("PG_CONFIG", "/usr/lib/postgresql/15/bin/pg_config")
    try:
        bindir = subprocess.run([pg_config, "--bindir"], check=True,
                                capture_output=True, text=True).stdout.strip()
        candidate = os.path.join(bindir, "psql")
        if os.access(candidate, os.X_OK):
            return candidate
    except (OSError, subprocess.CalledProcessError):
        pass
    return shutil.which("psql") or "psql"


def read_columns(table, columns):
    """Return the structured numpy rows of `columns` of `table`: float8 as
    "f8" fields, a boolean column (LABEL) as "u1"; NULLs are refused."""
    copy = "\\copy (SELECT %s FROM %s) TO STDOUT (FORMAT binary)" % (", ".join(columns), table)
    raw = subprocess.run([find_psql(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", copy],
                         check=True, capture_output=True).stdout

    if not raw.startswith(COPY_SIGNATURE):
        sys.exit("bench_sklearn: unexpected COPY output (not binary COPY)")
    ext_len = int.from_bytes(raw[15:19], "big")
    body = raw[19 + ext_len:-2]          # drop header and the int16 -1 trailer

    fields = [("nfields", ">i2")]
    sizes = {}
    for c in columns:
        kind, sizes[c] = (("u1", 1) if c == LABEL else (">f8", 8))
        fields += [(c + "_len", ">i4"), (c, kind)]
    rows = np.frombuffer(body, dtype=np.dtype(fields))
    if len(rows) == 0:
        sys.exit("bench_sklearn: table %s is empty" % table)
    if np.any(rows["nfields"] != len(columns)):
        sys.exit("bench_sklearn: unexpected field count in COPY output")
    for c in columns:
        if np.any(rows[c + "_len"] != sizes[c]):
            sys.exit("bench_sklearn: column %s has NULLs or is not %s"
                     % (c, "boolean" if c == LABEL else "float8"))
    return rows


def read_table(table, target=TARGET):
    """Return (X, y) from `table`, X in C order with one row per table row:
    y float64 for the regression target, bool for the class label."""
    rows = read_columns(table, FEATURES + [target])
    X = np.column_stack([rows[c].astype(np.float64) for c in FEATURES])
    y = rows[target].astype(bool if target == LABEL else np.float64)
    return np.ascontiguousarray(X), y


def time_ms(fn, runs):
    """Call fn() once untimed (warm-up), then runs times; return the timings in ms."""
    fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000.0)
    return out


def blas_description():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown"
    parts = ["%s %s, %d thread(s)" % (i.get("internal_api"), i.get("version"), i.get("num_threads"))
             for i in threadpool_info() if i.get("user_api") == "blas"]
    return "; ".join(parts) or "unknown"


def time_scale_fit(X, y, runs):
    """StandardScaler then LogisticRegression(lbfgs), as Pipeline.fit does
    them, one warm-up and `runs` runs; returns the scale and fit timings in
    ms and the last run's scaler, scaled X and model."""
    out_scale, out_fit = [], []
    for r in range(runs + 1):
        t0 = time.perf_counter()
        scaler = StandardScaler()
        Xs = scaler.fit_transform(X)
        t1 = time.perf_counter()
        model = LogisticRegression(solver="lbfgs").fit(Xs, y)
        t2 = time.perf_counter()
        if r > 0:
            out_scale.append((t1 - t0) * 1000.0)
            out_fit.append((t2 - t1) * 1000.0)
    return out_scale, out_fit, scaler, Xs, model


def line(name, runs):
    print("%-14s median %.1f  runs %s"
          % (name, statistics.median(runs), " ".join("%.1f" % r for r in runs)))


def classification(table, runs):
    """The classification figures on `table` (x1..x10, label boolean)."""
    t0 = time.perf_counter()
    X, y = read_table(table, LABEL)
    read_s = time.perf_counter() - t0
    print("classification: %s, rows %d, features %d, %.1f%% true (read in %.2f s, not timed)"
          % (table, X.shape[0], X.shape[1], 100.0 * y.mean(), read_s))

    scale, fit, scaler, Xs, lr = time_scale_fit(X, y, runs)
    line("lr_scale_ms", scale)
    line("lr_fit_ms", fit)
    line("lr_total_ms", [a + b for a, b in zip(scale, fit)])
    print("lr_iterations %d" % lr.n_iter_[0])
    print("lr_accuracy %.6f" % lr.score(Xs, y))
    # back to the raw features' units: w_raw = w / scale, b_raw = b - sum(w_raw mean)
    coef = lr.coef_[0] / scaler.scale_
    intercept = lr.intercept_[0] - float(np.dot(coef, scaler.mean_))
    print("lr_coef_raw %s" % " ".join("%.10g" % c for c in [intercept] + list(coef)))

    nb = GaussianNB()
    line("nb_fit_ms", time_ms(lambda: nb.fit(X, y), runs))
    print("nb_accuracy %.6f" % nb.score(X, y))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--table", default="bench", help="table to read (default: bench)")
    ap.add_argument("--class-table", default=None,
                    help="also time logistic regression and naive Bayes on this table "
                         "(x1..x10, label boolean)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per measurement (default: 5)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    X, y = read_table(args.table)
    read_s = time.perf_counter() - t0

    print("sklearn %s, numpy %s, python %s; BLAS: %s"
          % (sklearn.__version__, np.__version__, sys.version.split()[0], blas_description()))
    print("rows %d, features %d (read in %.2f s, not timed)" % (X.shape[0], X.shape[1], read_s))

    model = LinearRegression()
    fit = time_ms(lambda: model.fit(X, y), args.runs)
    predict = time_ms(lambda: model.predict(X), args.runs)

    line("fit_ms", fit)
    line("predict_ms", predict)
    print("intercept %.6f, coef %s"
          % (model.intercept_, " ".join("%.6f" % c for c in model.coef_)))
    del X, y

    if args.class_table:
        classification(args.class_table, args.runs)


if __name__ == "__main__":
    main()
