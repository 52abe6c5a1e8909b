#!/usr/bin/env bash
# The whole test suite: formatting, lints, every crate's tests, and schemathesis against `joan serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
# Each phase says when it starts (seconds since this script began), so a slow one shows.
phase() { echo "== test.sh: $1 (at ${SECONDS}s)" >&2; }
phase "formatting and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
phase "services"
# The AI workflow tests need NATS with JetStream (started here if it is not running).
nats_bin=$(.ci/nats.sh)
export PATH="$nats_bin:$PATH"
# One ceremony test runs against a real local model (SmolLM2-135M behind an OpenAI-compatible
# server, installed once under ~/.cache/joan-ci; it stops when this script ends).
JOAN_LLM_URL=$(.ci/llm.sh)
export JOAN_LLM_URL
trap '.ci/llm.sh stop >/dev/null 2>&1 || true' EXIT
# The export test loads `joan export d1` into a local D1 (wrangler, installed once).
JOAN_WRANGLER=$(.ci/wrangler.sh)
export JOAN_WRANGLER
# The attachment tests run against an S3-compatible server too (moto_server, installed once).
JOAN_MOTO_SERVER=$(.ci/moto.sh)
export JOAN_MOTO_SERVER
# Every crate's tests, each test in a process of its own and several at once (cargo-nextest,
# .config/nextest.toml; installed once). The crates have no doc tests.
phase "tests"
PATH="$(.ci/nextest.sh):$PATH" cargo nextest run --workspace --locked
# The web app: types, lint, its API types against this binary's OpenAPI, unit tests, build.
phase "web app"
JOAN_BIN=$target/debug/joan scripts/frontend.sh
# The OpenAPI document against the real server (the binary the tests just built).
phase "schemathesis"
.ci/schemathesis.sh "$target/debug/joan"
phase "done"
