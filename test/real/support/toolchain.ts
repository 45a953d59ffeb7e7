/**
 * The toolchain `npm run provision` made (DESIGN.md §2 "Real toolchain"), as the real-run tests
 * see it. Nothing here skips: a missing piece is an error that names it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface ProviderRecord {
  readonly source: string;
  readonly version: string;
  readonly pinned: boolean;
  readonly status: "cached" | "built" | "local" | "substitute" | "unavailable";
  readonly from?: string;
  readonly errors: string[];
  readonly substitute?: { readonly version: string; readonly from: string };
}

export interface Manifest {
  readonly cache: string;
  readonly terraform: {
    readonly binaryName: string;
    readonly path: string;
    readonly version: string;
  };
  readonly providers: ProviderRecord[];
  readonly scanners: { [name: string]: { readonly path?: string; readonly version?: string } };
  readonly docker?: { readonly host?: string };
}

export function cacheDir(): string {
  return process.env.CDKTF_CLOUD_RUN_CACHE || path.join(os.homedir(), ".cache", "cdktf-cloud-run");
}

let loaded: { manifest: Manifest; env: NodeJS.ProcessEnv } | undefined;

/**
 * The provisioned toolchain and the environment to run its tools with (env.json applied over
 * this process's environment). Throws, naming what is missing, when it was not provisioned.
 */
export function toolchain(): { manifest: Manifest; env: NodeJS.ProcessEnv } {
  if (loaded !== undefined) {
    return loaded;
  }
  const cache = cacheDir();
  const read = <T>(name: string): T => {
    const file = path.join(cache, name);
    try {
      return JSON.parse(fs.readFileSync(file, "utf8")) as T;
    } catch {
      throw new Error(
        `The real toolchain is not provisioned (${file} is missing): run npm run provision`,
      );
    }
  };
  const manifest = read<Manifest>("toolchain.json");
  const written = read<{ env: { [k: string]: string }; pathPrepend: string[] }>("env.json");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...written.env,
    PATH: [...written.pathPrepend, process.env.PATH ?? ""].join(path.delimiter),
  };
  loaded = { manifest, env };
  return loaded;
}

/**
 * The version of a provider the tests run: the pinned release when the mirror has it, else the
 * substitute provision built (the docker provider's newest served commit). Throws with the
 * recorded reasons when there is neither.
 */
export function providerVersion(source: string, pinnedOnly = true): string {
  const records = toolchain().manifest.providers.filter(
    (p) => p.source === source && (!pinnedOnly || p.pinned),
  );
  for (const record of records) {
    if (record.status === "substitute" && record.substitute) {
      return record.substitute.version;
    }
    if (record.status !== "unavailable") {
      return record.version;
    }
  }
  const reasons = records.flatMap((r) => r.errors).join("; ");
  throw new Error(
    `provider ${source} is not in the provisioned mirror: ${reasons || "not provisioned"}. ` +
      "Run npm run provision and see its MISSING list.",
  );
}

/** The non-pinned provider versions the mirror holds for a source (compatibility checks). */
export function extraProviderVersions(source: string): string[] {
  return toolchain()
    .manifest.providers.filter(
      (p) => p.source === source && !p.pinned && p.status !== "unavailable",
    )
    .map((p) => p.version);
}

/** A provisioned executable on the toolchain's PATH (terraform/tofu, checkov, hadolint). */
export function tool(name: "terraform" | "checkov" | "hadolint"): string {
  const { manifest } = toolchain();
  if (name === "terraform") {
    return manifest.terraform.path;
  }
  const scanner = manifest.scanners[name];
  if (!scanner?.path) {
    throw new Error(`${name} is not provisioned: run npm run provision and see its MISSING list`);
  }
  return scanner.path;
}
