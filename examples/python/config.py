"""Settings shared by the example stacks (the Python twin of examples/config.ts).

Everything has a placeholder default so that the app synthesizes without a Google Cloud
account; set the variables to deploy.
"""

import os
from dataclasses import dataclass
from typing import Mapping, Optional

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
