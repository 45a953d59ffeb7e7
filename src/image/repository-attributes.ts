/**
 * Identifies an existing Docker repository in Artifact Registry.
 */
export interface DockerRepositoryAttributes {
  /** The repository's location, e.g. `europe-west1`. */
  readonly location: string;

  /** The repository ID (the last part of its name). */
  readonly repositoryId: string;

  /**
   * The project that holds the repository.
   * @default - the project of the stack's `google_client_config` (the Google provider's project)
   */
  readonly project?: string;
}

/**
 * Identifies another OCI registry (not Artifact Registry) that images are pushed to: a local
 * registry for development and tests, or a registry the organisation runs.
 */
export interface OciRegistryAttributes {
  /**
   * The registry's host, with its port if not the default: a DNS name, an IPv4 address or a
   * bracketed IPv6 address, e.g. `registry.example.com`, `127.0.0.1:5000`, `[::1]:5000`.
   */
  readonly registryHost: string;

  /**
   * A path inside the registry that image names go below, e.g. `team/images`.
   * @default - images directly below the host
   */
  readonly namespace?: string;

  /**
   * The user name to push with (with `password`).
   * @default - no user name: `configFile`, or a registry without authentication
   */
  readonly username?: string;

  /**
   * The password or token to push with (with `username`). Pass a sensitive Terraform variable
   * or a secret's reference: a literal ends up in the synthesized JSON (a warning says so).
   * @default - no password
   */
  readonly password?: string;

  /**
   * A Docker config file (`~/.docker/config.json` form) holding the credentials for this host,
   * e.g. the one `docker login` writes. Exclusive with `username`/`password`.
   * @default - no config file: `username`/`password`, or a registry without authentication
   */
  readonly configFile?: string;

  /**
   * The registry speaks plain HTTP, not HTTPS: a development registry on this machine. Docker
   * engines push over HTTP to 127.0.0.0/8 only, unless the host is in the engine's
   * `insecure-registries`.
   * @default false
   */
  readonly insecure?: boolean;
}
