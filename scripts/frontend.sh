#!/usr/bin/env bash
# The web app's checks: install, types, lint, the API types against `joan openapi`, unit tests,
# the production build, and the end-to-end smoke test in Debian's Chromium against a real
# `joan serve` (screenshots in frontend/e2e/out). JOAN_BIN names the joan binary (default:
# target/debug/joan).
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/chromium.sh
export JOAN_BIN="$(realpath "${JOAN_BIN:-target/debug/joan}")"
cd frontend
npm ci --no-audit --no-fund
npm run typecheck
npm run lint
npm run api:check
npm test
npm run build
npm run e2e
