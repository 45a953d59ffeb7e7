#!/usr/bin/env bash
# npm run test:real: the tests that use the real toolchain. Provisions first (a warm run takes
# seconds), refuses to start when a piece the tests need is missing (naming it), then runs the
# jest project in jest.real.config.js with the provisioned environment. Afterwards it removes
# what the tests built from the engine (containers, images, build cache), so the private
# engine's vfs storage does not grow from run to run; the base-image stand-ins stay.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1
node scripts/provision.js
CACHE="${CDKTF_CLOUD_RUN_CACHE:-$HOME/.cache/cdktf-cloud-run}"
node scripts/toolchain/require.js
# shellcheck source=/dev/null
. "$CACHE/env.sh"

cleanup() {
  docker ps -aq --filter "name=cdktf-cloud-run-test" | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker images --format '{{.Repository}}:{{.Tag}}' | grep -E '^(cdktf-cloud-run-test/|127\.0\.0\.1:18500/)' \
    | xargs -r docker rmi -f >/dev/null 2>&1 || true
  docker image prune --force >/dev/null 2>&1 || true
  # The docker provider builds through the engine's BuildKit: its snapshots are build cache too.
  docker builder prune --all --force >/dev/null 2>&1 || true
}
trap cleanup EXIT
npx jest -c jest.real.config.js "$@"
