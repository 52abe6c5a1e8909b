#!/usr/bin/env bash
# The whole test suite: formatting, lints, every crate's tests, and schemathesis against `joan serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
# The OpenAPI document against the real server (the binary the tests just built).
.ci/schemathesis.sh target/debug/joan
