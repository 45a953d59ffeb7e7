"""Every public construct and value class of cdktf_cloud_run, used once from Python.

These check that Python values cross into the library as TypeScript would pass them (keyword
props, nested structs, maps, lists, class constants, enums, optional numbers) and that results
come back as Python values. The library's behaviour itself is tested in TypeScript (test/).

Each test names what it exercises with @exercises(...); the last test fails when a class or
enum the package exports is exercised by none, so a new construct (e.g. CloudRunJob, WorkerPool,
Volume) needs a test here: a function with @exercises("CloudRunJob") that builds one in `stack`
and checks its JSON with synth()/resources().
"""

import json
import re
import tarfile
from pathlib import Path
from typing import Callable, Set, TypeVar

import cdktf_cloud_run
import pytest
from cdktf import TerraformOutput, TerraformStack, Testing
from cdktf_cdktf_provider_google.provider import GoogleProvider
from cdktf_cdktf_provider_google.service_account_key import ServiceAccountKey
from cdktf_cloud_run import (
    CloudRunApp,
    CloudRunJob,
    CloudRunService,
    ContainerImage,
    Dockerfile,
    DockerfileRules,
    DockerRepository,
    ExecutionEnvironment,
    FindingSeverity,
    Ingress,
    JobScheduleOptions,
    LocalService,
    PostureRule,
    Probe,
    ProbeType,
    RestartPolicy,
    SecretReference,
    SecurityPosture,
    SidecarOptions,
    Volume,
    VolumeMount,
    VpcAccess,
    VpcEgress,
    WorkerPool,
)

from conftest import FIXTURES, resources, synth

NON_ROOT = str(FIXTURES / "cloud-run-nonroot")
REGION = "europe-west1"
SERVICE_ACCOUNT = "serviceAccount:caller@my-project.iam.gserviceaccount.com"

EXERCISED: Set[str] = set()
F = TypeVar("F", bound=Callable[..., None])


def exercises(*names: str) -> Callable[[F], F]:
    """Records which exported classes and enums a test uses."""

    def register(test: F) -> F:
        EXERCISED.update(names)
        return test

    return register


@pytest.fixture
def google_stack(stack: TerraformStack) -> TerraformStack:
    """A test stack with a GoogleProvider, as synth validations require for Google resources."""
    GoogleProvider(stack, "google", project="my-project", region=REGION)
    return stack


def repository(stack: TerraformStack) -> DockerRepository:
    return DockerRepository(stack, "images", location=REGION, project="my-project")


def pushed_image(stack: TerraformStack) -> ContainerImage:
    return ContainerImage(stack, "image", repository=repository(stack), directory=NON_ROOT)


@exercises("DockerRepository")
def test_docker_repository(stack: TerraformStack) -> None:
    repo = DockerRepository(
        stack,
        "images",
        location=REGION,
        project="my-project",
        repository_id="images",
        labels={"team": "web"},
        keep_recent_versions=5,
    )
    repo.grant_reader(SERVICE_ACCOUNT)
    assert repo.registry_host == "europe-west1-docker.pkg.dev"
    assert repo.image_uri("api") == "europe-west1-docker.pkg.dev/my-project/images/api"
    assert repo.is_artifact_registry is True
    doc = synth(stack)
    [created] = resources(doc, "google_artifact_registry_repository")
    assert created["format"] == "DOCKER"
    assert created["repository_id"] == "images"
    assert created["labels"] == {"team": "web"}
    keep = [p for p in created["cleanup_policies"] if p["action"] == "KEEP"]
    assert keep[0]["most_recent_versions"]["keep_count"] == 5
    [member] = resources(doc, "google_artifact_registry_repository_iam_member")
    assert (member["role"], member["member"]) == ("roles/artifactregistry.reader", SERVICE_ACCOUNT)


@exercises("DockerRepository")
def test_docker_repository_from_attributes_and_from_registry(stack: TerraformStack) -> None:
    existing = DockerRepository.from_repository_attributes(
        stack, "existing", location="us", repository_id="shared", project="other"
    )
    assert existing.image_uri("api") == "us-docker.pkg.dev/other/shared/api"
    assert existing.resource is None
    registry = DockerRepository.from_registry(
        stack, "local", registry_host="127.0.0.1:5000", namespace="team", insecure=True
    )
    assert registry.registry_host == "127.0.0.1:5000"
    assert registry.is_artifact_registry is False
    assert registry.image_uri("api") == "127.0.0.1:5000/team/api"
    ContainerImage(stack, "image", repository=registry, directory=NON_ROOT, image_name="api")
    doc = synth(stack)
    assert "google_artifact_registry_repository" not in doc.get("resource", {})
    [pushed] = resources(doc, "docker_registry_image")
    assert pushed["name"].startswith("127.0.0.1:5000/team/api:")


@exercises("ContainerImage", "Dockerfile")
def test_container_image(stack: TerraformStack) -> None:
    image = ContainerImage(
        stack,
        "image",
        repository=repository(stack),
        directory=NON_ROOT,
        image_name="api",
        build_args={"FEATURES": "prod"},
    )
    assert re.fullmatch(r"[0-9a-f]{64}", image.tag)
    assert image.is_pushed is True
    assert image.runtime_user.is_root is False
    assert image.runtime_user.uid == 65532
    assert image.dockerfile.final_stage.base_image == "gcr.io/distroless/static-debian13:nonroot"
    TerraformOutput(stack, "image-ref", value=image.image_ref)
    doc = synth(stack)
    assert re.fullmatch(
        r"europe-west1-docker\.pkg\.dev/my-project/[a-z0-9-]+/api"
        r"@\$\{docker_registry_image\.[^.]+\.sha256_digest\}",
        doc["output"]["image-ref"]["value"],
    )
    [built] = resources(doc, "docker_image")
    assert built["name"].endswith(f"/api:{image.tag}")
    assert built["build"]["build_args"] == {"FEATURES": "prod"}
    assert built["build"]["platform"] == "linux/amd64"
    assert len(resources(doc, "docker_registry_image")) == 1


@exercises("ContainerImage", "Dockerfile")
def test_local_only_image_from_a_generated_dockerfile(stack: TerraformStack) -> None:
    image = ContainerImage(
        stack,
        "image",
        directory=NON_ROOT,
        generated_dockerfile=Dockerfile.node_distroless(entry_script="server.js"),
    )
    assert image.is_pushed is False
    assert image.registry_image is None
    assert image.runtime_user.is_root is False
    doc = synth(stack)
    assert len(resources(doc, "docker_image")) == 1
    assert resources(doc, "docker_registry_image") == []


@exercises(
    "CloudRunService",
    "Ingress",
    "ExecutionEnvironment",
    "VpcEgress",
    "Probe",
    "ProbeType",
)
def test_cloud_run_service(google_stack: TerraformStack) -> None:
    stack = google_stack
    service = CloudRunService(
        stack,
        "api",
        image=pushed_image(stack),
        region=REGION,
        service_name="api",
        description="The API",
        port=3000,
        cpu="2",
        memory="4Gi",
        concurrency=250,
        timeout_seconds=900,
        min_instances=1,
        max_instances=5,
        environment={"B": "2", "A": "1"},
        secrets={"DB_PASSWORD": SecretReference(secret="db-password", version="3")},
        ingress=Ingress.INTERNAL_ONLY,
        startup_probe=Probe.tcp(port=3000, period_seconds=5),
        liveness_probe=Probe.grpc(service="health", port=9090),
        vpc_access=VpcAccess(
            network="default", subnetwork="run", network_tags=["api"], egress=VpcEgress.ALL_TRAFFIC
        ),
        labels={"team": "web"},
        execution_environment=ExecutionEnvironment.GEN2,
        startup_cpu_boost=True,
        cpu_idle=False,
        deletion_protection=False,
    )
    service.add_environment("C", "3")
    service.grant_invoke(SERVICE_ACCOUNT)
    assert service.environment_names == ["B", "A", "DB_PASSWORD", "C"]
    assert service.secret_environment == ["DB_PASSWORD"]
    assert service.ingress.value == "INGRESS_TRAFFIC_INTERNAL_ONLY"
    assert service.port == 3000
    doc = synth(stack, run_validations=True)
    [run] = resources(doc, "google_cloud_run_v2_service")
    assert run["name"] == "api"
    assert run["description"] == "The API"
    assert run["ingress"] == "INGRESS_TRAFFIC_INTERNAL_ONLY"
    assert run["labels"] == {"team": "web"}
    assert run["deletion_protection"] is False
    template = run["template"]
    assert template["execution_environment"] == "EXECUTION_ENVIRONMENT_GEN2"
    assert template["max_instance_request_concurrency"] == 250
    assert template["timeout"] == "900s"
    assert template["scaling"] == {"min_instance_count": 1, "max_instance_count": 5}
    assert template["vpc_access"] == {
        "egress": "ALL_TRAFFIC",
        "network_interfaces": [{"network": "default", "subnetwork": "run", "tags": ["api"]}],
    }
    [container] = template["containers"]
    assert container["ports"] == {"container_port": 3000}
    assert container["resources"] == {
        "cpu_idle": False,
        "startup_cpu_boost": True,
        "limits": {"cpu": "2", "memory": "4Gi"},
    }
    assert container["startup_probe"] == {"period_seconds": 5, "tcp_socket": {"port": 3000}}
    assert container["liveness_probe"] == {"grpc": {"port": 9090, "service": "health"}}
    env = {e["name"]: e for e in container["env"]}
    assert [e["name"] for e in container["env"]] == ["B", "A", "DB_PASSWORD", "C"]
    assert env["DB_PASSWORD"]["value_source"]["secret_key_ref"] == {
        "secret": "db-password",
        "version": "3",
    }
    [invoker] = resources(doc, "google_cloud_run_v2_service_iam_member")
    assert (invoker["role"], invoker["member"]) == ("roles/run.invoker", SERVICE_ACCOUNT)
    [accessor] = resources(doc, "google_secret_manager_secret_iam_member")
    assert accessor["role"] == "roles/secretmanager.secretAccessor"


@exercises("Probe", "ProbeType")
def test_probes() -> None:
    http = Probe.http(
        path="/ready",
        port=8081,
        http_headers={"X-Probe": "1"},
        period_seconds=5,
        failure_threshold=3,
    )
    assert http.type == ProbeType.HTTP
    assert (http.path, http.port, http.http_headers) == ("/ready", 8081, {"X-Probe": "1"})
    assert (http.timing.period_seconds, http.timing.failure_threshold) == (5, 3)
    assert Probe.http().path == "/"
    tcp = Probe.tcp(port=9000, initial_delay_seconds=2)
    assert (tcp.type, tcp.port, tcp.timing.initial_delay_seconds) == (ProbeType.TCP, 9000, 2)
    grpc = Probe.grpc(service="health", timeout_seconds=1)
    assert (grpc.type, grpc.grpc_service, grpc.timing.timeout_seconds) == (
        ProbeType.GRPC,
        "health",
        1,
    )


@pytest.mark.parametrize(
    "constant, value",
    [
        (Ingress.ALL, "INGRESS_TRAFFIC_ALL"),
        (Ingress.INTERNAL_ONLY, "INGRESS_TRAFFIC_INTERNAL_ONLY"),
        (Ingress.INTERNAL_AND_CLOUD_LOAD_BALANCING, "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"),
        (ExecutionEnvironment.GEN1, "EXECUTION_ENVIRONMENT_GEN1"),
        (ExecutionEnvironment.GEN2, "EXECUTION_ENVIRONMENT_GEN2"),
        (VpcEgress.ALL_TRAFFIC, "ALL_TRAFFIC"),
        (VpcEgress.PRIVATE_RANGES_ONLY, "PRIVATE_RANGES_ONLY"),
        (RestartPolicy.NO, "no"),
        (RestartPolicy.ON_FAILURE, "on-failure"),
        (RestartPolicy.ALWAYS, "always"),
        (RestartPolicy.UNLESS_STOPPED, "unless-stopped"),
    ],
)
def test_closed_sets(constant: object, value: str) -> None:
    assert constant.value == value  # type: ignore[attr-defined]
    assert constant.to_string() == value  # type: ignore[attr-defined]


def test_ingress_knows_which_is_internet_facing() -> None:
    assert Ingress.ALL.is_internet_facing is True
    assert Ingress.INTERNAL_ONLY.is_internet_facing is False


EXERCISED.update(["Ingress", "ExecutionEnvironment", "VpcEgress", "RestartPolicy"])


@exercises("CloudRunJob", "JobScheduleOptions")
def test_cloud_run_job(google_stack: TerraformStack) -> None:
    stack = google_stack
    job = CloudRunJob(
        stack,
        "migrate",
        image=pushed_image(stack),
        region=REGION,
        task_count=4,
        parallelism=2,
        max_retries=1,
        task_timeout_seconds=1800,
        command=["/app/migrate"],
        args=["--to", "latest"],
        secrets={"DB_PASSWORD": SecretReference(secret="db-password", version="3")},
    )
    job.grant_run(SERVICE_ACCOUNT)
    options = JobScheduleOptions(cron="0 3 * * *", time_zone="Europe/Paris")
    scheduler = job.schedule("nightly", cron=options.cron, time_zone=options.time_zone)
    assert scheduler.terraform_resource_type == "google_cloud_scheduler_job"
    assert job.job_name == "migrate"
    assert job.runners[0] == SERVICE_ACCOUNT
    with pytest.raises(RuntimeError, match=r"invalid cron: must be a unix-cron schedule"):
        job.schedule("broken", cron="0 3 * *")
    doc = synth(stack, run_validations=True)
    [res] = resources(doc, "google_cloud_run_v2_job")
    assert res["template"]["task_count"] == 4
    assert res["template"]["parallelism"] == 2
    assert res["template"]["template"]["max_retries"] == 1
    assert res["template"]["template"]["timeout"] == "1800s"
    [container] = res["template"]["template"]["containers"]
    assert container["command"] == ["/app/migrate"]
    assert container["args"] == ["--to", "latest"]
    [schedule] = resources(doc, "google_cloud_scheduler_job")
    assert (schedule["schedule"], schedule["time_zone"]) == ("0 3 * * *", "Europe/Paris")
    assert schedule["http_target"]["http_method"] == "POST"
    assert schedule["http_target"]["uri"].endswith(":run")
    runners = resources(doc, "google_cloud_run_v2_job_iam_member")
    assert sorted(r["role"] for r in runners) == ["roles/run.invoker", "roles/run.invoker"]
    assert SERVICE_ACCOUNT in [r["member"] for r in runners]


@exercises("WorkerPool", "Volume")
def test_worker_pool(google_stack: TerraformStack) -> None:
    stack = google_stack
    pool = WorkerPool(
        stack,
        "consumer",
        image=pushed_image(stack),
        region=REGION,
        instance_count=3,
        memory="1Gi",
        volumes=[VolumeMount(path="/cache", volume=Volume.empty_dir(size_limit="64Mi"))],
    )
    pool.add_volume("/data", Volume.cloud_storage(bucket="orders-data"))
    assert pool.instance_count == 3
    doc = synth(stack, run_validations=True)
    [res] = resources(doc, "google_cloud_run_v2_worker_pool")
    assert res["launch_stage"] == "BETA"
    assert res["scaling"] == {"scaling_mode": "MANUAL", "manual_instance_count": 3}
    assert [m["mount_path"] for m in res["template"]["containers"][0]["volume_mounts"]] == [
        "/cache",
        "/data",
    ]
    [bucket] = resources(doc, "google_storage_bucket_iam_member")
    assert (bucket["bucket"], bucket["role"]) == ("orders-data", "roles/storage.objectViewer")


@exercises("CloudRunApp")
def test_cloud_run_app(google_stack: TerraformStack) -> None:
    stack = google_stack
    shared = repository(stack)
    app = CloudRunApp(
        stack,
        "app",
        region=REGION,
        directory=NON_ROOT,
        repository=shared,
        allow_unauthenticated=True,
        startup_probe=Probe.http(path="/healthz"),
    )
    assert app.repository.registry_host == shared.registry_host
    assert app.image.is_pushed is True
    assert app.service.service_name == "app"
    assert app.url == app.service.uri
    doc = synth(stack, run_validations=True)
    assert len(resources(doc, "google_artifact_registry_repository")) == 1
    [invoker] = resources(doc, "google_cloud_run_v2_service_iam_member")
    assert invoker["member"] == "allUsers"


@exercises("CloudRunApp", "LocalService")
def test_cloud_run_app_local(stack: TerraformStack) -> None:
    local = CloudRunApp.local(
        stack, "app", {"region": REGION, "directory": NON_ROOT}, host_port=18082
    )
    assert local.url == "http://127.0.0.1:18082"
    assert local.image.is_pushed is False
    doc = synth(stack)
    [container] = resources(doc, "docker_container")
    assert "K_SERVICE=app" in container["env"]


@exercises("LocalService", "RestartPolicy")
def test_local_service(stack: TerraformStack) -> None:
    image = ContainerImage(stack, "image", directory=NON_ROOT)
    service = LocalService(
        stack,
        "api",
        image=image,
        port=8080,
        host_port=18081,
        host_address="127.0.0.1",
        environment={"LOG_LEVEL": "debug"},
        cpu="1",
        memory="512Mi",
        restart=RestartPolicy.ON_FAILURE,
    )
    assert service.url == "http://127.0.0.1:18081"
    assert (service.host_port, service.host_address) == (18081, "127.0.0.1")
    doc = synth(stack, run_validations=True)
    [container] = resources(doc, "docker_container")
    assert container["restart"] == "on-failure"
    assert "LOG_LEVEL=debug" in container["env"]
    assert "PORT=8080" in container["env"]
    assert container["ports"] == [
        {"external": 18081, "internal": 8080, "ip": "127.0.0.1", "protocol": "tcp"}
    ]
    assert container["memory"] == 512


@exercises("Volume", "CloudRunService", "CloudRunApp")
def test_volumes_and_sidecars(google_stack: TerraformStack) -> None:
    stack = google_stack
    shared = repository(stack)
    image = ContainerImage(stack, "image", repository=shared, directory=NON_ROOT)
    cache = Volume.empty_dir(size_limit="64Mi", in_memory=True)
    assert cache.kind == "emptyDir"
    service = CloudRunService(
        stack,
        "api",
        image=image,
        region=REGION,
        memory="1Gi",
        volumes=[
            VolumeMount(
                path="/secrets/db",
                volume=Volume.secret(secret="db", version="2", file_name="pw"),
            ),
            VolumeMount(path="/cache", volume=cache),
            VolumeMount(path="/assets", volume=Volume.cloud_storage(bucket="my-assets")),
            VolumeMount(
                path="/share",
                volume=Volume.nfs(server="10.0.0.2", path="/vol1", read_only=True),
            ),
        ],
        sidecars=[
            SidecarOptions(
                name="proxy",
                image=image,
                cpu="0.5",
                memory="256Mi",
                environment={"MODE": "proxy"},
                startup_probe=Probe.tcp(port=9000),
                volumes=[VolumeMount(path="/var/cache", volume=cache)],
            )
        ],
    )
    service.add_volume("/cloudsql", Volume.cloud_sql(instances=["db-project:europe-west1:db"]))
    # A struct as the last parameter is keyword arguments in Python.
    service.add_sidecar(name="agent", image=image, depends_on=["proxy", "main"])
    assert service.sidecar_names == ["proxy", "agent"]
    doc = synth(stack, run_validations=True)
    [run] = resources(doc, "google_cloud_run_v2_service")
    assert run["template"]["execution_environment"] == "EXECUTION_ENVIRONMENT_GEN2"
    assert [v["name"] for v in run["template"]["volumes"]] == [
        "secrets-db",
        "cache",
        "assets",
        "share",
        "cloudsql",
    ]
    assert [c["name"] for c in run["template"]["containers"]] == ["main", "proxy", "agent"]
    assert run["template"]["containers"][2]["depends_on"] == ["proxy", "main"]
    [bucket] = resources(doc, "google_storage_bucket_iam_member")
    assert (bucket["bucket"], bucket["role"]) == ("my-assets", "roles/storage.objectViewer")
    [sql] = resources(doc, "google_project_iam_member")
    assert (sql["project"], sql["role"]) == ("db-project", "roles/cloudsql.client")
    app = CloudRunApp(stack, "web", region=REGION, directory=NON_ROOT, repository=shared)
    app.add_volume("/tmp/cache", Volume.empty_dir())
    app.add_sidecar(name="helper", image=image)
    with pytest.raises(RuntimeError, match=r"invalid bucket: must be a bucket name"):
        Volume.cloud_storage(bucket="gs://x")


@exercises("LocalService", "Volume")
def test_local_service_volumes_and_sidecars(stack: TerraformStack) -> None:
    image = ContainerImage(stack, "image", directory=NON_ROOT)
    shared = Volume.empty_dir(size_limit="16Mi")
    LocalService(
        stack,
        "api",
        image=image,
        host_port=18083,
        volumes=[
            VolumeMount(path="/cache", volume=shared),
            VolumeMount(path="/secrets/db", volume=Volume.secret(secret="db", version="1")),
        ],
        sidecars=[
            SidecarOptions(
                name="helper",
                image=image,
                memory="128Mi",
                volumes=[VolumeMount(path="/shared", volume=shared)],
            )
        ],
        secret_files={"db": str(Path(NON_ROOT) / "Dockerfile")},
    )
    doc = synth(stack)
    names = sorted(c["name"] for c in resources(doc, "docker_container"))
    assert names == ["api", "api-helper"]
    [volume] = resources(doc, "docker_volume")
    assert volume["driver_opts"]["type"] == "tmpfs"


@exercises("Dockerfile", "DockerfileRules", "FindingSeverity")
def test_dockerfile_parse_and_findings() -> None:
    text = "FROM debian AS build\nARG UID=1000\nUSER ${UID}\n"
    dockerfile = Dockerfile.parse(text, build_args={"UID": "10001"})
    assert [s.name for s in dockerfile.stages] == ["build"]
    assert dockerfile.final_stage.line == 1
    user = dockerfile.runtime_user
    assert (user.user, user.uid, user.is_root) == ("10001", 10001, False)
    assert dockerfile.render() == text
    untagged = [f for f in dockerfile.findings if f.rule_id == DockerfileRules.BASE_IMAGE_UNTAGGED]
    assert [(f.line, f.severity) for f in untagged] == [(1, FindingSeverity.WARNING)]
    assert DockerfileRules.FINAL_STAGE_NOT_NON_ROOT == "CR001"
    root = dockerfile.with_options(build_args={"UID": "0"})
    assert root.runtime_user.is_root is True
    not_proven = r"^Error: owner: .*not proven to run as a non-root user"
    with pytest.raises(RuntimeError, match=not_proven):
        root.assert_non_root("owner")


@exercises("Dockerfile")
def test_dockerfile_from_file_and_generators() -> None:
    from_file = Dockerfile.from_file(str(Path(NON_ROOT) / "Dockerfile"))
    assert from_file.runtime_user.uid == 65532
    rust = Dockerfile.rust_cargo_chef(binary_name="server", port=8080)
    assert [s.name for s in rust.stages] == ["planner", "cacher", "builder", "final"]
    assert rust.runtime_user.uid == 65532
    assert "cargo chef cook" in rust.render()
    node = Dockerfile.node_distroless(entry_script="server.js", port=3000)
    assert node.runtime_user.is_root is False
    assert "server.js" in node.render()


@exercises("SecurityPosture", "PostureRule")
def test_security_posture(google_stack: TerraformStack) -> None:
    stack = google_stack
    CloudRunService(stack, "api", image=pushed_image(stack), region=REGION)
    ServiceAccountKey(stack, "key", service_account_id="uploader")
    with pytest.raises(RuntimeError, match=r"\[SEC003 SERVICE_ACCOUNT_KEY\]"):
        Testing.synth(stack, True)
    posture = SecurityPosture.of(stack)
    assert SecurityPosture.of(stack).node.path == posture.node.path  # one per stack
    posture.acknowledge(PostureRule.SERVICE_ACCOUNT_KEY, "Legacy uploader until Q3")
    synth(stack, run_validations=True)
    [finding] = [f for f in posture.findings() if f.rule == PostureRule.SERVICE_ACCOUNT_KEY]
    assert (finding.acknowledged, finding.reason) == (True, "Legacy uploader until Q3")
    report = posture.render_report()
    assert "SEC003" in report and "Legacy uploader until Q3" in report


def test_every_exported_class_and_enum_is_exercised() -> None:
    """Classes and enums of the package's own jsii assembly (structs are used as props above)."""
    package = Path(cdktf_cloud_run.__file__).parent / "_jsii"
    [tarball] = package.glob("*.jsii.tgz")
    with tarfile.open(tarball) as archive:
        member = archive.extractfile("package/.jsii")
        assert member is not None
        assembly = json.load(member)
    exported = {
        t["name"]
        for t in assembly["types"].values()
        if t["kind"] in ("class", "enum") or not t.get("datatype", False)
    }
    assert exported <= set(cdktf_cloud_run.__all__)
    assert sorted(exported - EXERCISED) == []
