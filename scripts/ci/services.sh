#!/usr/bin/env bash
# Install and start what the test suite needs, so `make test` works on a clean Debian machine:
#   * PostgreSQL (Debian's `postgresql`): a private throwaway cluster on 127.0.0.1:$SDETKIT_PG_PORT
#     (default 55432) with trust authentication -- for local tests only, never for real data;
#     a database `sdetkit_test`; its URL is printed and written to build/ci/pg-url.
#   * Chromium (Debian's `chromium`) for the headless-browser tests.
# Idempotent, and quick when everything is already in place. Packages are installed only when
# missing (as root, or through passwordless sudo); when that is impossible it warns and goes on,
# and the tests that need the missing service skip (or fail when CI is set) with the reason.
# Set SDETKIT_TEST_PG to use an existing server instead; SDETKIT_PG_DIR to move the cluster.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
url_file=$repo/build/ci/pg-url
port=${SDETKIT_PG_PORT:-55432}
db=sdetkit_test

say() { printf 'services: %s\n' "$*"; }
warn() { printf 'services: warning: %s\n' "$*" >&2; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# Newest PostgreSQL server binaries: Debian's /usr/lib/postgresql/<major>/bin, else from PATH.
# (A version with only the client installed has a bin directory without initdb: passed over.)
pg_bindir() {
    local d
    for d in $(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -rV); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
            printf '%s\n' "$d"
            return 0
        fi
    done
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(command -v pg_ctl)"
    else
        return 1
    fi
}

# The same search as tests/services.py:chromium().
find_chromium() {
    local c
    if [ -x /usr/bin/chromium ]; then
        printf '%s\n' /usr/bin/chromium
        return 0
    fi
    for c in chromium chromium-browser google-chrome; do
        if command -v "$c" >/dev/null; then
            command -v "$c"
            return 0
        fi
    done
    return 1
}

install_missing() {
    local missing=() run=()
    pg_bindir >/dev/null || missing+=(postgresql)
    find_chromium >/dev/null || missing+=(chromium)
    [ ${#missing[@]} -gt 0 ] || return 0
    if ! command -v apt-get >/dev/null; then
        warn "cannot install ${missing[*]}: no apt-get here; the tests that need them will skip"
        return 0
    fi
    if ! is_root; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
            run=(sudo -n)
        else
            warn "cannot install ${missing[*]}: not root and no passwordless sudo; the tests that need them will skip"
            return 0
        fi
    fi
    say "installing ${missing[*]} (apt-get)"
    local apt=(${run[@]+"${run[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300)
    if ! "${apt[@]}" update -qq || ! "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}"; then
        warn "apt-get could not install ${missing[*]}; the tests that need them will skip"
    fi
}

# Run a PostgreSQL server command as the cluster's owner (PostgreSQL refuses to run as root),
# without the lock's descriptor 9: a server that inherited it would hold the lock forever.
as_pg() {
    if ! is_root; then
        "$@" 9>&-
    elif command -v runuser >/dev/null; then
        (cd / && runuser -u postgres -- "$@") 9>&-
    else
        (cd / && su postgres -s /bin/sh -c "$(printf '%q ' "$@")") 9>&-
    fi
}

setup_postgres() {
    rm -f "$url_file"
    if [ -n "${SDETKIT_TEST_PG:-}" ]; then
        say "SDETKIT_TEST_PG is set: the tests use that server, none is started here"
        return 0
    fi
    local bindir base
    if ! bindir=$(pg_bindir); then
        warn "no PostgreSQL server binaries; the PostgreSQL tests will skip"
        return 0
    fi
    if is_root; then
        if ! getent passwd postgres >/dev/null; then
            warn "running as root and there is no 'postgres' user to own the cluster; the PostgreSQL tests will skip"
            return 0
        fi
        # Under the postgres user's home: root's own home is usually closed to other users.
        base=${SDETKIT_PG_DIR:-$(getent passwd postgres | cut -d: -f6)/sdetkit-test-pg}
    else
        base=${SDETKIT_PG_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sdetkit-test-pg}
    fi
    local data=$base/data log=$base/postgres.log
    mkdir -p "$base"
    if is_root; then
        chown postgres: "$base"
    fi
    chmod 700 "$base"
    exec 9>"$base/.lock" # one set-up at a time
    if ! flock -w 300 9; then
        warn "another set-up has held $base/.lock for 5 minutes"
        return 1
    fi

    ready() {
        if [ -x "$bindir/pg_isready" ]; then
            "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2
        else
            (: </dev/tcp/127.0.0.1/"$port") 2>/dev/null
        fi
    }

    if ! ready; then
        local major
        major=$("$bindir/pg_ctl" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')
        if [ -f "$data/PG_VERSION" ] && [ "$(cat "$data/PG_VERSION")" != "$major" ]; then
            say "discarding the PostgreSQL $(cat "$data/PG_VERSION") test cluster in $data (server is $major)"
            as_pg "$bindir/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
            rm -rf "$data"
        fi
        if [ ! -f "$data/PG_VERSION" ]; then
            rm -rf "$data" # a half-made cluster from an interrupted run
            say "creating a throwaway PostgreSQL $major cluster in $data"
            if ! as_pg "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
                >"$base/initdb.log" 2>&1; then
                cat "$base/initdb.log" >&2
                warn "initdb failed"
                return 1
            fi
            cat >>"$data/postgresql.conf" <<EOF

# sdetkit test cluster: private, disposable, local connections only.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '${base//\'/\'\'}'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
        fi
        # Start it; or, while a server of this cluster is still starting or stopping (or is a
        # not yet reaped zombie), wait, and start it once that one is gone.
        local i
        for i in $(seq 60); do
            if ! as_pg "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
                say "starting PostgreSQL on 127.0.0.1:$port (log: $log)"
                as_pg "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null || true
                break
            fi
            [ "$i" -gt 1 ] || say "waiting for the PostgreSQL server of $data"
            sleep 1
            ! ready || break
        done
        if ! ready; then
            tail -n 30 "$log" >&2 || true
            warn "PostgreSQL is not accepting connections on 127.0.0.1:$port (log: $log)"
            return 1
        fi
    fi

    local psql=psql
    [ -x "$bindir/psql" ] && psql=$bindir/psql
    local q=("$psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres)
    if [ "$("${q[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
        "${q[@]}" -c "CREATE DATABASE $db"
    fi
    exec 9>&-

    local url="postgresql://postgres@127.0.0.1:$port/$db"
    mkdir -p "$(dirname "$url_file")"
    printf '%s\n' "$url" >"$url_file"
    say "PostgreSQL: $url"
}

install_missing
setup_postgres
if browser=$(find_chromium); then
    say "Chromium: $browser"
else
    warn "no Chromium; the browser tests will skip"
fi
