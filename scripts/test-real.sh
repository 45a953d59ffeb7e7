#!/usr/bin/env bash
# npm run test:real: the tests that use the real toolchain. Provisions first (a warm run takes
# seconds), refuses to start when a piece the tests need is missing (naming it), then runs the
# jest project in jest.real.config.js with the provisioned environment.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1
node scripts/provision.js
CACHE="${CDKTF_CLOUD_RUN_CACHE:-$HOME/.cache/cdktf-cloud-run}"
node scripts/toolchain/require.js
# shellcheck source=/dev/null
. "$CACHE/env.sh"
exec npx jest -c jest.real.config.js "$@"
