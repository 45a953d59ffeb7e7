/**
 * The consumers of `Dockerfile.runtimeUser` in the image construct and the security report, for
 * user names resolved from the Dockerfile (useradd, known base images) and ARGs inherited by
 * child stages.
 */
import * as fs from "fs";
import * as path from "path";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { Testing, TerraformStack } from "cdktf";
import { CloudRunService, ContainerImage, DockerRepository, SecurityPosture } from "../../src";
import { warnings } from "../support/annotations";
import { tempDir } from "../support/temp";

function context(dockerfile: string): string {
  const dir = tempDir("image-users-");
  fs.writeFileSync(path.join(dir, "Dockerfile"), dockerfile);
  fs.writeFileSync(path.join(dir, "server"), "binary");
  return dir;
}

function image(dockerfile: string): { stack: TerraformStack; image: ContainerImage } {
  const stack = new TerraformStack(Testing.app(), "stack");
  return { stack, image: new ContainerImage(stack, "Image", { directory: context(dockerfile) }) };
}

test("a user created with useradd -u is proven non-root with its uid, and no CR008 warning", () => {
  const { image: built } = image(
    'FROM debian:13\nRUN useradd -u 10001 app\nCOPY server /server\nUSER app\nENTRYPOINT ["/server"]\n',
  );
  expect(built.runtimeUser).toMatchObject({ user: "app", uid: 10001, isRoot: false });
  expect(warnings(built).filter((w) => w.includes("CR008"))).toEqual([]);
});

test("a root alias made with useradd -o -u 0 is refused, naming the line that makes it", () => {
  const dockerfile =
    'FROM debian:13\nRUN useradd -o -u 0 app\nCOPY server /server\nUSER app\nENTRYPOINT ["/server"]\n';
  expect(() => image(dockerfile)).toThrow(
    /^ContainerImage 'stack\/Image': .*Dockerfile stage #0 \(line 1\) is not proven to run as a non-root user: USER "app" at line 4 in stage #0 sets the user "app", and RUN useradd at line 2 in stage #0 creates it with uid 0, an alias of root\. Fix: /,
  );
});

test("a name nothing resolves is built, with a CR008 warning naming the line, the user and the fix", () => {
  const { image: built } = image(
    'FROM debian:13\nCOPY server /server\nUSER app\nENTRYPOINT ["/server"]\n',
  );
  expect(built.runtimeUser.isRoot).toBe(false);
  const cr008 = warnings(built).filter((w) => w.includes("CR008"));
  expect(cr008).toHaveLength(1);
  expect(cr008[0]).toMatch(
    /Dockerfile line 3: CR008 USER "app" at line 3 \(final stage #0\) names the user "app", whose uid is not known: .* Fix: give the uid, e.g\. "USER 65532:65532"/,
  );
});

test("USER ${APP_UID} in a child stage resolves to the parent stage's ARG default", () => {
  const { image: built } = image(
    [
      "FROM debian:13 AS base",
      "ARG APP_UID=10001",
      "FROM base AS final",
      "COPY server /server",
      "USER ${APP_UID}",
      'ENTRYPOINT ["/server"]',
      "",
    ].join("\n"),
  );
  expect(built.runtimeUser).toMatchObject({ user: "10001", uid: 10001, isRoot: false });
});

test("the security report shows the uid resolved for a user name", () => {
  const stack = new TerraformStack(Testing.app(), "Stack");
  new GoogleProvider(stack, "google", { project: "my-project" });
  const repository = new DockerRepository(stack, "Repo", { location: "europe-west1" });
  const built = new ContainerImage(stack, "Image", {
    repository,
    directory: context('FROM node:22\nCOPY server /server\nUSER node\nENTRYPOINT ["/server"]\n'),
  });
  new CloudRunService(stack, "api", { image: built, region: "europe-west1" });
  expect(SecurityPosture.of(stack).renderReport()).toContain(
    '`node` (uid 1000), proven non-root: USER "node" at line 3 in stage #0 sets the user "node", and the base image node:22 defines it with uid 1000 (documented for the official node images).',
  );
});
