#!/usr/bin/env bash
# schemathesis, pinned, against a real `joan serve`: every check over every operation of the
# OpenAPI document, no failure allowed (config: .ci/schemathesis.toml).
#
#   .ci/schemathesis.sh [JOAN_BINARY]     (default target/debug/joan, built by the test run)
#
# The tool lives in a virtualenv cached under ~/.cache/joan-ci, made on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

version=4.32.5
joan=$(realpath "${1:-target/debug/joan}")
venv=${XDG_CACHE_HOME:-$HOME/.cache}/joan-ci/schemathesis-$version
if [ ! -x "$venv/bin/st" ]; then
    echo "schemathesis: installing $version into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi

work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
base="http://127.0.0.1:$port"
cleanup() {
    [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# JOAN_AI_ONLY_ALLOWED: the providers schemathesis registers are never called (no egress).
RUST_LOG=warn JOAN_AI_ONLY_ALLOWED=true "$joan" --data-dir "$work/data" serve --bind "127.0.0.1:$port" --metrics-bind off \
    2>"$work/joan.log" &
pid=$!
for _ in $(seq 1 100); do
    curl -fs "$base/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done

json=(-H 'Content-Type: application/json')
# An account per run, the first may change its own email or end its sessions; both signed in
# before the runs use up the address's registration and login allowances.
account() { echo "{\"email\":\"st$1@example.com\",\"password\":\"correct horse\"${2:-}}"; }
for n in 1 2; do
    curl -fs "${json[@]}" -d "$(account $n ',"name":"Schemathesis"')" "$base/api/v1/auth/register" >/dev/null
done
login() {
    curl -s "${json[@]}" -d "$(account "$1")" "$base/api/v1/auth/login" | python3 -c '
import json, sys
answer = json.load(sys.stdin)
if "access_token" not in answer:
    sys.exit(f"login: {answer}")
print(answer["access_token"])'
}
config=$PWD/.ci/schemathesis.toml
tokens=("$(login 1)" "$(login 2)")
# use_after_free is excluded here, not only in the config: `--checks all` names every check on
# the command line, and a check named there wins over `enabled = false` in the config file.
st() { # from the scratch directory, where its hypothesis cache goes
    local token=${tokens[$1 - 1]}
    shift
    (cd "$work" && "$venv/bin/st" --config-file "$config" run "$base/api/openapi.json" --url "$base" \
        -H "Authorization: Bearer $token" --checks all --exclude-checks use_after_free --seed 1 --no-color "$@") | tee "$work/st.out"
    local status=${PIPESTATUS[0]}
    # Signed out early, most operations would answer only 401 and prove nothing.
    if grep -q "Authentication failed" "$work/st.out"; then
        echo "schemathesis: operations answered only 401: the run lost its session" >&2
        return 1
    fi
    return "$status"
}

# Logging out ends every session of the caller, so it runs last, on its own token: before
# it, every other operation runs signed in. The live feed (`/events/stream`) is left out: it
# answers a stream that never ends, which no check can wait for (its tests are
# api/tests/api/timeline.rs).
status=0
st 1 --exclude-path /api/v1/auth/logout --exclude-path /api/v1/events/stream || status=$?
st 2 --include-path /api/v1/auth/logout || status=$?
if grep -q "panicked" "$work/joan.log"; then
    echo "joan panicked during the run:" >&2
    grep -A5 "panicked" "$work/joan.log" >&2
    status=1
fi
exit $status
