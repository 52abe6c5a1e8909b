#!/usr/bin/env bash
# The whole test suite: formatting, lints, every crate's tests, and schemathesis against `joan serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# The AI workflow tests need NATS with JetStream (started here if it is not running).
nats_bin=$(.ci/nats.sh)
export PATH="$nats_bin:$PATH"
# The attachment tests run against an S3-compatible server too (moto_server, installed once).
JOAN_MOTO_SERVER=$(.ci/moto.sh) cargo test --workspace --locked
# The OpenAPI document against the real server (the binary the tests just built).
.ci/schemathesis.sh target/debug/joan
