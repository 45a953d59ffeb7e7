"""The Rust service's stacks written in Python (the twin of examples/rust-service/main.ts).

Both synthesize the same Terraform JSON as their TypeScript originals; test/python checks it.
"""

import os
from typing import Any, Dict, Optional

from cdktf import TerraformOutput, TerraformStack
from cdktf_cdktf_provider_google.provider import GoogleProvider
from cdktf_cloud_run import CloudRunApp, Probe
from constructs import Construct

from config import ExampleConfig, example_config, warn_if_placeholder_project

RUST_SERVICE_DIR = os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rust-service")
)
"""The directory of the Rust service (its build context)."""


class RustServiceStack(TerraformStack):
    """A Rust HTTP service built with cargo-chef into a distroless image that runs as uid
    65532, pushed to Artifact Registry and deployed to Cloud Run pinned by digest."""

    def __init__(self, scope: Construct, id: str, config: Optional[ExampleConfig] = None):
        super().__init__(scope, id)
        config = config or example_config()

        GoogleProvider(self, "google", project=config.project_id, region=config.region)
        warn_if_placeholder_project(self, config)

        self.app = CloudRunApp(self, "cloud-run-app", **rust_service_props(config))

        TerraformOutput(self, "url", value=self.app.url, description="URL of the Cloud Run service")
        TerraformOutput(
            self,
            "image",
            value=self.app.image.image_ref,
            description="The image Cloud Run runs, pinned by digest",
        )


class RustServiceLocalStack(TerraformStack):
    """The same service on this machine's Docker engine, with Cloud Run's container contract.
    Nothing is pushed and no Google Cloud provider is needed."""

    def __init__(self, scope: Construct, id: str, config: Optional[ExampleConfig] = None):
        super().__init__(scope, id)
        config = config or example_config()
        self.service = CloudRunApp.local(self, "cloud-run-app", rust_service_props(config))
        TerraformOutput(
            self, "url", value=self.service.url, description="URL of the service on this machine"
        )


def rust_service_props(config: ExampleConfig) -> Dict[str, Any]:
    """The app's settings (CloudRunAppProps as keyword arguments), shared by the Cloud Run
    stack and its local twin."""
    return dict(
        region=config.region,
        directory=RUST_SERVICE_DIR,
        service_name="cloud-run-app",
        # A demo: anyone may call it. Services are private unless this is set.
        allow_unauthenticated=True,
        cpu="1",
        memory="512Mi",
        max_instances=3,
        startup_probe=Probe.http(path="/healthz", period_seconds=2, failure_threshold=15),
        liveness_probe=Probe.http(path="/healthz", period_seconds=30),
        # A demo must be removable with `cdktf destroy`; production services keep the default.
        deletion_protection=False,
    )
