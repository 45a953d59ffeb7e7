"use strict";
/**
 * A Docker engine: the user's when one answers (DOCKER_HOST, or the default socket); else
 * Debian's docker.io started privately, with its own data root, exec root, socket and pid file
 * under <cache>/docker, vfs storage and no iptables rules. The private engine stays up for later
 * runs until `npm run provision -- --stop`.
 */
const fs = require("fs");
const path = require("path");
const { spawn, spawnSync } = require("child_process");
const { capture, log, runLong } = require("./util");

/** The bridge subnet of the private engine: a /24 nothing else on these machines uses. */
const BRIDGE_IP = "10.213.7.1/24";

function engineDir(cache) {
  return path.join(cache, "docker");
}

function privateSocket(cache) {
  return path.join(engineDir(cache), "docker.sock");
}

function pidFile(cache) {
  return path.join(engineDir(cache), "dockerd.pid");
}

/** The engine's version when `docker` reaches one at `host` (undefined host: the default). */
function answers(host) {
  const env = { ...process.env };
  if (host === undefined) {
    delete env.DOCKER_HOST;
  } else {
    env.DOCKER_HOST = host;
  }
  return capture("docker", ["version", "--format", "{{.Server.Version}}"], { env, timeout: 15000 });
}

function readPid(cache) {
  try {
    const pid = Number(fs.readFileSync(pidFile(cache), "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Installs Debian packages that are missing (root: apt-get as it is here). */
async function aptInstall(cache, packages, commandOf) {
  const missing = packages.filter(
    (pkg) => !commandOf[pkg] || capture("sh", ["-c", `command -v ${commandOf[pkg]}`]) === undefined,
  );
  if (missing.length === 0) {
    return {};
  }
  if (process.getuid && process.getuid() !== 0) {
    return {
      error: `${missing.join(", ")} not installed, and installing Debian packages needs root: sudo apt-get install ${missing.join(" ")}`,
    };
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const update = await runLong("apt-get update", "apt-get", ["update"], {
    env,
    logFile: path.join(cache, "logs", "apt-update.log"),
  });
  if (update.code !== 0) {
    return {
      error: `apt-get update failed: ${update.output.trim().split("\n").slice(-3).join(" | ")}`,
    };
  }
  const install = await runLong(
    `apt-get install ${missing.join(" ")}`,
    "apt-get",
    ["install", "-y", "--no-install-recommends", ...missing],
    {
      env,
      logFile: path.join(cache, "logs", "apt-install.log"),
    },
  );
  if (install.code !== 0) {
    return {
      error: `apt-get install ${missing.join(" ")} failed: ${install.output.trim().split("\n").slice(-3).join(" | ")}`,
    };
  }
  return {};
}

async function startPrivateEngine(cache) {
  const dir = engineDir(cache);
  const socket = privateSocket(cache);
  const host = `unix://${socket}`;
  const pid = readPid(cache);
  if (pid !== undefined && alive(pid) && answers(host)) {
    return { host, pid, reused: true };
  }
  const dockerd = capture("sh", ["-c", "command -v dockerd"]);
  if (!dockerd) {
    return { error: "dockerd is not installed (Debian package docker.io)" };
  }
  fs.mkdirSync(path.join(dir, "data"), { recursive: true });
  fs.mkdirSync(path.join(dir, "exec"), { recursive: true });
  fs.rmSync(socket, { force: true });
  fs.rmSync(pidFile(cache), { force: true });
  const logFile = path.join(cache, "logs", "dockerd.log");
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, "a");
  const args = [
    "--data-root",
    path.join(dir, "data"),
    "--exec-root",
    path.join(dir, "exec"),
    "--host",
    host,
    "--pidfile",
    pidFile(cache),
    "--storage-driver=vfs",
    "--iptables=false",
    "--ip-masq=false",
    "--bip",
    BRIDGE_IP,
  ];
  log(`docker: starting a private engine: dockerd ${args.join(" ")} (log: ${logFile})`);
  const child = spawn(dockerd, args, { detached: true, stdio: ["ignore", out, out] });
  child.unref();
  fs.closeSync(out);
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    if (answers(host)) {
      return { host, pid: readPid(cache) ?? child.pid, reused: false };
    }
    if (child.exitCode !== null || !alive(child.pid)) {
      break;
    }
    spawnSync("sleep", ["0.5"]);
  }
  const tail = fs.readFileSync(logFile, "utf8").trim().split("\n").slice(-5).join(" | ");
  return { error: `the private engine did not answer within 60 s: ${tail}` };
}

/**
 * The engine to use: { host, version, private, pid? } or { error }. The user's engine is
 * preferred; the private one is started only when none answers.
 */
async function provisionDocker(cache) {
  if (!capture("sh", ["-c", "command -v docker"])) {
    const installed = await aptInstall(cache, ["docker.io"], { "docker.io": "docker" });
    if (installed.error) {
      return { error: installed.error };
    }
  }
  const userHost = process.env.DOCKER_HOST;
  if (userHost && !userHost.includes(privateSocket(cache))) {
    const version = answers(userHost);
    if (version) {
      log(`docker: the engine at DOCKER_HOST=${userHost} (${version})`);
      return { host: userHost, version, private: false };
    }
    log(`docker: DOCKER_HOST=${userHost} does not answer`);
  }
  if (fs.existsSync("/var/run/docker.sock")) {
    const version = answers("unix:///var/run/docker.sock");
    if (version) {
      log(`docker: the engine at /var/run/docker.sock (${version})`);
      return { host: "unix:///var/run/docker.sock", version, private: false };
    }
  }
  const installed = await aptInstall(cache, ["docker.io"], { "docker.io": "dockerd" });
  if (installed.error) {
    return { error: installed.error };
  }
  const engine = await startPrivateEngine(cache);
  if (engine.error) {
    log(`docker: UNAVAILABLE: ${engine.error}`);
    return { error: engine.error };
  }
  const version = answers(engine.host);
  log(
    `docker: private engine ${engine.reused ? "already running" : "started"} (pid ${engine.pid}, ${version}, ${engine.host})`,
  );
  return { host: engine.host, version, private: true, pid: engine.pid };
}

/** Stops the private engine, if this cache started one. */
function stopPrivateEngine(cache) {
  const pid = readPid(cache);
  if (pid === undefined || !alive(pid)) {
    log("docker: no private engine is running");
    return 0;
  }
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 30000;
  while (alive(pid) && Date.now() < deadline) {
    spawnSync("sleep", ["0.2"]);
  }
  if (alive(pid)) {
    process.kill(pid, "SIGKILL");
  }
  log(`docker: private engine stopped (pid ${pid})`);
  return 0;
}

/** Disk used by the private engine's data root, in MiB. */
function engineDiskMiB(cache) {
  const du = capture("du", ["-sm", path.join(engineDir(cache), "data")]);
  return du ? Number(du.split(/\s+/)[0]) : undefined;
}

module.exports = { provisionDocker, stopPrivateEngine, engineDiskMiB, aptInstall, answers };
