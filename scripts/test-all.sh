#!/usr/bin/env bash
# npm run test:all: everything CI runs, in order: the fast suite, a new app made by the README's
# steps (needs the npm registry), the packages and the Python tests, the real-toolchain suite
# (provisioning first), and the Rust example's own tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1

npm test
npm run test:new-app
# The JavaScript and Python packages (dist/), and the Python package's tests.
npm run package
npm run test:python
npm run provision
npm run test:real
# --tests: unit and integration tests (the crate has no doc tests). Cargo's home is the one
# provision fetched the locked crates into, and the build output goes to the cache too, so a fresh
# clone downloads nothing and reuses the compiled crates of the last run.
CACHE="${CDKTF_CLOUD_RUN_CACHE:-$HOME/.cache/cdktf-cloud-run}"
(cd examples/rust-service &&
  CARGO_HOME="$CACHE/cargo-home" CARGO_TARGET_DIR="$CACHE/cargo-target/rust-service" \
    cargo test --locked --tests)
