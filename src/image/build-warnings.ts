/**
 * Warnings about an image's build that do not stop it: build args no `ARG` receives, and two
 * images of a stack built from identical inputs. This module is not re-exported by
 * `src/index.ts`.
 * @internal
 */
import { Annotations, TerraformStack } from "cdktf";
import { Arg, DockerfileParser } from "dockerfile-ast";
import { IConstruct } from "constructs";
import { describeValue, ownerName } from "../util/check";
import { perStack } from "../util/singletons";

/** What the warnings need of an image (a `ContainerImage`). @internal */
export interface BuiltImage extends IConstruct {
  readonly imageName: string;
  readonly localImageName: string;
  readonly isPushed: boolean;
  readonly repository?: IConstruct;
  readonly dockerfile: { render(): string; readonly displayName: string };
}

/**
 * Build args Docker accepts without an `ARG`: the predefined proxy args
 * (https://docs.docker.com/reference/dockerfile/#predefined-args) and BuildKit's built-in build
 * args (https://docs.docker.com/reference/dockerfile/#buildkit-built-in-build-args).
 */
const PREDEFINED_BUILD_ARGS: readonly string[] = [
  "HTTP_PROXY",
  "http_proxy",
  "HTTPS_PROXY",
  "https_proxy",
  "FTP_PROXY",
  "ftp_proxy",
  "NO_PROXY",
  "no_proxy",
  "ALL_PROXY",
  "all_proxy",
  "BUILDKIT_CACHE_MOUNT_NS",
  "BUILDKIT_CONTEXT_KEEP_GIT_DIR",
  "BUILDKIT_HISTORY_PROVENANCE_V1",
  "BUILDKIT_INLINE_CACHE",
  "BUILDKIT_MULTI_PLATFORM",
  "BUILDKIT_SANDBOX_HOSTNAME",
  "BUILDKIT_SYNTAX",
  "SOURCE_DATE_EPOCH",
];

/**
 * The names every `ARG` instruction of a Dockerfile declares (global and in every stage; not
 * those inside `ONBUILD`, which run in other builds), in file order.
 */
function declaredArgs(text: string): Set<string> {
  const names = new Set<string>();
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (instruction instanceof Arg) {
      for (const property of instruction.getProperties()) {
        names.add(property.getName());
      }
    }
  }
  return names;
}

/**
 * Warns about build args that no `ARG` of the Dockerfile declares: Docker ignores them
 * ("One or more build-args [...] were not consumed"), so a misspelt name silently builds
 * with the default. The `ARG`s of every stage count (and the global ones before the first
 * `FROM`), as do the args Docker and BuildKit predefine.
 */
export function warnUnusedBuildArgs(
  image: BuiltImage,
  owner: string,
  buildArgs: { [key: string]: string } | undefined,
): void {
  const names = Object.keys(buildArgs ?? {});
  if (names.length === 0) {
    return;
  }
  const declared = declaredArgs(image.dockerfile.render());
  const unused = names.filter((n) => !declared.has(n) && !PREDEFINED_BUILD_ARGS.includes(n));
  for (const name of unused) {
    const known = [...declared];
    const hint = known.length > 0 ? ` (its ARGs: ${known.join(", ")})` : " (it declares no ARG)";
    Annotations.of(image).addWarning(
      `${owner}: buildArgs["${name}"] (${describeValue(buildArgs?.[name])}) is received by no ARG ` +
        `of ${image.dockerfile.displayName}${hint}: Docker ignores it. Declare \`ARG ${name}\` in ` +
        "the stage that uses it, or remove the build arg.",
    );
  }
}

/**
 * Warns when an image of the same stack was built from identical inputs (context, Dockerfile,
 * build args, target, platform): two builds and two pushes of one image.
 */
export function warnIdenticalBuild(
  image: BuiltImage,
  owner: string,
  stack: TerraformStack,
  buildDigest: string,
): void {
  const builds = perStack(stack, "ImageBuilds", () => new Map<string, BuiltImage>());
  const earlier = builds.get(buildDigest);
  if (earlier === undefined) {
    builds.set(buildDigest, image);
    return;
  }
  const other = ownerName("ContainerImage", earlier.node.path);
  let what: string;
  if (earlier.localImageName === image.localImageName) {
    what =
      `builds${image.isPushed ? " and pushes" : ""} the same image as ${other}, ` +
      `${JSON.stringify(image.localImageName)}: two Terraform resources manage one image`;
  } else {
    const differences: string[] = [];
    if (earlier.imageName !== image.imageName) {
      differences.push(
        `imageName ${JSON.stringify(image.imageName)} (there ${JSON.stringify(earlier.imageName)})`,
      );
    }
    if (earlier.repository !== image.repository) {
      const name = (r?: IConstruct) => (r === undefined ? "none" : `'${r.node.path}'`);
      differences.push(`repository ${name(image.repository)} (there ${name(earlier.repository)})`);
    }
    const twice = image.isPushed && earlier.isPushed ? "built and pushed twice" : "built twice";
    what =
      `has the same build inputs as ${other} (context, Dockerfile, build args, target and ` +
      `platform); only its ${differences.join(" and ")} ` +
      `${differences.length > 1 ? "differ" : "differs"}: the same image is ${twice}`;
  }
  Annotations.of(image).addWarning(
    `${owner}: ${what}. Share one ContainerImage: pass ${other} to every construct that ` +
      "runs this code.",
  );
}
