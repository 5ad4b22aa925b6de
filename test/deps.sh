#!/usr/bin/env bash
# Install the Debian packages mlpipe needs to build, test and benchmark --
# and only the ones that are missing, so a warm machine pays nothing.
#
#   postgresql-15, postgresql-server-dev-15   server + PGXS headers/pg_regress
#   libopenblas-dev, liblapacke-dev           BLAS/LAPACK the extension links to
#   libopenblas-serial-dev                    the single-threaded OpenBLAS build used
#   gcc, make                                 the build
#   python3-sklearn, python3-numpy            only the benchmark/reference script
#
# Safe to run with no stdin (CI): everything is non-interactive.
set -euo pipefail

PACKAGES=(
    postgresql-15
    postgresql-server-dev-15
    libopenblas-dev
    libopenblas-serial-dev
    liblapacke-dev
    gcc
    make
    python3-sklearn
    python3-numpy
)

missing=()
for pkg in "${PACKAGES[@]}"; do
    # dpkg-query fails for packages it has never heard of; treat that as missing.
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "deps: all ${#PACKAGES[@]} packages already installed, nothing to do"
    exit 0
fi

if ((EUID != 0)); then
    echo "deps: missing packages: ${missing[*]}" >&2
    echo "deps: run this script as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
fi

# apt is chatty; keep its output in a log and only show it when it fails,
# so a successful run prints the single summary line.
log=$(mktemp /tmp/mlpipe-deps.XXXXXX)
trap 'rm -f "$log"' EXIT

export DEBIAN_FRONTEND=noninteractive
if ! apt-get update </dev/null >"$log" 2>&1 ||
   ! apt-get install -y --no-install-recommends "${missing[@]}" </dev/null >>"$log" 2>&1; then
    cat "$log" >&2
    echo "deps: apt-get failed while installing: ${missing[*]}" >&2
    exit 1
fi

echo "deps: installed ${#missing[@]} missing package(s): ${missing[*]}"
