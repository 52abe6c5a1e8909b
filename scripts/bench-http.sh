#!/usr/bin/env bash
# The HTTP benchmark of docs/benchmarks.md: a release `joan serve` (or several nodes on one
# PostgreSQL database) driven by the peers' load driver, the servers pinned to CPU 0 and the
# load generators to CPU 1.
#
#   scripts/bench-http.sh PEERS_DIR [sqlite|postgres] [NODES]
#
# PEERS_DIR is a writable copy of ../shared/peers (its README: `cargo install oha --locked`).
# postgres: a fresh database on JOAN_BENCH_POSTGRES_URL (default
# postgres://postgres@127.0.0.1:5432/test), dropped at the end. With NODES > 1 each node gets
# its own load driver (its own users, 32/NODES connections), all running at once; the sum of
# their requests/s is the cluster's. Prints each driver's table and each node's peak RSS.
set -euo pipefail

peers=$(cd "${1:?usage: $0 PEERS_DIR [sqlite|postgres] [NODES]}" && pwd)
backend=${2:-sqlite}
nodes=${3:-1}
cd "$(dirname "$0")/.."
cargo build --release --locked -p joan-api
joan=$PWD/target/release/joan
work=$(mktemp -d)
pids=()
database_args=()
admin=${JOAN_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
db_name=""

cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ -n "$db_name" ]; then
        psql "$admin" -qc "drop database if exists $db_name with (force)" || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

case "$backend" in
sqlite)
    [ "$nodes" = 1 ] || { echo "SQLite runs one node" >&2; exit 2; }
    ;;
postgres)
    db_name="joan_bench_$(date +%s)"
    psql "$admin" -qc "create database $db_name"
    database_args=(--database-url "${admin%/*}/$db_name")
    ;;
*)
    echo "backend must be sqlite or postgres" >&2
    exit 2
    ;;
esac

# Every node shares the data directory, hence the token secret, as nodes behind one balancer do.
"$joan" --data-dir "$work/data" "${database_args[@]}" migrate
for n in $(seq 1 "$nodes"); do
    port=$((8180 + n))
    RUST_LOG=${RUST_LOG:-warn,joan=info} taskset -c 0 "$joan" --data-dir "$work/data" "${database_args[@]}" serve --bind "127.0.0.1:$port" --metrics-bind off &
    pids+=($!)
done
for n in $(seq 1 "$nodes"); do
    port=$((8180 + n))
    for _ in $(seq 1 100); do
        curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break
        sleep 0.1
    done
done

drivers=()
for n in $(seq 1 "$nodes"); do
    port=$((8180 + n))
    label="joan-$backend-$n-of-$nodes"
    "$peers/load.sh" "http://127.0.0.1:$port" --label "$label" --server-pid "${pids[$((n - 1))]}" \
        --connections $((32 / nodes)) --out "$work/results-$n" >"$work/driver-$n.log" 2>&1 &
    drivers+=($!)
done
status=0
for d in "${drivers[@]}"; do wait "$d" || status=1; done
for n in $(seq 1 "$nodes"); do
    cat "$work/driver-$n.log"
    pid=${pids[$((n - 1))]}
    echo "node $n peak RSS: $(awk '/VmHWM/ {print $2, $3}' "/proc/$pid/status")"
done
exit $status
