import { Testing, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import {
  ARTIFACT_REGISTRY_LOCATIONS,
  ARTIFACT_REGISTRY_MULTI_REGIONS,
  CLOUD_RUN_REGIONS,
  KNOWN_LOCATIONS_DATE,
  LocationKind,
  isGcpRegion,
  unknownLocationWarning,
  warnUnknownLocation,
} from "../../src/util/gcp-regions";
import { warnings } from "../support/annotations";

describe("the known locations", () => {
  test("are well formed, unique and sorted, with a date", () => {
    expect(CLOUD_RUN_REGIONS.every(isGcpRegion)).toBe(true);
    expect(new Set(CLOUD_RUN_REGIONS).size).toBe(CLOUD_RUN_REGIONS.length);
    expect([...CLOUD_RUN_REGIONS].sort()).toEqual(CLOUD_RUN_REGIONS);
    expect(new Set(ARTIFACT_REGISTRY_LOCATIONS).size).toBe(ARTIFACT_REGISTRY_LOCATIONS.length);
    expect(KNOWN_LOCATIONS_DATE).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test("Artifact Registry has every Cloud Run region and the multi-regions us, europe, asia", () => {
    expect(ARTIFACT_REGISTRY_MULTI_REGIONS).toEqual(["us", "europe", "asia"]);
    for (const location of [...CLOUD_RUN_REGIONS, ...ARTIFACT_REGISTRY_MULTI_REGIONS]) {
      expect(ARTIFACT_REGISTRY_LOCATIONS).toContain(location);
    }
  });
});

describe("unknownLocationWarning", () => {
  const O = "DockerRepository 'S/R'";

  test("undefined for a known location; Cloud Run has no multi-regions", () => {
    expect(unknownLocationWarning(O, "location", "us", LocationKind.ARTIFACT_REGISTRY)).toBe(
      undefined,
    );
    expect(unknownLocationWarning(O, "region", "us-central1", LocationKind.CLOUD_RUN)).toBe(
      undefined,
    );
    expect(unknownLocationWarning(O, "region", "us", LocationKind.CLOUD_RUN)).toContain(
      'region "us" is not a known Cloud Run region',
    );
  });

  test("names the property, the value and the three nearest known locations", () => {
    expect(
      unknownLocationWarning(O, "location", "asia-southeast9", LocationKind.ARTIFACT_REGISTRY),
    ).toBe(
      `${O}: location "asia-southeast9" is not a known Artifact Registry location; did you mean "asia-southeast1", "asia-southeast2" or "asia-northeast1"? A mistyped location is otherwise only found at apply. If it was added after ${KNOWN_LOCATIONS_DATE} (the date of the library's list), ignore this warning.`,
    );
  });
});

describe("warnUnknownLocation", () => {
  test("warns once per value along a construct's ancestors", () => {
    const stack = new TerraformStack(Testing.app(), "S");
    const outer = new Construct(stack, "Outer");
    const inner = new Construct(outer, "Inner");
    const sibling = new Construct(stack, "Sibling");
    warnUnknownLocation(outer, "o", "region", "us-west99", LocationKind.CLOUD_RUN);
    warnUnknownLocation(inner, "i", "location", "us-west99", LocationKind.ARTIFACT_REGISTRY);
    warnUnknownLocation(inner, "i", "location", "us-west98", LocationKind.ARTIFACT_REGISTRY);
    warnUnknownLocation(sibling, "s", "region", "us-west99", LocationKind.CLOUD_RUN);
    warnUnknownLocation(sibling, "s", "region", "us-west1", LocationKind.CLOUD_RUN);
    expect(warnings(stack).map((w) => w.slice(0, w.indexOf(" is not")))).toEqual([
      'o: region "us-west99"',
      'i: location "us-west98"',
      's: region "us-west99"',
    ]);
  });
});
