#!/usr/bin/env bash
# Prints the path of a `wrangler` binary (Cloudflare's CLI, whose local D1 the export test loads
# `joan export d1` into), installing wrangler 4.86.0, pinned by .ci/wrangler/package-lock.json,
# under ~/.cache/joan-ci on first use (~15 s; workerd and esbuild ship their Linux binaries
# inside npm packages, nothing compiles). Needs Node 20 and npm.
#
#   export JOAN_WRANGLER=$(.ci/wrangler.sh)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# A directory named for the lock's hash, so a changed lock installs afresh.
lock_hash=$(cat "$here/wrangler/package.json" "$here/wrangler/package-lock.json" | sha256sum | cut -c1-12)
dir=${XDG_CACHE_HOME:-$HOME/.cache}/joan-ci/wrangler-$lock_hash
bin=$dir/node_modules/.bin/wrangler
if [ ! -f "$dir/.installed" ]; then
    echo "wrangler: installing into $dir" >&2
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$here/wrangler/package.json" "$here/wrangler/package-lock.json" "$dir/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
    WRANGLER_SEND_METRICS=false "$bin" --version >/dev/null
    touch "$dir/.installed"
fi
echo "$bin"
