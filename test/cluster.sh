#!/usr/bin/env bash
# A throwaway PostgreSQL cluster under ./tmp for tests, demos and benchmarks.
#
#   test/cluster.sh start    initdb if needed, start, write ./tmp/cluster.env
#   test/cluster.sh stop     fast shutdown (no-op when not running)
#   test/cluster.sh status   prints "running ..." (exit 0) or "stopped" (exit 3)
#   test/cluster.sh clean    stop, then delete ./tmp and anything it points to
#
# Callers connect with:  source ./tmp/cluster.env && psql ...
#
# Never touches any other cluster: everything lives in ./tmp (or in /tmp dirs
# that ./tmp links to, see below), on a port that was free when we started.
#
# Environment: PG_CONFIG (default /usr/lib/postgresql/15/bin/pg_config) picks
# the PostgreSQL installation.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
TMP=$ROOT/tmp
PGDATA_LINK=$TMP/pgdata        # the data dir, or a symlink to it
LOG_LINK=$TMP/postgres.log     # the server log, or a symlink to it
ENV_FILE=$TMP/cluster.env
SOCK_RECORD=$TMP/sockdir       # remembers a mktemp'd socket dir so stop can remove it
FIRST_PORT=55432

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
if [[ -x "$PG_CONFIG" ]] || command -v "$PG_CONFIG" >/dev/null 2>&1; then
    PG_BIN=$("$PG_CONFIG" --bindir)
else
    # pg_config ships with the client package; fall back to the usual place.
    PG_BIN=/usr/lib/postgresql/15/bin
fi

log() { echo "cluster: $*"; }
die() { echo "cluster: $*" >&2; exit 1; }

# PostgreSQL refuses to run as root, so as root we run its binaries as the
# `postgres` OS user.  A non-root developer simply runs them as themselves.
# The subshell cd's to / because the caller's cwd may not be readable by
# postgres (e.g. a repo under /root), and some tools call getcwd().
if ((EUID == 0)); then
    id postgres >/dev/null 2>&1 || die "no 'postgres' OS user; run test/deps.sh first"
    PG_OWNER=postgres
    as_pg() { (cd / && runuser -u postgres -- "$@"); }
else
    PG_OWNER=$(id -un)
    as_pg() { (cd / && "$@"); }
fi

# Resolve ./tmp/pgdata to the real directory: if it is a symlink into /tmp the
# postgres user must be given the target, as it may not be able to read ./tmp.
data_dir() { readlink -f "$PGDATA_LINK" 2>/dev/null || echo "$PGDATA_LINK"; }

is_running() {
    local d
    d=$(data_dir)
    [[ -f "$d/postmaster.pid" ]] || return 1
    as_pg "$PG_BIN/pg_ctl" status -D "$d" >/dev/null 2>&1
}

# postmaster.pid line 4 is the port, line 5 the first unix socket directory.
pid_field() { sed -n "${1}p" "$(data_dir)/postmaster.pid"; }

write_env() {
    local host port
    port=$(pid_field 4)
    host=$(pid_field 5)
    [[ -n "$host" ]] || host=127.0.0.1
    {
        echo "# written by test/cluster.sh; source me"
        printf 'export PGHOST=%q\n' "$host"
        printf 'export PGPORT=%q\n' "$port"
        echo "export PGUSER=postgres"
        echo "export PGDATABASE=postgres"
    } >"$ENV_FILE"
}

# Can the postgres user reach (traverse) a path?  False for repos under /root
# or any other mode-700 parent directory.
pg_can_reach() { as_pg test -x "$1" 2>/dev/null; }

# Make sure the data directory and the log file exist somewhere postgres can
# write, with ./tmp/pgdata and ./tmp/postgres.log pointing at them.
prepare_data_dir() {
    # A symlink whose /tmp target vanished (reboot, tmp cleaner): start over.
    if [[ -L "$PGDATA_LINK" && ! -e "$PGDATA_LINK" ]]; then
        log "stale link $PGDATA_LINK -> $(readlink "$PGDATA_LINK"), recreating"
        rm -f "$PGDATA_LINK" "$LOG_LINK"
    fi
    [[ -e "$PGDATA_LINK" ]] && return 0

    if pg_can_reach "$TMP"; then
        mkdir -m 700 "$PGDATA_LINK"
        chown "$PG_OWNER" "$PGDATA_LINK"
        : >"$LOG_LINK"
        chown "$PG_OWNER" "$LOG_LINK"
    else
        # postgres cannot traverse the repo: keep data and log in a private
        # directory under /tmp and link to them from ./tmp.
        local base
        base=$(mktemp -d /tmp/mlpipe-data.XXXXXX)
        chmod 700 "$base"
        mkdir -m 700 "$base/pgdata"
        : >"$base/postgres.log"
        chown "$PG_OWNER" "$base" "$base/pgdata" "$base/postgres.log"
        ln -sfn "$base/pgdata" "$PGDATA_LINK"
        ln -sfn "$base/postgres.log" "$LOG_LINK"
        log "postgres cannot reach $TMP; data lives in $base"
    fi
}

# Unix socket paths are limited to ~107 bytes, so use ./tmp/sock only when it
# is short and reachable by postgres; otherwise a fresh dir under /tmp.
socket_dir() {
    local s=$TMP/sock
    if ((${#s} < 80)) && pg_can_reach "$TMP"; then
        mkdir -p "$s"
        chown "$PG_OWNER" "$s"
        chmod 755 "$s"
        rm -f "$SOCK_RECORD"
    else
        s=$(mktemp -d /tmp/mlpipe-sock.XXXXXX)
        chown "$PG_OWNER" "$s"
        chmod 755 "$s"
        echo "$s" >"$SOCK_RECORD"
    fi
    echo "$s"
}

# First port >= $1 with nothing listening on TCP and no socket/lock file of
# that number in our socket directory.
free_port() {
    local p=$1 sock=$2
    for ((; p < $1 + 200; p++)); do
        (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
        [[ -e "$sock/.s.PGSQL.$p" || -e "$sock/.s.PGSQL.$p.lock" ]] && continue
        echo "$p"
        return 0
    done
    die "no free port in $1..$(($1 + 199))"
}

cmd_start() {
    mkdir -p "$TMP"

    if is_running; then
        write_env
        log "already running on port $(pid_field 4) ($ENV_FILE rewritten)"
        return 0
    fi

    prepare_data_dir
    local pgdata
    pgdata=$(data_dir)

    if [[ ! -f "$pgdata/PG_VERSION" ]]; then
        # -U postgres: the superuser is "postgres" even for a non-root developer.
        if ! as_pg "$PG_BIN/initdb" -D "$pgdata" -U postgres -A trust --no-sync \
                -E UTF8 --locale=C --no-instructions >"$TMP/initdb.log" 2>&1; then
            cat "$TMP/initdb.log" >&2
            die "initdb failed"
        fi
        log "initialised $pgdata"
    fi

    local sock port log_lines
    sock=$(socket_dir)
    port=$FIRST_PORT
    # Retry a few times in case another process grabs the port between our
    # check and the server's bind (parallel CI jobs).
    for _ in 1 2 3; do
        port=$(free_port "$port" "$sock")
        log_lines=$(wc -l <"$LOG_LINK")
        if as_pg "$PG_BIN/pg_ctl" start -w -t 60 -D "$pgdata" -l "$(readlink -f "$LOG_LINK")" \
                -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c fsync=off -c max_parallel_workers_per_gather=2" \
                >/dev/null 2>&1; then
            write_env
            log "started on port $port, socket dir $sock (env: $ENV_FILE)"
            return 0
        fi
        # Only look at what this attempt wrote to the (appended-to) log.
        if tail -n +"$((log_lines + 1))" "$LOG_LINK" | grep -q "already in use"; then
            port=$((port + 1))
            continue
        fi
        break
    done

    echo "cluster: failed to start; last lines of $LOG_LINK:" >&2
    tail -n 30 "$LOG_LINK" >&2 || true
    exit 1
}

cmd_stop() {
    if is_running; then
        as_pg "$PG_BIN/pg_ctl" stop -D "$(data_dir)" -m fast -w >/dev/null
        log "stopped"
    else
        log "not running"
    fi
    # A mktemp'd socket dir is empty once the server is down; remove it.
    if [[ -f "$SOCK_RECORD" ]]; then
        rmdir "$(cat "$SOCK_RECORD")" 2>/dev/null || true
        rm -f "$SOCK_RECORD"
    fi
}

cmd_status() {
    if is_running; then
        echo "running (port $(pid_field 4), socket dir $(pid_field 5), data $(data_dir))"
    else
        echo "stopped"
        exit 3
    fi
}

cmd_clean() {
    cmd_stop
    # Remove the /tmp targets of our symlinks (data + log live in one dir).
    if [[ -L "$PGDATA_LINK" ]]; then
        local base
        base=$(dirname "$(readlink "$PGDATA_LINK")")
        [[ "$base" == /tmp/mlpipe-data.* ]] && rm -rf "$base"
    fi
    rm -rf "$TMP"
    log "removed $TMP"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    clean) cmd_clean ;;
    *) echo "usage: $0 start|stop|status|clean" >&2; exit 2 ;;
esac
