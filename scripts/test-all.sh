#!/usr/bin/env bash
# npm run test:all: everything CI runs, in order: the fast suite, a new app made by the README's
# steps (needs the npm registry), the real-toolchain suite (provisioning first), and the Rust
# example's own tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1

npm test
npm run test:new-app
npm run provision
npm run test:real
# --tests: unit and integration tests (the crate has no doc tests).
(cd examples/rust-service && cargo test --locked --tests)
