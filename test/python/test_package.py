"""`npm run package` built the JavaScript and Python packages, and the tests run the wheel."""

import json
import os
import zipfile
from importlib import metadata
from pathlib import Path

import cdktf_cloud_run

from conftest import REPO

PACKAGE_JSON = json.loads((REPO / "package.json").read_text())
VERSION = PACKAGE_JSON["version"]


def the_one(pattern: str) -> Path:
    found = sorted((REPO / "dist").glob(pattern))
    assert len(found) == 1, f"expected one dist/{pattern}, found {found}"
    return found[0]


def test_js_and_python_packages_were_built() -> None:
    assert the_one("js/*.tgz").name == f"cdktf-cloud-run@{VERSION}.jsii.tgz"
    assert the_one("python/*.whl").name == f"cdktf_cloud_run-{VERSION}-py3-none-any.whl"


def test_the_installed_package_is_the_wheel_from_dist() -> None:
    wheel = the_one("python/*.whl")
    assert Path(os.environ["CDKTF_CLOUD_RUN_TEST_WHEEL"]).resolve() == wheel.resolve()
    assert metadata.version("cdktf-cloud-run") == VERSION
    installed = Path(cdktf_cloud_run.__file__).parent
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = archive.read("cdktf_cloud_run/__init__.py")
    assert (installed / "__init__.py").read_bytes() == in_wheel


def test_the_wheel_runs_the_javascript_package() -> None:
    bundled = Path(cdktf_cloud_run.__file__).parent / "_jsii" / the_one("js/*.tgz").name
    assert bundled.read_bytes() == the_one("js/*.tgz").read_bytes()


def test_distribution_name_module_and_requirements() -> None:
    targets = PACKAGE_JSON["jsii"]["targets"]["python"]
    assert targets == {"distName": "cdktf-cloud-run", "module": "cdktf_cloud_run"}
    requires = metadata.requires("cdktf-cloud-run") or []
    names = {r.split()[0].split("<")[0].split(">")[0] for r in requires}
    assert {
        "cdktf",
        "cdktf-cdktf-provider-google",
        "cdktf-cdktf-provider-docker",
        "constructs",
        "jsii",
    } <= names
    installed = {
        name: metadata.version(name)
        for name in ("cdktf", "cdktf-cdktf-provider-google", "cdktf-cdktf-provider-docker")
    }
    assert installed == {
        "cdktf": "0.21.0",
        "cdktf-cdktf-provider-google": "16.12.1",
        "cdktf-cdktf-provider-docker": "12.0.3",
    }
