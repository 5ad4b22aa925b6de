"""scikit-learn half of `make bench`: the same linear regression, outside the database.

Reads the benchmark table (default `bench`: columns x1..x10, y) from the
running cluster into numpy, then times

    LinearRegression().fit(X, y)     median of --runs runs
    model.predict(X)                 median of --runs runs

Reading the table is NOT part of either measurement.  The table is read with
`COPY ... TO STDOUT (FORMAT binary)` through psql, so the floats arrive
bit-for-bit, and decoded with one numpy structured dtype (no text parsing).

Run it with Debian's Python (python3-sklearn, python3-numpy), not whatever
`python3` is first on PATH:

    source tmp/cluster.env
    PGDATABASE=mlpipe_bench /usr/bin/python3 test/bench_sklearn.py [--table bench] [--runs 5]

Connection settings come from the usual PG* environment variables.  The
psql binary is $PSQL, else the one next to $PG_CONFIG
(default /usr/lib/postgresql/15/bin/pg_config), else `psql` on PATH.

Output: a few human-readable lines; the two measurement lines start with
`fit_ms` and `predict_ms` followed by `median <ms>` so that test/bench.sh can
pick them out.
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
from sklearn.linear_model import LinearRegression

FEATURES = ["x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10"]
TARGET = "y"

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


def read_table(table):
    """Return (X, y) as float64 arrays, X in C order with one row per table row."""
    columns = FEATURES + [TARGET]
    copy = "\\copy (SELECT %s FROM %s) TO STDOUT (FORMAT binary)" % (", ".join(columns), table)
    raw = subprocess.run([find_psql(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", copy],
                         check=True, capture_output=True).stdout

    if not raw.startswith(COPY_SIGNATURE):
        sys.exit("bench_sklearn: unexpected COPY output (not binary COPY)")
    ext_len = int.from_bytes(raw[15:19], "big")
    body = raw[19 + ext_len:-2]          # drop header and the int16 -1 trailer

    fields = [("nfields", ">i2")]
    for c in columns:
        fields += [(c + "_len", ">i4"), (c, ">f8")]
    rows = np.frombuffer(body, dtype=np.dtype(fields))
    if len(rows) == 0:
        sys.exit("bench_sklearn: table %s is empty" % table)
    if np.any(rows["nfields"] != len(columns)):
        sys.exit("bench_sklearn: unexpected field count in COPY output")
    for c in columns:
        if np.any(rows[c + "_len"] != 8):
            sys.exit("bench_sklearn: column %s has NULLs or is not float8" % c)

    X = np.column_stack([rows[c].astype(np.float64) for c in FEATURES])
    y = rows[TARGET].astype(np.float64)
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--table", default="bench", help="table to read (default: bench)")
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

    def line(name, runs):
        print("%-10s median %.1f  runs %s"
              % (name, statistics.median(runs), " ".join("%.1f" % r for r in runs)))

    line("fit_ms", fit)
    line("predict_ms", predict)
    print("intercept %.6f, coef %s"
          % (model.intercept_, " ".join("%.6f" % c for c in model.coef_)))


if __name__ == "__main__":
    main()
