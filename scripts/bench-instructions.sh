#!/usr/bin/env bash
# Instructions per request, counted by valgrind's callgrind: a figure that does not move with
# the machine's speed, for comparing two builds of one endpoint (see docs/benchmarks.md).
#
#   scripts/bench-instructions.sh PHASE [REQUESTS] [BINARY]
#
# PHASE is create, list, get or patch, as the peers' load driver runs them (one user, 200
# seeded tasks, 32 connections). The server runs under callgrind with counting off through
# start-up, sign-up and seeding (argon2 alone would dwarf a request), then counts REQUESTS
# requests (default 2000) after 200 of warm-up. Counts user-space instructions in every
# thread of the server (HTTP, the writer, the catch-up tail); the kernel's are not counted.
# JOAN_BENCH_PROFILE=DIR keeps the callgrind profiles there for callgrind_annotate.
# Needs valgrind, oha (cargo install oha --locked), curl and python3.
set -euo pipefail

phase=${1:?usage: $0 create|list|get|patch [REQUESTS] [BINARY]}
requests=${2:-2000}
cd "$(dirname "$0")/.."
if [ -z "${3:-}" ]; then
    cargo build --release --locked -p joan-api
fi
joan=$(realpath "${3:-target/release/joan}")
work=$(mktemp -d)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

port=${JOAN_BENCH_PORT:-8192}
"$joan" --data-dir "$work/data" migrate >/dev/null
RUST_LOG=warn valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/callgrind.out" \
    "$joan" --data-dir "$work/data" serve --bind "127.0.0.1:$port" --metrics-bind off >/dev/null 2>"$work/valgrind.log" &
pid=$!
for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.2
done

api=http://127.0.0.1:$port/api/v1
json=(-H 'content-type: application/json')
curl -fs -X POST "$api/auth/register" "${json[@]}" \
    -d '{"email":"bench@example.com","password":"bench-pw-123","name":"Bench"}' >/dev/null
token=$(curl -fs -X POST "$api/auth/login" "${json[@]}" \
    -d '{"email":"bench@example.com","password":"bench-pw-123"}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
auth=(-H "Authorization: Bearer $token")
for i in $(seq 1 200); do
    curl -fs -X POST "$api/tasks" "${auth[@]}" "${json[@]}" \
        -d "{\"title\":\"seed task $i\",\"description\":\"seeded\",\"priority\":$((i % 4))}" |
        python3 -c "import json, sys; print('$api/tasks/' + json.load(sys.stdin)['id'])" >>"$work/urls.txt"
done

case $phase in
list) args=("${auth[@]}" "$api/tasks?limit=50") ;;
get) args=("${auth[@]}" --urls-from-file "$work/urls.txt") ;;
create) args=("${auth[@]}" "${json[@]}" -m POST -d '{"title":"Benchmark task","description":"created by the load driver","priority":2}' "$api/tasks") ;;
patch) args=("${auth[@]}" "${json[@]}" -m PATCH -d '{"priority":3}' --urls-from-file "$work/urls.txt") ;;
*) echo "unknown phase $phase" >&2; exit 2 ;;
esac

oha --no-tui -n 200 -c 32 "${args[@]}" >/dev/null
callgrind_control -i on "$pid" >/dev/null 2>&1
oha --no-tui -n "$requests" -c 32 "${args[@]}" >"$work/oha.txt"
callgrind_control -i off "$pid" >/dev/null 2>&1
callgrind_control -d "$pid" >/dev/null 2>&1
grep -qP "Success rate:\s+100" "$work/oha.txt" || { echo "some requests failed:" >&2; cat "$work/oha.txt" >&2; exit 1; }
if [ -n "${JOAN_BENCH_PROFILE:-}" ]; then
    # Keep the profiles for callgrind_annotate --inclusive=yes.
    mkdir -p "$JOAN_BENCH_PROFILE" && cp "$work"/callgrind.out* "$JOAN_BENCH_PROFILE"/
fi
total=$(cat "$work"/callgrind.out* | awk '/^(summary|totals):/ {s += $2} END {print s}')
echo "$(basename "$joan") $phase: $((total / requests)) instructions per request ($requests requests)"
