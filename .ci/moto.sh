#!/usr/bin/env bash
# Prints the path of a `moto_server` (an S3-compatible server for the attachment storage tests),
# installing moto[server], pinned, into a virtualenv cached under ~/.cache/joan-ci on first use.
# One already on PATH is used as it is.
#
#   export JOAN_MOTO_SERVER=$(.ci/moto.sh)
set -euo pipefail

if found=$(command -v moto_server 2>/dev/null) && "$found" --help >/dev/null 2>&1; then
    echo "$found"
    exit 0
fi
version=5.2.1
venv=${XDG_CACHE_HOME:-$HOME/.cache}/joan-ci/moto-$version
if [ ! -x "$venv/bin/moto_server" ]; then
    echo "moto: installing $version into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$version" >&2
fi
echo "$venv/bin/moto_server"
