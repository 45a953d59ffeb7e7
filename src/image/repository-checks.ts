/**
 * Checks of a Docker repository's identity (location, id, KMS key) and of another OCI
 * registry's host and credentials, and the docker provider's `registry_auth` for such a
 * registry. This module is not re-exported by `src/index.ts`.
 * @internal
 */
import type { DockerProviderRegistryAuth } from "@cdktf/provider-docker/lib/provider";
import { checkKnown, checkText, invalidProp, matches } from "../util/check";
import { ARTIFACT_REGISTRY_MULTI_REGIONS, isGcpRegion } from "../util/gcp-regions";
import { OciRegistryAttributes } from "./repository-attributes";

/** `host[:port]`: a DNS name (letters, digits, hyphens, dots), IPv4, or [IPv6]. */
const REGISTRY_HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/;

const REPOSITORY_ID = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** A Cloud KMS crypto key's resource name (Cloud KMS resource names: key rings and keys). */
const KMS_KEY_NAME =
  /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[a-zA-Z0-9_-]{1,63}\/cryptoKeys\/[a-zA-Z0-9_-]{1,63}$/;

/** @internal */
export function checkLocation(owner: string, location: string): void {
  checkText(
    owner,
    "location",
    location,
    "must be a Google Cloud region such as europe-west1, or a multi-region (us, europe, asia)",
    (value) => ARTIFACT_REGISTRY_MULTI_REGIONS.includes(value) || isGcpRegion(value),
  );
}

/** @internal */
export function checkRepositoryId(owner: string, repositoryId: string): void {
  checkText(
    owner,
    "repositoryId",
    repositoryId,
    "must be 1-63 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen",
    matches(REPOSITORY_ID),
  );
}

/** @internal */
export function checkKmsKeyName(owner: string, kmsKeyName: string | undefined): void {
  checkText(
    owner,
    "kmsKeyName",
    kmsKeyName,
    "must be a Cloud KMS key name: projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>",
    matches(KMS_KEY_NAME),
    { optional: true },
  );
}

/** @internal */
export function checkRegistryHost(owner: string, host: string): void {
  if (typeof host !== "string" || host === "") {
    throw invalidProp(owner, "registryHost", "must be a non-empty string: host[:port]", host);
  }
  checkKnown(
    owner,
    "registryHost",
    host,
    "must be known at synth (it is part of every image name), not a token",
  );
  const match = REGISTRY_HOST.exec(host);
  const port = match?.[1] === undefined ? undefined : Number(match[1]);
  if (match === null || (port !== undefined && (port < 1 || port > 65535))) {
    throw invalidProp(
      owner,
      "registryHost",
      'must be host[:port] in lowercase, without scheme or path: a DNS name, an IPv4 address or a bracketed IPv6 address, and a port 1-65535 (e.g. "127.0.0.1:5000")',
      host,
    );
  }
}

/** @internal */
export function checkRegistryCredentials(owner: string, attrs: OciRegistryAttributes): void {
  if (
    attrs.insecure !== undefined &&
    attrs.insecure !== null &&
    typeof attrs.insecure !== "boolean"
  ) {
    throw invalidProp(owner, "insecure", "must be a boolean", attrs.insecure);
  }
  for (const prop of ["username", "password", "configFile"] as const) {
    const value = attrs[prop];
    if (value !== undefined && value !== null && (typeof value !== "string" || value === "")) {
      throw invalidProp(owner, prop, "must be a non-empty string", value);
    }
  }
  const hasUser = attrs.username !== undefined && attrs.username !== null;
  const hasPassword = attrs.password !== undefined && attrs.password !== null;
  if (hasUser !== hasPassword) {
    throw invalidProp(
      owner,
      hasUser ? "password" : "username",
      `must be given together with ${hasUser ? "username" : "password"}`,
      hasUser ? attrs.password : attrs.username,
    );
  }
  if (hasUser && attrs.configFile !== undefined && attrs.configFile !== null) {
    throw invalidProp(
      owner,
      "configFile",
      "must not be set together with username/password (use one or the other)",
      attrs.configFile,
    );
  }
}

/** The docker provider's `registry_auth` for another OCI registry (without its address). */
/** @internal */
export function registryAuthOf(
  attrs: OciRegistryAttributes,
): Omit<DockerProviderRegistryAuth, "address"> & { readonly scheme?: "http" } {
  const scheme = attrs.insecure === true ? ("http" as const) : undefined;
  if (attrs.username !== undefined && attrs.username !== null) {
    return { scheme, username: attrs.username, password: attrs.password };
  }
  if (attrs.configFile !== undefined && attrs.configFile !== null) {
    return { scheme, configFile: attrs.configFile };
  }
  // The provider needs an entry for every host it pushes to; this one says "no authentication".
  return { scheme, authDisabled: true };
}
