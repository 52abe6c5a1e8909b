#!/usr/bin/env bash
# Prints the directory holding `cargo-nextest`: the machine's when it has one, else a pinned
# version built once into ~/.cache/joan-ci (a few minutes, the first time only).
#
#   PATH="$(.ci/nextest.sh):$PATH"
set -euo pipefail

if found=$(command -v cargo-nextest 2>/dev/null); then
    dirname "$found"
    exit 0
fi
version=0.9.143
root=${XDG_CACHE_HOME:-$HOME/.cache}/joan-ci/nextest-$version
if [ ! -x "$root/bin/cargo-nextest" ]; then
    echo "nextest: building cargo-nextest $version into $root (once)" >&2
    cargo install --quiet --locked --root "$root" --version "$version" cargo-nextest >&2
fi
echo "$root/bin"
