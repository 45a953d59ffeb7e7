"""Shared fixtures of the Python package's tests (run them with `npm run test:python`).

The imports below are timed, because they are most of a Python cdktf program's start-up: the
summary at the end of the run prints each one.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "python"
FIXTURES = REPO / "test" / "fixtures"

IMPORT_SECONDS: Dict[str, float] = {}

# The jsii kernel (a node process) starts at the first import below, in the current directory,
# and the TypeScript processes the tests compare against run from the repository root: the
# default local backend writes an absolute state-file path based on it.
os.chdir(REPO)


def _timed_import(name: str) -> None:
    started = time.perf_counter()
    __import__(name)
    IMPORT_SECONDS[name] = time.perf_counter() - started


# In dependency order, so each line is the cost of that module alone. Importing one submodule of
# the google provider runs the package's __init__, which imports all of its submodules and loads
# its jsii assembly; cdktf_cloud_run depends on it, so every program using the library pays it.
_timed_import("constructs")
_timed_import("cdktf")
_timed_import("cdktf_cdktf_provider_docker.container")
_timed_import("cdktf_cdktf_provider_google.provider")
_timed_import("cdktf_cloud_run")

sys.path.insert(0, str(EXAMPLES))

from cdktf import Testing, TerraformStack  # noqa: E402


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.section("import times")
    for name, seconds in IMPORT_SECONDS.items():
        terminalreporter.write_line(f"{seconds:6.2f} s  import {name}")


@pytest.fixture
def stack() -> TerraformStack:
    """A stack in a fresh test app (cdktf's Testing.app(), as the TypeScript tests use)."""
    return TerraformStack(Testing.app(), "test")


def synth(stack: TerraformStack, run_validations: bool = False) -> Dict[str, Any]:
    """The stack's Terraform JSON, parsed."""
    return json.loads(Testing.synth(stack, run_validations))


def resources(doc: Dict[str, Any], resource_type: str) -> List[Dict[str, Any]]:
    """The resources of one type in synthesized JSON, in construct order."""
    return list(doc.get("resource", {}).get(resource_type, {}).values())


def run_node(script: Path, *args: str) -> Any:
    """Runs a Node.js helper from the repository root and parses the JSON it prints."""
    result = subprocess.run(
        ["node", str(script), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"node {script.name} failed:\n{result.stderr}")
    return json.loads(result.stdout)
