#!/usr/bin/env bash
# npm run test:python: the Python package's tests (test/python, pytest) against the wheel that
# `npm run package` wrote to dist/python.
#
# The pinned packages (test/python/requirements.txt) live in a virtualenv cached outside the
# repository, under ${CDKTF_CLOUD_RUN_CACHE:-$HOME/.cache/cdktf-cloud-run}/python/, keyed on the
# requirements' hash and the Python version: the first run creates it (about a minute, 430 MB),
# later runs reuse it, and the jsii kernel's unpacked packages beside it. The wheel is installed per run into a temporary directory on PYTHONPATH,
# never into the shared virtualenv, so checkouts testing different builds do not interfere.
# Extra arguments go to pytest (e.g. `npm run test:python -- -k errors`).
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1

PYTHON="${PYTHON:-python3}"
CACHE="${CDKTF_CLOUD_RUN_CACHE:-$HOME/.cache/cdktf-cloud-run}"
REQUIREMENTS=test/python/requirements.txt

shopt -s nullglob
wheels=(dist/python/cdktf_cloud_run-*.whl)
shopt -u nullglob
if [ "${#wheels[@]}" -ne 1 ]; then
  echo "test:python: expected one dist/python/cdktf_cloud_run-*.whl, found ${#wheels[@]};" \
    "run npm run package first" >&2
  exit 1
fi
wheel="${wheels[0]}"
if newer="$(find src package.json README.md -newer "$wheel" -print -quit)" && [ -n "$newer" ]; then
  echo "test:python: $wheel is older than $newer; run npm run package first" >&2
  exit 1
fi

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
  echo "test:python: $PYTHON is $("$PYTHON" --version 2>&1);" \
    "the wheel needs Python 3.10 or later (set PYTHON)" >&2
  exit 1
fi
key="$({ "$PYTHON" -c 'import sys; print(sys.version)'; cat "$REQUIREMENTS"; } \
  | sha256sum | cut -c1-16)"
venv="$CACHE/python/venv-$key"

if [ ! -f "$venv/.complete" ]; then
  started=$SECONDS
  echo "test:python: creating $venv"
  mkdir -p "$CACHE/python"
  # Built beside its final path and renamed into place, so an interrupted or concurrent creation
  # never leaves a half-made environment there. Only `bin/python -m ...` is used: unlike the
  # scripts in bin/, it does not depend on the directory's name.
  partial="$(mktemp -d "$CACHE/python/.venv-$key.XXXXXX")"
  "$PYTHON" -m venv "$partial"
  "$partial/bin/python" -m pip install --quiet --no-input -r "$REQUIREMENTS"
  touch "$partial/.complete"
  if ! mv -T "$partial" "$venv" 2>/dev/null; then
    rm -rf "$partial" # another run finished first
  fi
  echo "test:python: virtualenv ready in $((SECONDS - started)) s"
fi

site="$(mktemp -d "${TMPDIR:-/tmp}/cdktf-cloud-run-wheel.XXXXXX")"
trap 'rm -rf "$site"' EXIT
"$venv/bin/python" -m pip install --quiet --no-input --no-deps --no-index --target "$site" "$wheel"
export PYTHONPATH="$site"
# The wheel's requirements (cdktf, the providers, constructs, jsii) against the pinned set.
"$venv/bin/python" -m pip check
export CDKTF_CLOUD_RUN_TEST_WHEEL="$wheel"
# Where the jsii kernel unpacks the packages' JavaScript (the google provider: about 300 MB),
# reused by later runs; entries unused for 30 days are removed by jsii.
export JSII_RUNTIME_PACKAGE_CACHE_ROOT="${JSII_RUNTIME_PACKAGE_CACHE_ROOT:-$CACHE/python/jsii-packages}"
# No __pycache__ in the repository (test/python/pytest.ini keeps .pytest_cache out).
export PYTHONDONTWRITEBYTECODE=1
"$venv/bin/python" -m pytest test/python "$@"
