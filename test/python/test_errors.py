"""Invalid input raises a Python exception carrying the message the TypeScript library gives.

typescript-errors.js builds the same cases with the compiled library (lib/) in Node.js and
prints the messages; nothing here is a copied string. Messages spell props as the library
defines them (camelCase, e.g. `allowUnauthenticated`), as in every jsii library.

The exception is a RuntimeError (jsii's translation of a JavaScript Error). Its text is the
TypeScript message, except that for an error thrown inside a method call (a static factory such
as Dockerfile.rust_cargo_chef, or Testing.synth running the validations) the jsii kernel
re-throws it as `new RuntimeError(error)`, which prefixes "Error: "; errors thrown by a
constructor pass through as they are.
"""

from typing import Any, Callable, Dict

import pytest
from cdktf import TerraformStack, Testing
from cdktf_cdktf_provider_google.cloud_run_v2_service_iam_member import (
    CloudRunV2ServiceIamMember,
)
from cdktf_cdktf_provider_google.provider import GoogleProvider
from cdktf_cloud_run import (
    CloudRunApp,
    CloudRunService,
    ContainerImage,
    Dockerfile,
    DockerRepository,
)

from conftest import FIXTURES, REPO, run_node

NON_ROOT = str(FIXTURES / "cloud-run-nonroot")
ROOT = str(FIXTURES / "cloud-run-root")


def pushed_image(stack: TerraformStack) -> ContainerImage:
    repository = DockerRepository(
        stack, "repository", location="europe-west1", project="test-project"
    )
    return ContainerImage(stack, "image", repository=repository, directory=NON_ROOT)


def public_invoker_at_synth(stack: TerraformStack) -> None:
    GoogleProvider(stack, "google", project="test-project")
    service = CloudRunService(stack, "service", region="europe-west1", image=pushed_image(stack))
    CloudRunV2ServiceIamMember(
        stack,
        "public",
        name=service.resource.name,
        location="europe-west1",
        role="roles/run.invoker",
        member="allUsers",
    )
    Testing.synth(stack, True)


# The same names and inputs as CASES in typescript-errors.js.
CASES: Dict[str, Callable[[TerraformStack], Any]] = {
    "root Dockerfile": lambda stack: ContainerImage(stack, "image", directory=ROOT),
    "root generated Dockerfile": lambda stack: ContainerImage(
        stack,
        "image",
        directory=NON_ROOT,
        generated_dockerfile=Dockerfile.parse("FROM debian:13\nUSER 0\n"),
    ),
    "invalid port": lambda stack: CloudRunApp(
        stack, "app", region="europe-west1", directory=NON_ROOT, port=70000
    ),
    "invalid memory": lambda stack: CloudRunService(
        stack, "service", region="europe-west1", image=pushed_image(stack), memory="1GB"
    ),
    "invalid generator option": lambda stack: Dockerfile.rust_cargo_chef(port=0),
    "public invoker at synth": public_invoker_at_synth,
}


# The cases whose error is thrown inside a method call, so the kernel prefixes "Error: ".
THROWN_IN_A_METHOD_CALL = {"invalid generator option", "public invoker at synth"}


@pytest.fixture(scope="module")
def typescript_messages() -> Dict[str, Any]:
    return run_node(REPO / "test" / "python" / "typescript-errors.js")


def test_the_cases_are_the_typescript_cases(typescript_messages: Dict[str, Any]) -> None:
    assert sorted(CASES) == sorted(typescript_messages)


@pytest.mark.parametrize("case", sorted(CASES))
def test_raises_the_typescript_message(case: str, typescript_messages: Dict[str, Any]) -> None:
    expected = typescript_messages[case]
    assert expected, f"TypeScript accepted the {case!r} case"
    stack = TerraformStack(Testing.app(), "test")
    with pytest.raises(RuntimeError) as raised:
        CASES[case](stack)
    prefix = "Error: " if case in THROWN_IN_A_METHOD_CALL else ""
    assert str(raised.value) == prefix + expected


def test_a_root_dockerfile_names_the_file_line_and_fix(typescript_messages: Dict[str, Any]) -> None:
    message = typescript_messages["root Dockerfile"]
    assert "test/fixtures/cloud-run-root/Dockerfile" in message
    assert "(line 1)" in message
    assert "USER 65532:65532" in message
