"""The README's Python quick start runs as written and synthesizes what it describes."""

import json
import re
import shutil
from pathlib import Path
from typing import Any, Dict

from conftest import FIXTURES, REPO


def python_quick_start() -> str:
    readme = (REPO / "README.md").read_text()
    section = readme.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert blocks, "no python block in the README's Python section"
    return blocks[0]


def test_the_quick_start_synthesizes_the_service(tmp_path: Path) -> None:
    code = python_quick_start()
    # The app is the README's, with its output directory moved out of the working directory.
    assert code.count("app = App()") == 1
    outdir = tmp_path / "cdktf.out"
    code = code.replace("app = App()", f"app = App(outdir={str(outdir)!r})")
    shutil.copytree(FIXTURES / "cloud-run-nonroot", tmp_path / "service")
    main = tmp_path / "main.py"
    main.write_text(code)
    exec(compile(code, str(main), "exec"), {"__file__": str(main), "__name__": "__main__"})

    doc: Dict[str, Any] = json.loads((outdir / "stacks" / "prod" / "cdk.tf.json").read_text())
    [service] = doc["resource"]["google_cloud_run_v2_service"].values()
    [container] = service["template"]["containers"]
    assert container["resources"]["limits"]["memory"] == "1Gi"
    assert service["template"]["scaling"]["max_instance_count"] == 20
    assert container["startup_probe"]["http_get"]["path"] == "/healthz"
    env = {e["name"]: e for e in container["env"]}
    assert env["LOG_LEVEL"]["value"] == "info"
    assert env["DB_PASSWORD"]["value_source"]["secret_key_ref"]["version"] == "3"
    assert doc["output"]["url"]["value"].endswith(".uri}")
