/**
 * Options for `Dockerfile.rustCargoChef()`: a four-stage cargo-chef build (planner, cacher,
 * builder, final) of one Rust binary onto a distroless Debian 13 runtime that runs as uid 65532.
 *
 * The build context is the Cargo project (or workspace) root; add `target/` to its
 * `.dockerignore` so a local build directory is neither sent to Docker nor copied over the
 * cached one.
 */
export interface RustCargoChefOptions {
  /**
   * The Cargo binary target to build and run (`cargo build --bin <binaryName>`).
   * Letters, digits, `-` and `_`, starting with a letter or digit.
   * @default "cloud-run-app"
   */
  readonly binaryName?: string;

  /**
   * The Rust toolchain version, e.g. "1.91" or "1.91.1". It selects the builder image
   * `lukemathwalker/cargo-chef:latest-rust-<rustVersion>-trixie` (Debian 13, the same release as
   * the runtime).
   * @default "1.95"
   */
  readonly rustVersion?: string;

  /**
   * The port the binary listens on (Cloud Run passes it in `PORT`); written as `EXPOSE`.
   * @default 8080
   */
  readonly port?: number;

  /**
   * Cargo features to enable, passed as `--features` to both `cargo chef cook` and `cargo build`.
   * @default - the default features only
   */
  readonly features?: string[];

  /**
   * Build a static binary for `x86_64-unknown-linux-musl` and run it on
   * `gcr.io/distroless/static-debian13:nonroot` instead of glibc on
   * `gcr.io/distroless/cc-debian13:nonroot`.
   * @default false
   */
  readonly musl?: boolean;

  /**
   * The working directory of every stage; the binary is copied to `<workdir>/<binaryName>`.
   * An absolute path.
   * @default "/app"
   */
  readonly workdir?: string;
}

/**
 * Options for `Dockerfile.nodeDistroless()`: production dependencies installed with
 * `npm ci --omit=dev` in a `node:<version>-trixie-slim` builder stage, and the application run by
 * `gcr.io/distroless/nodejs<version>-debian13:nonroot` as uid 65532.
 *
 * The build context is the package root and must contain `package.json` and `package-lock.json`;
 * add `node_modules/` to its `.dockerignore`.
 */
export interface NodeDistrolessOptions {
  /**
   * The script Node.js runs (the image's entrypoint is `node`), relative to `workdir` or absolute.
   * @default "index.js"
   */
  readonly entryScript?: string;

  /**
   * The Node.js major version: "22" or "24" (the versions distroless publishes for Debian 13).
   * @default "22"
   */
  readonly nodeVersion?: string;

  /**
   * The port the application listens on (Cloud Run passes it in `PORT`); written as `EXPOSE`.
   * @default 8080
   */
  readonly port?: number;

  /**
   * The working directory of both stages. An absolute path.
   * @default "/app"
   */
  readonly workdir?: string;
}
