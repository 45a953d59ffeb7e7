"use strict";
/**
 * Local stand-ins for the base images the generators emit, since no image registry is reachable
 * here. They carry exactly the names in the generated Dockerfiles, so a generated Dockerfile
 * builds unchanged:
 *
 *   gcr.io/distroless/cc-debian13:nonroot       glibc, libgcc, libstdc++, libssl, CA certificates, tzdata
 *   gcr.io/distroless/static-debian13:nonroot   CA certificates, tzdata (no libc)
 *   lukemathwalker/cargo-chef:latest-rust-<v>-trixie
 *                                               Debian trixie with gcc and libc6-dev, the machine's Rust
 *                                               toolchain, cargo-chef from crates.io, a pre-fetched Cargo
 *                                               registry for the example, CARGO_NET_OFFLINE=true
 *
 * All are made from one Debian trixie root filesystem (debootstrap, minbase) and imported with
 * `docker import`. The distroless stand-ins hold what distroless ships for that flavour and
 * nothing more: no shell, no package manager; /etc/passwd and /etc/group with root, nonroot
 * (65532) and nobody (65534); image config `User: "65532"`. Each image is rebuilt only when its
 * inputs change (a key recorded under <cache>/images/).
 */
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");
const { capture, inputKey, log, runLong, writeAtomic } = require("./util");
const { CARGO_CHEF, DEBIAN } = require("./versions");

const ROOTFS_PACKAGES = [
  "ca-certificates",
  "tzdata",
  "netbase",
  "libssl3t64",
  "libgcc-s1",
  "libstdc++6",
  "gcc",
  "libc6-dev",
];

/** What each distroless flavour holds, as Debian packages (distroless' own package lists). */
const DISTROLESS = {
  static: ["ca-certificates", "tzdata", "netbase", "base-files"],
  cc: [
    "ca-certificates",
    "tzdata",
    "netbase",
    "base-files",
    "libc6",
    "libssl3t64",
    "libgcc-s1",
    "libstdc++6",
    "zlib1g",
  ],
};

const PASSWD = [
  "root:x:0:0:root:/root:/sbin/nologin",
  "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin",
  "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin",
  "",
].join("\n");
const GROUP = [
  "root:x:0:",
  "nobody:x:65534:",
  "tty:x:5:",
  "staff:x:50:",
  "nonroot:x:65532:",
  "",
].join("\n");
const NSSWITCH =
  "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n";
const PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    ...options,
  });
  if (result.error || result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed: ${(result.stderr || result.error?.message || "").trim().slice(-2000)}`,
    );
  }
  return result.stdout;
}

function imageExists(env, name) {
  return spawnSync("docker", ["image", "inspect", name], { env, stdio: "ignore" }).status === 0;
}

function keyFile(cache, name) {
  return path.join(cache, "images", `${name.replace(/[/:]/g, "_")}.key`);
}

function upToDate(cache, env, name, key) {
  try {
    return fs.readFileSync(keyFile(cache, name), "utf8").trim() === key && imageExists(env, name);
  } catch {
    return false;
  }
}

/** The Debian trixie root filesystem everything is made from. */
async function rootfs(cache) {
  const dir = path.join(cache, "rootfs", DEBIAN.suite);
  const key = inputKey({ DEBIAN, ROOTFS_PACKAGES });
  const stamp = `${dir}.key`;
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8").trim() === key) {
    return { dir, key };
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const result = await runLong(
    `debootstrap ${DEBIAN.suite} (minbase + ${ROOTFS_PACKAGES.join(",")})`,
    "debootstrap",
    [
      "--variant=minbase",
      `--include=${ROOTFS_PACKAGES.join(",")}`,
      DEBIAN.suite,
      dir,
      DEBIAN.mirror,
    ],
    { logFile: path.join(cache, "logs", "debootstrap.log") },
  );
  if (result.code !== 0) {
    throw new Error(
      `debootstrap failed: ${result.output.trim().split("\n").slice(-5).join(" | ")}`,
    );
  }
  // Nothing of the host's apt state belongs in an image.
  fs.rmSync(path.join(dir, "var", "cache", "apt", "archives"), { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, "var", "cache", "apt", "archives", "partial"), { recursive: true });
  writeAtomic(stamp, `${key}\n`);
  return { dir, key };
}

/** The files of Debian packages installed in the root filesystem (docs and manuals left out). */
function packageFiles(root, packages) {
  const files = new Set();
  for (const pkg of packages) {
    const listed = run("dpkg-query", [
      `--admindir=${path.join(root, "var", "lib", "dpkg")}`,
      "-L",
      pkg,
    ]);
    for (const line of listed.split("\n")) {
      const file = line.trim();
      if (
        file === "" ||
        file === "/." ||
        /^\/usr\/share\/(man|info|lintian|doc(?!\/[^/]+\/copyright$))/.test(file)
      ) {
        continue;
      }
      // Directories come with their files; a listed path that is gone is skipped.
      const stat = fs.lstatSync(path.join(root, file), { throwIfNoEntry: false });
      if (stat !== undefined && !stat.isDirectory()) {
        files.add(file.replace(/^\//, ""));
      }
    }
  }
  return [...files].sort();
}

function isLink(file) {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Writes the distroless file system of a flavour into `dir`. */
function distrolessTree(root, flavour, dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // Files the packages' maintainer scripts generate (not in their file lists), as distroless has them.
  const generated = ["etc/ssl/certs/ca-certificates.crt"].filter((f) =>
    fs.existsSync(path.join(root, f)),
  );
  const files = [...packageFiles(root, DISTROLESS[flavour]), ...generated];
  const list = path.join(`${dir}.files`);
  fs.writeFileSync(list, files.join("\n") + "\n");
  // tar keeps modes, owners and symlinks; -h is not used, so links stay links.
  run("sh", [
    "-c",
    `tar -C "$1" --no-recursion -cf - -T "$2" | tar -C "$3" -xf -`,
    "sh",
    root,
    list,
    dir,
  ]);
  fs.rmSync(list, { force: true });
  // Merged /usr, as in Debian trixie: the dynamic loader is found at /lib64.
  for (const link of ["bin", "sbin", "lib", "lib64"]) {
    const target = path.join(dir, "usr", link);
    fs.mkdirSync(target, { recursive: true });
    // base-files ships these links in trixie; make any it did not.
    if (!fs.existsSync(path.join(dir, link)) && !isLink(path.join(dir, link))) {
      fs.symlinkSync(`usr/${link}`, path.join(dir, link));
    }
  }
  fs.mkdirSync(path.join(dir, "etc"), { recursive: true });
  fs.writeFileSync(path.join(dir, "etc", "passwd"), PASSWD);
  fs.writeFileSync(path.join(dir, "etc", "group"), GROUP);
  fs.writeFileSync(path.join(dir, "etc", "nsswitch.conf"), NSSWITCH);
  fs.mkdirSync(path.join(dir, "tmp"), { recursive: true });
  fs.chmodSync(path.join(dir, "tmp"), 0o1777);
  fs.mkdirSync(path.join(dir, "root"), { recursive: true, mode: 0o700 });
  fs.mkdirSync(path.join(dir, "home", "nonroot"), { recursive: true, mode: 0o700 });
  fs.chownSync(path.join(dir, "home", "nonroot"), 65532, 65532);
  for (const forbidden of [
    "bin/sh",
    "usr/bin/sh",
    "usr/bin/dash",
    "usr/bin/bash",
    "usr/bin/apt",
    "usr/bin/dpkg",
  ]) {
    if (fs.existsSync(path.join(dir, forbidden))) {
      throw new Error(`the ${flavour} stand-in would contain /${forbidden}`);
    }
  }
}

function imageId(env, name) {
  const result = spawnSync("docker", ["image", "inspect", "--format", "{{.Id}}", name], {
    env,
    encoding: "utf8",
  });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/**
 * `docker import` of a directory as an image with the given config changes. The image it
 * replaces under that name is removed (vfs keeps every image in full), unless a container uses it.
 */
function importTree(env, dir, name, changes) {
  const previous = imageId(env, name);
  const args = [
    "import",
    "--platform",
    "linux/amd64",
    ...changes.flatMap((c) => ["--change", c]),
    "-",
    name,
  ];
  run(
    "sh",
    [
      "-c",
      `dir="$1"; shift; tar --numeric-owner -C "$dir" -cf - . | docker "$@"`,
      "sh",
      dir,
      ...args,
    ],
    { env },
  );
  if (previous !== undefined && previous !== imageId(env, name)) {
    spawnSync("docker", ["rmi", previous], { env, stdio: "ignore" });
  }
}

async function distroless(cache, env, root, flavour) {
  const name = `gcr.io/distroless/${flavour}-${DEBIAN.distrolessSuffix}:nonroot`;
  const key = inputKey({
    root: root.key,
    flavour,
    packages: DISTROLESS[flavour],
    PASSWD,
    GROUP,
    NSSWITCH,
    v: 2,
  });
  if (upToDate(cache, env, name, key)) {
    log(`image ${name}: cached`);
    return name;
  }
  log(`image ${name}: making the local stand-in`);
  const dir = path.join(cache, "images", `distroless-${flavour}`);
  distrolessTree(root.dir, flavour, dir);
  importTree(env, dir, name, [
    "USER 65532",
    "WORKDIR /home/nonroot",
    `ENV ${PATH_ENV}`,
    "ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
  ]);
  fs.rmSync(dir, { recursive: true, force: true });
  writeAtomic(keyFile(cache, name), `${key}\n`);
  return name;
}

/** cargo-chef, built from crates.io for the host (it runs in the trixie builder unchanged). */
async function cargoChef(cache) {
  const root = path.join(cache, "cargo-chef", CARGO_CHEF.version);
  const binary = path.join(root, "bin", "cargo-chef");
  if (fs.existsSync(binary)) {
    return binary;
  }
  const result = await runLong(
    `cargo install cargo-chef ${CARGO_CHEF.version}`,
    "cargo",
    ["install", "cargo-chef", "--version", CARGO_CHEF.version, "--locked", "--root", root],
    { logFile: path.join(cache, "logs", "cargo-chef.log") },
  );
  if (result.code !== 0) {
    throw new Error(
      `cargo install cargo-chef failed: ${result.output.trim().split("\n").slice(-5).join(" | ")}`,
    );
  }
  return binary;
}

/** The Rust toolchain of this machine, as it is copied into the builder (no docs, no extras). */
function rustToolchain() {
  const sysroot = capture("rustc", ["--print", "sysroot"]);
  const version = capture("rustc", ["--version"]);
  if (!sysroot || !version) {
    throw new Error(
      "rustc is not on PATH (the cargo-chef builder carries the machine's Rust toolchain)",
    );
  }
  const match = /^rustc (\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) {
    throw new Error(`cannot read the Rust version from ${JSON.stringify(version)}`);
  }
  const host = capture("rustc", ["-vV"]).match(/^host: (.+)$/m)[1];
  return {
    sysroot,
    version: `${match[1]}.${match[2]}.${match[3]}`,
    minor: `${match[1]}.${match[2]}`,
    host,
  };
}

/** The Cargo home the builder's crates are downloaded into (a cache kept between runs). */
function cargoHomeDir(cache) {
  return path.join(cache, "cargo-home");
}

/**
 * The Cargo registry files the lock files need, as paths relative to a Cargo home: the crates.io
 * index entries and the `.crate` archives of every registry package the lock files name (for all
 * targets), plus the index's `config.json`. They are fetched on this machine into
 * `<cache>/cargo-home`, a download cache shared by every run (`cargo fetch` downloads only what
 * it lacks); the builder gets exactly these files, so crates of an earlier lock file never reach
 * it. Cargo unpacks the archives itself when it builds (offline).
 */
async function cargoRegistry(cache, manifests) {
  const home = cargoHomeDir(cache);
  fs.mkdirSync(home, { recursive: true });
  const env = { ...process.env, CARGO_HOME: home };
  const wanted = new Map(); // package id -> { name, version }
  for (const manifest of manifests) {
    const result = await runLong(
      `cargo fetch --locked (${path.relative(process.cwd(), manifest)})`,
      "cargo",
      ["fetch", "--locked", "--manifest-path", manifest],
      { env, logFile: path.join(cache, "logs", "cargo-fetch.log") },
    );
    if (result.code !== 0) {
      throw new Error(
        `cargo fetch failed: ${result.output.trim().split("\n").slice(-5).join(" | ")}`,
      );
    }
    const metadata = JSON.parse(
      run(
        "cargo",
        ["metadata", "--format-version", "1", "--locked", "--offline", "--manifest-path", manifest],
        { env },
      ),
    );
    for (const pkg of metadata.packages) {
      if ((pkg.source ?? "").startsWith("git+")) {
        throw new Error(
          `${manifest}: ${pkg.name} comes from git (${pkg.source}); the builder carries crates.io packages only`,
        );
      }
      if ((pkg.source ?? "").startsWith("registry+")) {
        wanted.set(pkg.id, { name: pkg.name, version: pkg.version });
      }
    }
  }
  const files = [];
  const indexRoot = path.join(home, "registry", "index");
  for (const registry of fs.existsSync(indexRoot) ? fs.readdirSync(indexRoot) : []) {
    const index = path.join("registry", "index", registry);
    if (fs.existsSync(path.join(home, index, "config.json"))) {
      files.push(path.join(index, "config.json"));
    }
    const names = new Set([...wanted.values()].map((c) => c.name.toLowerCase()));
    const entries = fs.existsSync(path.join(home, index, ".cache"))
      ? fs.readdirSync(path.join(home, index, ".cache"), { recursive: true })
      : [];
    for (const entry of entries) {
      const file = path.join(home, index, ".cache", entry);
      if (names.has(path.basename(entry)) && fs.statSync(file).isFile()) {
        files.push(path.join(index, ".cache", entry));
      }
    }
    for (const { name, version } of wanted.values()) {
      const archive = path.join("registry", "cache", registry, `${name}-${version}.crate`);
      if (fs.existsSync(path.join(home, archive))) {
        files.push(archive);
      }
    }
  }
  const archives = files.filter((f) => f.endsWith(".crate")).length;
  if (archives !== wanted.size) {
    throw new Error(
      `cargo fetch left ${wanted.size - archives} of the ${wanted.size} locked crates out of ${home}`,
    );
  }
  return { home, files: files.sort(), crates: wanted.size };
}

/** The lock files of the manifests, as they are: the builder's registry is keyed on them. */
function lockfileKeys(manifests) {
  return manifests.map((m) => {
    try {
      return fs.readFileSync(path.join(path.dirname(m), "Cargo.lock"), "utf8");
    } catch {
      return "";
    }
  });
}

async function cargoChefBuilder(cache, env, root, manifests) {
  const rust = rustToolchain();
  const name = `lukemathwalker/cargo-chef:latest-rust-${rust.minor}-${DEBIAN.suite}`;
  const key = inputKey({
    root: root.key,
    rust: rust.version,
    chef: CARGO_CHEF.version,
    locks: lockfileKeys(manifests),
    v: 2,
  });
  if (upToDate(cache, env, name, key)) {
    log(`image ${name}: cached`);
    return { name, rust: rust.version };
  }
  const chef = await cargoChef(cache);
  const registry = await cargoRegistry(cache, manifests);
  log(
    `image ${name}: making the local stand-in (Rust ${rust.version}, cargo-chef ${CARGO_CHEF.version}, ${registry.crates} crates)`,
  );
  const dir = path.join(cache, "images", "cargo-chef");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // The root filesystem as it is, then the toolchain in /usr/local/rust and Cargo's home.
  run("sh", ["-c", `tar -C "$1" -cf - . | tar -C "$2" -xf -`, "sh", root.dir, dir]);
  const rustDir = path.join(dir, "usr", "local", "rust");
  const libTarget = path.join("lib", "rustlib", rust.host);
  fs.mkdirSync(path.join(rustDir, "bin"), { recursive: true });
  const keep = [
    "bin/cargo",
    "bin/rustc",
    libTarget,
    ...fs
      .readdirSync(path.join(rust.sysroot, "lib"))
      .filter((f) => f.endsWith(".so") || f.includes(".so."))
      .map((f) => `lib/${f}`),
  ];
  run("sh", [
    "-c",
    'src="$1"; dst="$2"; shift 2; tar -C "$src" -cf - "$@" | tar -C "$dst" -xf -',
    "sh",
    rust.sysroot,
    rustDir,
    ...keep,
  ]);
  const cargoDir = path.join(dir, "usr", "local", "cargo");
  fs.mkdirSync(path.join(cargoDir, "bin"), { recursive: true });
  fs.copyFileSync(chef, path.join(cargoDir, "bin", "cargo-chef"));
  fs.chmodSync(path.join(cargoDir, "bin", "cargo-chef"), 0o755);
  if (registry.files.length > 0) {
    const list = `${dir}.registry-files`;
    fs.writeFileSync(list, registry.files.join("\n") + "\n");
    run("sh", [
      "-c",
      'tar -C "$1" -cf - -T "$2" | tar -C "$3" -xf -',
      "sh",
      registry.home,
      list,
      cargoDir,
    ]);
    fs.rmSync(list, { force: true });
  }
  fs.writeFileSync(path.join(cargoDir, "config.toml"), "[net]\noffline = true\n");
  importTree(env, dir, name, [
    `ENV PATH=/usr/local/cargo/bin:/usr/local/rust/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    "ENV CARGO_HOME=/usr/local/cargo",
    "ENV CARGO_NET_OFFLINE=true",
    "WORKDIR /",
  ]);
  fs.rmSync(dir, { recursive: true, force: true });
  writeAtomic(keyFile(cache, name), `${key}\n`);
  return { name, rust: rust.version };
}

/**
 * Makes every stand-in that is missing or out of date. `manifests`: the Cargo.toml files whose
 * crates the builder must carry (the Rust example's).
 */
async function provisionImages(cache, dockerEnv, manifests) {
  const root = await rootfs(cache);
  const images = {};
  for (const flavour of ["cc", "static"]) {
    images[`distroless-${flavour}`] = await distroless(cache, dockerEnv, root, flavour);
  }
  const builder = await cargoChefBuilder(cache, dockerEnv, root, manifests);
  images["cargo-chef"] = builder.name;
  return { images, rust: builder.rust };
}

module.exports = { provisionImages, packageFiles, cargoHomeDir, PASSWD, DISTROLESS };
