"use strict";
/** Small helpers shared by the benchmark runner and its child processes. */
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const LIB = path.join(ROOT, "lib");
const TMP = path.join(__dirname, "tmp");
const CHILDREN = path.join(__dirname, "children");
const MB = 1024 * 1024;

/** Median of a list of numbers (mean of the two middle values for an even count). */
function median(values) {
  if (values.length === 0) {
    return NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds elapsed since `start` (a `process.hrtime.bigint()` value). */
function msSince(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Runs `node <script> <json args>` in a fresh process and returns the JSON object the child
 * prints as its last stdout line, plus `wallMs` (spawn to exit, as seen by the parent).
 */
function runChild(script, args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(
    process.execPath,
    [...(options.nodeArgs ?? []), path.join(CHILDREN, script), JSON.stringify(args)],
    {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...(options.env ?? {}) },
      encoding: "utf8",
      maxBuffer: 64 * MB,
    },
  );
  const wallMs = msSince(start);
  if (result.error) {
    throw result.error;
  }
  if (result.status !== 0) {
    throw new Error(
      `bench: child ${script} ${JSON.stringify(args)} exited with ${result.status}:\n${result.stderr}`,
    );
  }
  const lines = result.stdout.trim().split("\n");
  return { ...JSON.parse(lines[lines.length - 1]), wallMs };
}

/** Runs a shell command and returns its wall time in milliseconds; throws on failure. */
function timeShell(command, cwd) {
  const start = process.hrtime.bigint();
  const result = spawnSync("sh", ["-c", command], { cwd, encoding: "utf8", maxBuffer: 64 * MB });
  const ms = msSince(start);
  if (result.error) {
    throw result.error;
  }
  if (result.status !== 0) {
    throw new Error(`bench: \`${command}\` exited with ${result.status}:\n${result.stderr}`);
  }
  return ms;
}

/** All files below `dir` whose names end with `suffix`, sorted. */
function listFiles(dir, suffix) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(...listFiles(full, suffix));
    } else if (entry.isFile() && entry.name.endsWith(suffix)) {
      out.push(full);
    }
  }
  return out.sort();
}

/** Formats a number with a fixed number of decimals. */
function fixed(value, decimals = 0) {
  return Number.isFinite(value) ? value.toFixed(decimals) : "-";
}

/** Renders rows (arrays of strings) as a Markdown table with aligned columns. */
function markdownTable(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => String(row[i]).length)));
  const line = (row) => `| ${row.map((cell, i) => String(cell).padEnd(widths[i])).join(" | ")} |`;
  return [
    line(header),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.map(line),
  ].join("\n");
}

module.exports = {
  ROOT,
  LIB,
  TMP,
  MB,
  median,
  msSince,
  runChild,
  timeShell,
  listFiles,
  fixed,
  markdownTable,
};
