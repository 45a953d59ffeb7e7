import type { SidecarOptions } from "../cloud-run/sidecar-options";
import type { VolumeMount } from "../run-contract/volumes";
import { RestartPolicy } from "./restart-policy";

/**
 * Settings of a {@link LocalService}, without the image: what `CloudRunApp.local()` accepts next
 * to the app's own props.
 */
export interface LocalServiceOptions {
  /**
   * The service name: `K_SERVICE` and `K_CONFIGURATION`, the prefix of `K_REVISION`, and the
   * container name. The rules of Cloud Run service names apply.
   * @default - derived from the construct id, like a Cloud Run service name
   */
  readonly serviceName?: string;

  /**
   * The Docker container name. It must be unique on the Docker engine.
   * @default - the service name, or `<service name>-local` when the service name is not a valid
   * container name (Docker needs at least two characters)
   */
  readonly containerName?: string;

  /**
   * The port the container listens on (1–65535), passed in `PORT`.
   * @default 8080
   */
  readonly port?: number;

  /**
   * The port published on the host (1–65535).
   * @default - the container port
   */
  readonly hostPort?: number;

  /**
   * The host address the port is published on: an IPv4 or IPv6 literal. `0.0.0.0` or `::`
   * makes the service reachable from other machines.
   * @default "127.0.0.1"
   */
  readonly hostAddress?: string;

  /**
   * Environment variables. The rules of `CloudRunService` apply: names are C identifiers, and
   * `PORT`, `K_SERVICE`, `K_REVISION` and `K_CONFIGURATION` are reserved (they are set here as
   * Cloud Run sets them).
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * The CPU limit, with the values and rules of `CloudRunService` ("1", "2", "4", "6", "8", or a
   * fraction from "0.08" to below 1). Applied as a hard cap, like `docker run --cpus`.
   * @default "1"
   */
  readonly cpu?: string;

  /**
   * The memory limit, with the values and rules of `CloudRunService` (e.g. "512Mi", "2Gi").
   * Swap is off, as on Cloud Run.
   * @default "512Mi"
   */
  readonly memory?: string;

  /**
   * Mount the root filesystem read-only. `/tmp` is always a writable in-memory filesystem
   * (tmpfs), sized and counted against the memory limit as Cloud Run's in-memory filesystem is.
   * Cloud Run's root filesystem is writable (in memory): set `false` for an app that writes
   * outside `/tmp`.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;

  /**
   * What Docker does when the process exits.
   * @default RestartPolicy.UNLESS_STOPPED
   */
  readonly restart?: RestartPolicy;

  /**
   * Volumes mounted into the main container, with the rules of `CloudRunService`'s `volumes`.
   * Reproduced locally: an in-memory `Volume.emptyDir` is a tmpfs-backed Docker volume of its
   * size limit (Cloud Run's default without one: half of all containers' memory), shared by the
   * containers that mount it; a `Volume.secret` is the file given in `secretFiles`, mounted
   * read-only at `<path>/<fileName>`. Cloud Storage, NFS and Cloud SQL volumes are not mounted
   * (a synth warning names each mount).
   * @default - none
   */
  readonly volumes?: VolumeMount[];

  /**
   * Sidecar containers, with the rules of `CloudRunService`'s `sidecars`: each runs as its own
   * Docker container, named `<containerName>-<sidecar name>`, in the main container's network
   * namespace (`network_mode = "container:<id>"`), so the containers reach each other on
   * `localhost` as on Cloud Run; only the main container publishes a port. Each runs its image's
   * locally built image with the main container's hardening, and is created after the containers
   * it `dependsOn` (Docker does not wait for their startup probes).
   * @default - none
   */
  readonly sidecars?: SidecarOptions[];

  /**
   * The local value of each secret mounted by a `Volume.secret`: the secret (as given to
   * `Volume.secret`) → a file on this machine holding its value, absolute or relative to the
   * working directory. The file is bind-mounted read-only, so its content never enters the
   * Terraform configuration or state, only its path (relative to the stack's directory). It must
   * be readable by the image's user (Cloud Run mounts secrets with mode 0444: `chmod 444`). A
   * secret volume without an entry is not mounted (a synth warning says so).
   * @default - none
   */
  readonly secretFiles?: { [secret: string]: string };
}
