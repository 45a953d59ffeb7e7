"""Settings shared by the example stacks (the Python twin of examples/config.ts).

Everything has a placeholder default so that the app synthesizes without a Google Cloud
account; set the variables to deploy.
"""

import json
import os
from dataclasses import dataclass
from typing import Mapping, Optional

from cdktf import Annotations
from constructs import IConstruct

PLACEHOLDER_PROJECT = "my-gcp-project"
DEFAULT_REGION = "europe-west1"


@dataclass(frozen=True)
class ExampleConfig:
    project_id: str
    """Google Cloud project id (``GOOGLE_CLOUD_PROJECT``)."""
    region: str
    """Region of the services and the repository (``GOOGLE_CLOUD_REGION``)."""


def example_config(env: Optional[Mapping[str, str]] = None) -> ExampleConfig:
    env = os.environ if env is None else env
    return ExampleConfig(
        project_id=env.get("GOOGLE_CLOUD_PROJECT") or PLACEHOLDER_PROJECT,
        region=env.get("GOOGLE_CLOUD_REGION") or DEFAULT_REGION,
    )


def warn_if_placeholder_project(stack: IConstruct, config: ExampleConfig) -> None:
    """Warns at synth when a stack that deploys to Google Cloud has the placeholder project: it
    synthesizes, but ``cdktf deploy`` would fail (the twin of ``warnIfPlaceholderProject``)."""
    if config.project_id == PLACEHOLDER_PROJECT:
        Annotations.of(stack).add_warning(
            f"{stack.node.path}: the project is the placeholder {json.dumps(PLACEHOLDER_PROJECT)} "
            "(GOOGLE_CLOUD_PROJECT is not set): the stack synthesizes but cannot be deployed as is. "
            "Set GOOGLE_CLOUD_PROJECT to your project id (and GOOGLE_CLOUD_REGION to your region)."
        )
