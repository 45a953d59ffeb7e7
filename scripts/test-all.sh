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
# --tests: unit and integration tests (the crate has no doc tests).
(cd examples/rust-service && cargo test --locked --tests)
