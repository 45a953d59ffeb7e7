"use strict";
/** Small helpers shared by the provisioning steps. */
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { spawn, spawnSync } = require("child_process");

function log(message) {
  console.log(`provision: ${message}`);
}

/** Runs a command to completion and returns its trimmed stdout, or undefined when it fails. */
function capture(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", ...options });
  if (result.error || result.status !== 0) {
    return undefined;
  }
  return result.stdout.trim();
}

function formatDuration(ms) {
  const seconds = Math.round(ms / 1000);
  return seconds < 60
    ? `${seconds}s`
    : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}

/**
 * Runs a long command with its output in a log file, printing a progress line every 30 s so a
 * build that takes minutes is visibly alive. Resolves to { code, output } (output: the log's
 * last 4000 characters, for error messages).
 */
function runLong(label, command, args, { cwd, env, logFile, heartbeatMs = 30000 } = {}) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, "w");
  const started = Date.now();
  log(`${label} (log: ${logFile})`);
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: env ?? process.env,
      stdio: ["ignore", out, out],
    });
    const timer = setInterval(() => {
      log(`  ... ${label}: ${formatDuration(Date.now() - started)}`);
    }, heartbeatMs);
    const finish = (code) => {
      clearInterval(timer);
      fs.closeSync(out);
      const text = fs.readFileSync(logFile, "utf8");
      log(
        `  ${label}: ${code === 0 ? "done" : `failed (exit ${code})`} in ${formatDuration(Date.now() - started)}`,
      );
      resolve({ code, output: text.slice(-4000) });
    };
    child.on("error", (error) => {
      fs.appendFileSync(logFile, `\n${error.message}\n`);
      finish(127);
    });
    child.on("close", (code) => finish(code ?? 1));
  });
}

/** A short, stable hash of the inputs of a build step: when it changes, the step runs again. */
function inputKey(inputs) {
  return crypto.createHash("sha256").update(JSON.stringify(inputs)).digest("hex").slice(0, 16);
}

/** Writes a file atomically (rename over the old one), so a killed run leaves no half file. */
function writeAtomic(file, content, mode) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content, mode === undefined ? undefined : { mode });
  fs.renameSync(tmp, file);
}

/** Copies `source` to `file` the same way: a temporary file renamed over it, with `mode`. */
function copyAtomic(source, file, mode) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.copyFileSync(source, tmp);
  if (mode !== undefined) {
    fs.chmodSync(tmp, mode);
  }
  fs.renameSync(tmp, file);
}

/** Points `link` at `target`, replacing whatever was there. */
function symlinkForce(target, link) {
  fs.mkdirSync(path.dirname(link), { recursive: true });
  try {
    fs.unlinkSync(link);
  } catch (error) {
    if (error.code !== "ENOENT") {
      throw error;
    }
  }
  fs.symlinkSync(target, link);
}

/** The Go toolchain's version, or undefined when `go` is not on PATH. */
function goVersion() {
  return capture("go", ["env", "GOVERSION"]);
}

module.exports = {
  log,
  capture,
  runLong,
  inputKey,
  writeAtomic,
  copyAtomic,
  symlinkForce,
  goVersion,
  formatDuration,
};
