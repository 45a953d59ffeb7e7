"""The Rust example written in Python (examples/python) synthesizes exactly what the TypeScript
example (examples/rust-service/main.ts) does.

The TypeScript side is the README's `npx cdktf synth` (the app in cdktf.json), run from the
repository root into a temporary directory; the Python side is the same two stacks built from
examples/python/rust_service.py with the installed wheel, into a sibling directory (so paths
relative to the output, e.g. the build context, are the same). Nothing is normalized: every
file of both stacks (cdk.tf.json including cdktf's "//" metadata, the security report, the
Dockerfile assets) must be byte-identical, and so must the stacks' entries in manifest.json.
"""

import json
import os
import subprocess
from pathlib import Path
from typing import Dict, Tuple

import pytest
from cdktf import App

from conftest import REPO
from rust_service import RustServiceLocalStack, RustServiceStack

STACKS = ["rust-service", "rust-service-local"]


@pytest.fixture(scope="module")
def outdirs(tmp_path_factory: pytest.TempPathFactory) -> Tuple[Path, Path]:
    base = tmp_path_factory.mktemp("synth")
    typescript, python = base / "typescript", base / "python"
    # Started first: the TypeScript synth runs while Python synthesizes.
    cli = subprocess.Popen(
        ["npx", "cdktf", "synth", "--output", str(typescript)],
        cwd=REPO,
        env={**os.environ, "CHECKPOINT_DISABLE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    app = App(outdir=str(python))
    RustServiceStack(app, "rust-service")
    RustServiceLocalStack(app, "rust-service-local")
    app.synth()
    output, _ = cli.communicate(timeout=600)
    assert cli.returncode == 0, f"npx cdktf synth failed:\n{output}"
    return typescript, python


def stack_files(outdir: Path, stack: str) -> Dict[str, bytes]:
    root = outdir / "stacks" / stack
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("stack", STACKS)
def test_the_same_terraform_json(stack: str, outdirs: Tuple[Path, Path]) -> None:
    typescript, python = (
        json.loads((outdir / "stacks" / stack / "cdk.tf.json").read_text())
        for outdir in outdirs
    )
    assert python == typescript


@pytest.mark.parametrize("stack", STACKS)
def test_the_same_files_byte_for_byte(stack: str, outdirs: Tuple[Path, Path]) -> None:
    typescript, python = (stack_files(outdir, stack) for outdir in outdirs)
    assert sorted(python) == sorted(typescript)
    for name in typescript:
        assert python[name] == typescript[name], f"{stack}/{name} differs"


def without_stack_traces(entry: dict) -> dict:
    """A manifest stack entry without its annotations' ``stacktrace`` fields: they record
    where each annotation was added, as frames of the language the app is written in (a
    TypeScript file and line, or the jsii kernel's frames for Python), so they cannot agree."""
    annotations = [
        {k: v for k, v in a.items() if k != "stacktrace"} for a in entry.get("annotations", [])
    ]
    return {**entry, "annotations": annotations}


def test_the_same_manifest_entries(outdirs: Tuple[Path, Path]) -> None:
    typescript, python = (
        json.loads((outdir / "manifest.json").read_text()) for outdir in outdirs
    )
    for stack in STACKS:
        assert without_stack_traces(python["stacks"][stack]) == without_stack_traces(
            typescript["stacks"][stack]
        )
    assert python["version"] == typescript["version"]


def test_the_same_warnings(outdirs: Tuple[Path, Path]) -> None:
    """The placeholder-project warning of the examples reaches the manifest in both languages."""
    for outdir in outdirs:
        manifest = json.loads((outdir / "manifest.json").read_text())
        messages = [a["message"] for a in manifest["stacks"]["rust-service"]["annotations"]]
        assert any("placeholder" in m for m in messages), messages


def test_the_python_stack_is_the_rust_service(outdirs: Tuple[Path, Path]) -> None:
    _, python = outdirs
    doc = json.loads((python / "stacks" / "rust-service" / "cdk.tf.json").read_text())
    [service] = doc["resource"]["google_cloud_run_v2_service"].values()
    assert service["name"] == "cloud-run-app"
    assert service["template"]["containers"][0]["image"].endswith(".sha256_digest}")
    [image] = doc["resource"]["docker_image"].values()
    assert image["build"]["context"].endswith("/examples/rust-service")
    local = json.loads((python / "stacks" / "rust-service-local" / "cdk.tf.json").read_text())
    assert list(local["resource"]) == ["docker_container", "docker_image"]
