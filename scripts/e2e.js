#!/usr/bin/env node
/**
 * End-to-end check against a real Google Cloud project (not part of `npm test`):
 *
 *   GOOGLE_CLOUD_PROJECT=my-project [GOOGLE_CLOUD_REGION=europe-west1] npm run e2e
 *
 * 1. deploys the Rust example (`cdktf deploy rust-service`): builds the image on the local
 *    Docker engine, pushes it to Artifact Registry, creates the Cloud Run service;
 * 2. calls the service: `/healthz` must answer, and `/` must report a uid that is not 0;
 * 3. destroys the stack (set E2E_KEEP=1 to keep it).
 *
 * Needs: application-default credentials (`gcloud auth application-default login`), the
 * Artifact Registry, Cloud Run and IAM APIs enabled, and a running Docker engine with the
 * containerd image store turned off. Exits non-zero, saying why, when any of them is missing.
 */
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const STACK = "rust-service";
const ROOT = path.resolve(__dirname, "..");
const env = { ...process.env, CHECKPOINT_DISABLE: "1" };

function fail(message) {
  console.error(`e2e: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  console.log(`e2e: $ ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { cwd: ROOT, env, stdio: "inherit", ...options });
  if (result.error) {
    throw result.error;
  }
  return result.status;
}

function preflight() {
  const project = env.GOOGLE_CLOUD_PROJECT;
  if (!project || project === "my-gcp-project") {
    fail(
      "GOOGLE_CLOUD_PROJECT is not set. The e2e check deploys to a real project: " +
        "GOOGLE_CLOUD_PROJECT=<project id> npm run e2e",
    );
  }
  const docker = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], {
    encoding: "utf8",
  });
  if (docker.error || docker.status !== 0) {
    fail(
      "no Docker engine is reachable (`docker info` failed). The image is built and pushed by " +
        "the local engine: start Docker and try again.",
    );
  }
  const token = spawnSync("gcloud", ["auth", "application-default", "print-access-token"], {
    encoding: "utf8",
  });
  if (!token.error && token.status !== 0) {
    fail("no application-default credentials: run `gcloud auth application-default login` first.");
  }
}

async function getJson(url, attempts = 30) {
  let last;
  for (let i = 0; i < attempts; i++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      const body = await response.text();
      if (response.ok) {
        return JSON.parse(body);
      }
      last = new Error(`${url} answered ${response.status}: ${body.slice(0, 200)}`);
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  throw last;
}

async function check(url) {
  const health = await getJson(`${url}/healthz`);
  if (health.status !== "ok") {
    throw new Error(`/healthz answered ${JSON.stringify(health)}`);
  }
  const info = await getJson(`${url}/`);
  console.log(`e2e: / answered ${JSON.stringify(info)}`);
  if (typeof info.uid !== "number" || info.uid === 0) {
    throw new Error(`the service runs as uid ${info.uid}; expected a non-root uid`);
  }
  if (info.service !== "cloud-run-app") {
    throw new Error(`K_SERVICE is ${JSON.stringify(info.service)}; expected "cloud-run-app"`);
  }
  console.log(`e2e: OK: ${url} runs as uid ${info.uid}, gid ${info.gid}`);
}

async function main() {
  preflight();
  const outputs = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-cloud-run-e2e-")),
    "out.json",
  );
  let failure;
  try {
    const status = run("npx", [
      "cdktf",
      "deploy",
      STACK,
      "--auto-approve",
      "--outputs-file",
      outputs,
      "--outputs-file-include-sensitive-outputs",
    ]);
    if (status !== 0) {
      throw new Error(`cdktf deploy exited with ${status}`);
    }
    const url = JSON.parse(fs.readFileSync(outputs, "utf8"))[STACK].url;
    await check(url);
  } catch (error) {
    failure = error;
  } finally {
    if (env.E2E_KEEP === "1") {
      console.log(`e2e: E2E_KEEP=1: leaving the stack deployed (npx cdktf destroy ${STACK})`);
    } else {
      const status = run("npx", ["cdktf", "destroy", STACK, "--auto-approve"]);
      if (status !== 0 && !failure) {
        failure = new Error(`cdktf destroy exited with ${status}`);
      }
    }
  }
  if (failure) {
    fail(failure.message ?? String(failure));
  }
}

main();
