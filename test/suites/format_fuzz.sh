#!/usr/bin/env bash
# Build the model-format fuzzer (src/format.c alone, under AddressSanitizer
# and UndefinedBehaviorSanitizer) and run it with its default, fixed seed.
# A missing libasan/libubsan is a failure, not a skip: this suite is the
# only thing that runs the reader under a memory checker.
#
#   test/suites/format_fuzz.sh [ITERATIONS [SEED]]
set -euo pipefail

cd "$(dirname "$0")/../.."

CC=${CC:-gcc}
CFLAGS=(-std=c11 -O1 -g "-fsanitize=address,undefined" -fno-sanitize-recover=all
        -Wall -Wextra -Werror -Isrc)
BIN=test/fuzz/format_fuzz

probe_dir=$(mktemp -d /tmp/mlpipe-asan-probe.XXXXXX)
trap 'rm -rf "$probe_dir"' EXIT
printf 'int main(void) { return 0; }\n' >"$probe_dir/probe.c"
if ! "$CC" -fsanitize=address,undefined "$probe_dir/probe.c" \
        -o "$probe_dir/probe" >"$probe_dir/log" 2>&1 ||
   ! "$probe_dir/probe" >>"$probe_dir/log" 2>&1; then
    echo "FAIL: $CC cannot build or run an -fsanitize=address,undefined program:" >&2
    cat "$probe_dir/log" >&2
    echo "Install the sanitizer runtimes (Debian: libasan8 libubsan1, part of gcc)." >&2
    exit 1
fi

echo "building $BIN"
"$CC" "${CFLAGS[@]}" src/format.c test/fuzz/format_fuzz.c -o "$BIN"

echo "running $BIN $*"
start=$SECONDS
rc=0
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
UBSAN_OPTIONS=print_stacktrace=1 \
    "$BIN" "$@" || rc=$?
echo "format_fuzz: exit $rc after $((SECONDS - start)) s"
exit "$rc"
