/**
 * Google Cloud locations: the format of a region, and the locations known to host Cloud Run
 * services and Artifact Registry repositories. This module is not re-exported by
 * `src/index.ts`.
 *
 * Regions are `<area>-<direction><number>`, e.g. `europe-west1`, `us-central1`,
 * `northamerica-northeast2`, `europe-west12` (https://cloud.google.com/about/locations). Artifact
 * Registry also has the multi-regions `us`, `europe` and `asia`
 * (https://cloud.google.com/artifact-registry/docs/repositories/repo-locations); Cloud Run
 * services are regional only.
 *
 * A well-formed location that is not in the lists below is only a WARNING (see
 * {@link warnUnknownLocation}): Google adds regions, and a list in a library always lags.
 * @internal
 */
import { Annotations } from "cdktf";
import { IConstruct } from "constructs";
import { isUnresolved } from "./check";
import { perApp } from "./singletons";

const REGION_PATTERN = /^[a-z]+(-[a-z]+)+[0-9]{1,2}$/;

/** Artifact Registry's multi-region locations. @internal */
export const ARTIFACT_REGISTRY_MULTI_REGIONS: readonly string[] = ["us", "europe", "asia"];

/**
 * True for a Google Cloud region such as `europe-west1` (not a zone, not a multi-region).
 * @internal
 */
export function isGcpRegion(value: unknown): boolean {
  return typeof value === "string" && REGION_PATTERN.test(value);
}

// ---------------------------------------------------------------------------------------------
// Known locations. Update all of this block together, with the date.

/** The day the lists below were taken from their sources. @internal */
export const KNOWN_LOCATIONS_DATE = "2026-12-06";

/**
 * The regions of Cloud Run services and jobs.
 *
 * Source: https://cloud.google.com/run/docs/locations ("Cloud Run locations", Tier 1 and Tier 2
 * pricing lists), taken on {@link KNOWN_LOCATIONS_DATE}; `europe-north2` (Stockholm) and
 * `northamerica-south1` (Querétaro) from https://cloud.google.com/about/locations, where they
 * are listed with Cloud Run. Sorted by name.
 * @internal
 */
export const CLOUD_RUN_REGIONS: readonly string[] = [
  "africa-south1",
  "asia-east1",
  "asia-east2",
  "asia-northeast1",
  "asia-northeast2",
  "asia-northeast3",
  "asia-south1",
  "asia-south2",
  "asia-southeast1",
  "asia-southeast2",
  "australia-southeast1",
  "australia-southeast2",
  "europe-central2",
  "europe-north1",
  "europe-north2",
  "europe-southwest1",
  "europe-west1",
  "europe-west10",
  "europe-west12",
  "europe-west2",
  "europe-west3",
  "europe-west4",
  "europe-west6",
  "europe-west8",
  "europe-west9",
  "me-central1",
  "me-central2",
  "me-west1",
  "northamerica-northeast1",
  "northamerica-northeast2",
  "northamerica-south1",
  "southamerica-east1",
  "southamerica-west1",
  "us-central1",
  "us-east1",
  "us-east4",
  "us-east5",
  "us-south1",
  "us-west1",
  "us-west2",
  "us-west3",
  "us-west4",
];

/**
 * The locations of Artifact Registry repositories: the multi-regions, then the regions.
 *
 * Source: https://cloud.google.com/artifact-registry/docs/repositories/repo-locations, which
 * names the multi-regions `us`, `europe` and `asia` and defers the list of regions to
 * `gcloud artifacts locations list`; Artifact Registry is offered in every region of
 * https://cloud.google.com/about/locations, which are the Cloud Run regions above (taken on
 * {@link KNOWN_LOCATIONS_DATE}).
 * @internal
 */
export const ARTIFACT_REGISTRY_LOCATIONS: readonly string[] = [
  ...ARTIFACT_REGISTRY_MULTI_REGIONS,
  ...CLOUD_RUN_REGIONS,
];

// ---------------------------------------------------------------------------------------------

/**
 * Which list a location is checked against.
 * @internal
 */
export enum LocationKind {
  /** A Cloud Run region (`region` of a service or app). */
  CLOUD_RUN = "Cloud Run region",
  /** An Artifact Registry location (`location` of a repository). */
  ARTIFACT_REGISTRY = "Artifact Registry location",
}

function knownLocations(kind: LocationKind): readonly string[] {
  return kind === LocationKind.CLOUD_RUN ? CLOUD_RUN_REGIONS : ARTIFACT_REGISTRY_LOCATIONS;
}

/** How many nearest known locations a warning names. */
const SUGGESTIONS = 3;

/**
 * The warning for a well-formed location that is not in the known list, or undefined when it is
 * known (or a token). Names the property, the value and the nearest known locations.
 * @internal
 */
export function unknownLocationWarning(
  owner: string,
  prop: string,
  value: string,
  kind: LocationKind,
): string | undefined {
  if (typeof value !== "string" || isUnresolved(value)) {
    return undefined;
  }
  const known = knownLocations(kind);
  if (known.includes(value)) {
    return undefined;
  }
  // Loaded for the first unknown location only.
  const { nearest } = require("./edit-distance") as typeof import("./edit-distance");
  const suggestions = nearest(value, known, SUGGESTIONS).map((s) => JSON.stringify(s));
  const list =
    suggestions.length > 1
      ? `${suggestions.slice(0, -1).join(", ")} or ${suggestions[suggestions.length - 1]}`
      : suggestions.join("");
  return (
    `${owner}: ${prop} ${JSON.stringify(value)} is not a known ${kind}; did you mean ${list}? ` +
    `A mistyped ${prop} is otherwise only found at apply. If it was added after ` +
    `${KNOWN_LOCATIONS_DATE} (the date of the library's list), ignore this warning.`
  );
}

/**
 * Adds a synth warning to `scope` when `value` is well formed but not a known location of
 * `kind`. A location already reported by `scope` or one of its ancestors (e.g. a `CloudRunApp`
 * for the repository and service it creates in the same region) is not reported again.
 * @internal
 */
export function warnUnknownLocation(
  scope: IConstruct,
  owner: string,
  prop: string,
  value: string,
  kind: LocationKind,
): void {
  const message = unknownLocationWarning(owner, prop, value, kind);
  if (message === undefined) {
    return;
  }
  // The locations already reported, per construct of the app.
  const reported = perApp(scope, "ReportedLocations", () => new WeakMap<IConstruct, Set<string>>());
  if (scope.node.scopes.some((s) => reported.get(s)?.has(value) === true)) {
    return;
  }
  let values = reported.get(scope);
  if (values === undefined) {
    values = new Set();
    reported.set(scope, values);
  }
  values.add(value);
  Annotations.of(scope).addWarning(message);
}
