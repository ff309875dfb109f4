#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1 for the tests, stopped and deleted at exit.
#
#   .ci/postgres.sh COMMAND...   start it, run COMMAND with NEWSGLOSS_TEST_POSTGRES set to its URL, stop it
#   .ci/postgres.sh              start it, print the URL, keep it running until Ctrl+C
#
# As root it installs Debian's postgresql package when no server is installed, and
# runs the server as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "postgres.sh: no PostgreSQL server found; install it (apt-get install postgresql)" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

as_server() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

dir=$(mktemp -d -t newsgloss-pg.XXXXXX)
[ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
stop() {
    as_server "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
as_server sh -c "umask 077; echo '$password' > '$dir/pw'"
# The first role is a superuser with a password over TCP; the tests create and drop databases with it.
as_server "$bindir/initdb" -D "$dir/data" -U newsgloss --pwfile="$dir/pw" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
# Durability is pointless for a throwaway server: no fsync keeps CREATE DATABASE per test fast.
# Its time zone is not UTC, so that times which depend on the server's zone show up in the tests.
as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-k $dir -h 127.0.0.1 -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
        -c TimeZone=America/St_Johns" start \
    >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
as_server "$bindir/createdb" -h "$dir" -p "$port" -U newsgloss newsgloss

export NEWSGLOSS_TEST_POSTGRES="postgresql+psycopg://newsgloss:$password@127.0.0.1:$port/newsgloss"
if [ $# -eq 0 ]; then
    echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') is running; in another shell:"
    echo "  export NEWSGLOSS_TEST_POSTGRES=$NEWSGLOSS_TEST_POSTGRES"
    echo "Ctrl+C stops it and deletes its data."
    while true; do sleep 1; done  # short sleeps, so that a signal stops the server at once
fi
"$@"
