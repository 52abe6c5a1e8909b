#!/usr/bin/env bash
# Runs Joan: the API and the web app on http://127.0.0.1:8080 (data in ./data). Builds the app
# with npm first when frontend/dist is missing; extra arguments go to `joan serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f frontend/dist/index.html ]; then
    if command -v npm >/dev/null 2>&1; then
        (cd frontend && npm ci --no-audit --no-fund && npm run build)
    else
        echo "npm not found: serving the API only (install Node 20 to get the web app)" >&2
    fi
fi
exec cargo run --release -p joan-api -- serve "$@"
