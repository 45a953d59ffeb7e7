/**
 * Image references (`[registry/]path[:tag][@digest]`) and what the analyzer knows about
 * particular base images: which run as a non-root user, which have no shell, and which Debian
 * release they are built on.
 */

/** A parsed image reference. */
export interface ImageReference {
  /** The reference as written (after variable expansion). */
  readonly text: string;
  /** Registry host, lowercased; undefined for Docker Hub references without a registry. */
  readonly registry?: string;
  /** Repository path without registry, tag or digest, e.g. `distroless/cc-debian13` or `rust`. */
  readonly path: string;
  /** The tag, if any. */
  readonly tag?: string;
  /** The digest (`sha256:...`), if any. */
  readonly digest?: string;
}

/**
 * Splits an image reference the way Docker's reference grammar does: the digest follows `@`,
 * the tag follows the last `:` after the last `/`, and the first path component is a registry
 * when it contains `.` or `:` or is `localhost`.
 */
export function parseImageReference(text: string): ImageReference {
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry: string | undefined;
  const slash = rest.indexOf("/");
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes(".") || first.includes(":") || first === "localhost") {
      registry = first.toLowerCase();
      rest = rest.slice(slash + 1);
    }
  }
  if (registry === "docker.io" || registry === "index.docker.io") {
    registry = undefined;
  }
  if (registry === undefined && rest.startsWith("library/")) {
    rest = rest.slice("library/".length);
  }
  return { text, registry, path: rest, tag, digest };
}

/** True for the special empty base image `scratch`. */
export function isScratch(ref: ImageReference): boolean {
  return ref.registry === undefined && ref.path === "scratch" && ref.tag === undefined;
}

/** Architecture suffixes distroless publishes on its tags (`nonroot-amd64`). */
const DISTROLESS_ARCH_SUFFIXES = ["amd64", "arm64", "arm", "s390x", "ppc64le"];

function tagMatches(tag: string | undefined, accepted: readonly string[]): boolean {
  if (tag === undefined) {
    return false;
  }
  return accepted.some(
    (t) => tag === t || DISTROLESS_ARCH_SUFFIXES.some((arch) => tag === `${t}-${arch}`),
  );
}

/** A base image that is known to run as a non-root user when the Dockerfile sets no USER. */
export interface KnownNonRootBase {
  /** Registry host the entry applies to (mirrors are not assumed to be identical). */
  readonly registry: string;
  /** Repository path prefix, e.g. `distroless/`. */
  readonly pathPrefix: string;
  /** Tags (without architecture suffix) whose image config sets a non-root user. */
  readonly tags: readonly string[];
  /** The user the image config sets. */
  readonly user: string;
  /** Its uid. */
  readonly uid: number;
  /** Where this is documented. */
  readonly source: string;
}

/**
 * The one list of base images the analyzer trusts to run as non-root without a USER instruction.
 * Extend it only with a documented source. Digests are allowed after the tag
 * (`gcr.io/distroless/cc-debian13:nonroot@sha256:...`); a digest without one of these tags is not
 * trusted, because the tag is what says which user the image config sets. Architecture-suffixed
 * tags (`nonroot-amd64`) are the same images for one platform.
 */
export const KNOWN_NON_ROOT_BASES: readonly KnownNonRootBase[] = [
  {
    registry: "gcr.io",
    pathPrefix: "distroless/",
    tags: ["nonroot", "debug-nonroot"],
    user: "65532",
    uid: 65532,
    source:
      "GoogleContainerTools/distroless README: the :nonroot and :debug-nonroot tags set the image " +
      'config User to "65532" (the nonroot user in /etc/passwd)',
  },
];

/** The entry of KNOWN_NON_ROOT_BASES that matches, if any. */
export function knownNonRootBase(ref: ImageReference): KnownNonRootBase | undefined {
  return KNOWN_NON_ROOT_BASES.find(
    (b) =>
      ref.registry === b.registry &&
      ref.path.startsWith(b.pathPrefix) &&
      tagMatches(ref.tag, b.tags),
  );
}

/** Users that a base image's /etc/passwd is documented to define. */
export interface KnownBaseUsers {
  /** Registry host the entry applies to; undefined for Docker Hub (mirrors are not assumed identical). */
  readonly registry?: string;
  /** The repository path (`node`), or a prefix of it ending in `/` (`distroless/`). */
  readonly path: string;
  /** A short name of the images for messages. */
  readonly images: string;
  /** User names and their uids. */
  readonly users: { readonly [name: string]: number };
  /** Where this is documented. */
  readonly source: string;
}

/**
 * The one table of users the analyzer knows base images to define, used to resolve `USER <name>`
 * when no `useradd`/`adduser` in the Dockerfile creates the name. Every tag of the image counts
 * (the entries are in every variant). Extend it only with a documented source, and cite it next
 * to the entry.
 */
export const KNOWN_BASE_USERS: readonly KnownBaseUsers[] = [
  {
    registry: "gcr.io",
    path: "distroless/",
    images: "distroless",
    // https://github.com/GoogleContainerTools/distroless/blob/main/common/variables.bzl
    // (NONROOT = 65532, NOBODY = 65534) and the passwd entries of
    // https://github.com/GoogleContainerTools/distroless/blob/main/common/BUILD.bazel
    users: { nonroot: 65532, nobody: 65534 },
    source:
      "https://github.com/GoogleContainerTools/distroless/blob/main/common/BUILD.bazel (passwd: " +
      "nonroot 65532, nobody 65534, from common/variables.bzl)",
  },
  {
    registry: undefined,
    path: "node",
    images: "the official node",
    // https://github.com/nodejs/docker-node/blob/main/Dockerfile-debian.template
    // (`useradd --uid 1000 --gid node ... node`), Dockerfile-alpine.template
    // (`adduser -u 1000 -G node ... node`) and
    // https://github.com/nodejs/docker-node/blob/main/docs/BestPractices.md#non-root-user
    users: { node: 1000 },
    source:
      "https://github.com/nodejs/docker-node/blob/main/docs/BestPractices.md#non-root-user and " +
      "the image templates (Dockerfile-debian.template: useradd --uid 1000 node)",
  },
];

/** The entry of KNOWN_BASE_USERS for an image, if any. */
export function knownBaseUsers(ref: ImageReference): KnownBaseUsers | undefined {
  return KNOWN_BASE_USERS.find(
    (entry) =>
      ref.registry === entry.registry &&
      (entry.path.endsWith("/") ? ref.path.startsWith(entry.path) : ref.path === entry.path),
  );
}

/** A distroless image as far as the rules care, on any registry (mirrors included). */
export interface DistrolessImage {
  /** `static`, `base`, `cc`, `nodejs22`, ... */
  readonly flavour: string;
  /** Debian major release, when the name says it (`-debian13`). */
  readonly debian?: number;
  /** True for the `debug` tags, which contain a busybox shell. */
  readonly debug: boolean;
}

/** Recognises `.../distroless/<flavour>[-debian<N>]` on any registry. */
export function distrolessImage(ref: ImageReference): DistrolessImage | undefined {
  const parts = ref.path.split("/");
  if (parts.length < 2 || parts[parts.length - 2] !== "distroless") {
    return undefined;
  }
  const name = parts[parts.length - 1];
  const marker = name.lastIndexOf("-debian");
  let flavour = name;
  let debian: number | undefined;
  if (marker > 0) {
    const digits = name.slice(marker + "-debian".length);
    if (digits.length > 0 && [...digits].every((c) => c >= "0" && c <= "9")) {
      flavour = name.slice(0, marker);
      debian = Number(digits);
    }
  }
  const debug = ref.tag !== undefined && (ref.tag === "debug" || ref.tag.startsWith("debug-"));
  return { flavour, debian, debug };
}

/** Debian code names and their major release numbers. */
const DEBIAN_CODENAMES: ReadonlyMap<string, number> = new Map([
  ["buster", 10],
  ["bullseye", 11],
  ["bookworm", 12],
  ["trixie", 13],
  ["forky", 14],
]);

/** The Debian release a code name stands for. */
export function debianCodename(release: number): string | undefined {
  return [...DEBIAN_CODENAMES].find(([, r]) => r === release)?.[0];
}

/**
 * The Debian release of a Rust toolchain image tag that names no release (`rust:1`, `rust:1.91`,
 * `rust:slim`). The Rust official images made trixie the default on 2025-08-19
 * (rust-lang/docker-rust#246), so Rust 1.90 and later (and the floating `1`/`latest` tags) are
 * Debian 13; 1.70 to 1.88 were published on bookworm (Debian 12). Other versions are unknown.
 */
function rustDefaultDebian(version: string): number | undefined {
  const v = version.replace(/-slim$/, "").replace(/^slim$/, "");
  if (v === "" || v === "1" || v === "latest" || v === "stable") {
    return 13;
  }
  const parts = v.split(".");
  if (parts.length < 2 || parts[0] !== "1" || !parts.every((p) => /^[0-9]+$/.test(p))) {
    return undefined;
  }
  const minor = Number(parts[1]);
  if (minor >= 90) {
    return 13;
  }
  if (minor >= 70 && minor <= 88) {
    return 12;
  }
  return undefined;
}

/**
 * The Debian release of a glibc build image, when it can be told from the reference: a Debian
 * code name in the tag (`*-trixie`, `*-bookworm`, ...), `debian:<N>` / `debian:<codename>`, or a
 * Rust toolchain image (`rust`, `lukemathwalker/cargo-chef:*-rust-<version>`) without a code name.
 * Alpine (musl) images and unknown images give undefined.
 */
export function builderDebianRelease(ref: ImageReference): number | undefined {
  const tag = ref.tag ?? "latest";
  const tokens = tag.split("-");
  if (tokens.includes("alpine") || tag.startsWith("alpine")) {
    return undefined;
  }
  for (const token of tokens) {
    const release = DEBIAN_CODENAMES.get(token);
    if (release !== undefined) {
      return release;
    }
  }
  const dockerHub = ref.registry === undefined;
  if (dockerHub && ref.path === "debian") {
    const major = tokens[0].split(".")[0];
    return /^[0-9]+$/.test(major) ? Number(major) : undefined;
  }
  if (dockerHub && ref.path === "rust") {
    return rustDefaultDebian(tag);
  }
  if (dockerHub && ref.path === "lukemathwalker/cargo-chef") {
    const at = tag.indexOf("rust-");
    return at >= 0 ? rustDefaultDebian(tag.slice(at + "rust-".length)) : undefined;
  }
  return undefined;
}
