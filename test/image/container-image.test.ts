import { SecurityPosture } from "../../src/security/security-posture";
import * as fs from "fs";
import * as fc from "fast-check";
import * as os from "os";
import * as path from "path";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { App, Lazy, Testing, TerraformOutput, TerraformStack } from "cdktf";
import { Dockerfile } from "../../src/dockerfile/dockerfile";
import { ContainerImage, ContainerImageProps } from "../../src/image/container-image";
import { DockerRepository } from "../../src/image/docker-repository";
import { tempDir } from "../support/temp";

/** When `globalThis.imageTestTmpdir` is set, os.tmpdir() returns it (for the library too). */
jest.mock("os", () => {
  const actual = jest.requireActual<typeof import("os")>("os");
  const moved = globalThis as { imageTestTmpdir?: string };
  return { ...actual, tmpdir: () => moved.imageTestTmpdir ?? actual.tmpdir() };
});

/** Synthesized Terraform JSON, navigated freely in assertions. */
type TfJson = ReturnType<typeof JSON.parse>;

const NONROOT = [
  "FROM rust:1.90-trixie AS build",
  "WORKDIR /src",
  "COPY . .",
  "RUN cargo build --release",
  "",
  "FROM gcr.io/distroless/cc-debian13:nonroot AS runtime",
  "COPY --from=build /src/target/release/api /app",
  "USER 65532:65532",
  'ENTRYPOINT ["/app"]',
  "",
].join("\n");

const ROOT = ["FROM debian:trixie-slim", "COPY app /app", 'ENTRYPOINT ["/app"]', ""].join("\n");

function write(dir: string, rel: string, content: string): void {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** A build context with a non-root Dockerfile, a .dockerignore and an ignored target/. */
function fixture(files: { [rel: string]: string } = {}, into?: string): string {
  const dir = into ?? tempDir("image-context-");
  const all: { [rel: string]: string } = {
    Dockerfile: NONROOT,
    ".dockerignore": "target\n",
    "src/main.rs": "fn main() {}\n",
    "Cargo.toml": '[package]\nname = "api"\n',
    "target/release/api": "binary",
    ...files,
  };
  for (const [rel, content] of Object.entries(all)) {
    write(dir, rel, content);
  }
  return dir;
}

interface Built {
  readonly json: TfJson;
  readonly text: string;
  readonly stack: TerraformStack;
  readonly image: ContainerImage;
  readonly outdir: string;
}

function build(props: Partial<ContainerImageProps> & { directory: string }, pushed = true): Built {
  const app = Testing.app();
  const stack = new TerraformStack(app, "stack");
  new GoogleProvider(stack, "google", { project: "p" });
  const repository = pushed
    ? new DockerRepository(stack, "Repo", {
        location: "europe-west1",
        project: "my-project",
        repositoryId: "images",
      })
    : undefined;
  const image = new ContainerImage(stack, "Image", { repository, imageName: "api", ...props });
  new TerraformOutput(stack, "imageRef", { value: image.imageRef });
  const text = Testing.synth(stack, true);
  return { json: JSON.parse(text), text, stack, image, outdir: app.outdir };
}

function only(json: TfJson, type: string): TfJson {
  const values = Object.values(json.resource?.[type] ?? {});
  expect(values).toHaveLength(1);
  return values[0];
}

function make(props: Partial<ContainerImageProps>, pushed = false): () => ContainerImage {
  return () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const repository = pushed
      ? new DockerRepository(stack, "Repo", { location: "us", project: "p", repositoryId: "r" })
      : undefined;
    return new ContainerImage(stack, "Image", { directory: fixture(), repository, ...props });
  };
}

const OWNER = "ContainerImage 'stack/Image'";
const URI = "europe-west1-docker.pkg.dev/my-project/images/api";

describe("ContainerImage", () => {
  test("a pushed image: docker_image build, docker_registry_image push, imageRef by digest", () => {
    const directory = fixture();
    const { json, image, outdir } = build({
      directory,
      buildArgs: { PROFILE: "release" },
      target: "runtime",
    });
    expect(image.tag).toMatch(/^[0-9a-f]{64}$/);
    expect(image.isPushed).toBe(true);
    expect(image.localImageName).toBe(`${URI}:${image.tag}`);

    const dockerImage = only(json, "docker_image");
    const stackDir = path.resolve(outdir, "stacks", "stack");
    const context = path.relative(stackDir, directory).split(path.sep).join("/");
    expect(dockerImage).toEqual({
      provider: "docker",
      name: `${URI}:${image.tag}`,
      platform: "linux/amd64",
      keep_locally: true,
      triggers: { fingerprint: image.tag },
      build: {
        context,
        dockerfile: expect.stringMatching(/^assets\/[^/]+\/[0-9a-f]{32}\/Dockerfile$/),
        platform: "linux/amd64",
        build_args: { PROFILE: "release" },
        target: "runtime",
      },
    });
    expect(context.startsWith("../")).toBe(true);

    const [imageName] = Object.keys(json.resource.docker_image);
    const registryImage = only(json, "docker_registry_image");
    expect(registryImage).toEqual({
      provider: "docker",
      name: `${URI}:${image.tag}`,
      keep_remotely: true,
      triggers: { fingerprint: image.tag },
      depends_on: [`docker_image.${imageName}`],
    });
    const [registryName] = Object.keys(json.resource.docker_registry_image);
    expect(json.output.imageRef.value).toBe(
      `${URI}@\${docker_registry_image.${registryName}.sha256_digest}`,
    );
  });

  test("the library declares the docker provider with Artifact Registry auth", () => {
    const { json } = build({ directory: fixture() });
    const [configName] = Object.keys(json.data.google_client_config);
    expect(json.provider.docker).toEqual([
      {
        registry_auth: [
          {
            address: "europe-west1-docker.pkg.dev",
            username: "oauth2accesstoken",
            password: `\${data.google_client_config.${configName}.access_token}`,
          },
        ],
      },
    ]);
  });

  test("a local-only image is built, not pushed, and needs no Google data source", () => {
    const { json, image } = build({ directory: fixture() }, false);
    expect(image.isPushed).toBe(false);
    expect(image.registryImage).toBeUndefined();
    expect(json.resource.docker_registry_image).toBeUndefined();
    expect(json.data).toBeUndefined();
    expect(json.provider.docker).toEqual([{}]);
    expect(only(json, "docker_image").name).toBe(`api:${image.tag}`);
    // Destroying (or rebuilding) a local-only image removes it from the engine.
    expect(only(json, "docker_image").keep_locally).toBe(false);
    expect(image.imageRef).toBe(`api:${image.tag}`);
    expect(image.localImageName).toBe(`api:${image.tag}`);
  });

  test("the tag follows the sources, not ignored files", () => {
    const directory = fixture();
    const tag = () => make({ directory })().tag;
    const first = tag();
    expect(tag()).toBe(first);
    write(directory, "target/release/api", "rebuilt binary");
    expect(tag()).toBe(first);
    write(directory, "src/main.rs", 'fn main() { println!("changed"); }\n');
    expect(tag()).not.toBe(first);
  });

  test("build args, target and platform change the tag", () => {
    const directory = fixture();
    const tags = [
      make({ directory })().tag,
      make({ directory, buildArgs: { A: "1" } })().tag,
      make({ directory, buildArgs: { A: "2" } })().tag,
      make({ directory, target: "runtime" })().tag,
      make({ directory, platform: "linux/arm64" })().tag,
      make({ directory, imageName: "other" })().tag,
    ];
    expect(new Set(tags).size).toBe(tags.length);
  });

  test("a root Dockerfile is refused with the fix in the message", () => {
    const directory = fixture({ Dockerfile: ROOT });
    const displayName = path.posix.join(directory.split(path.sep).join("/"), "Dockerfile");
    let message = "";
    try {
      make({ directory })();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(
      message.startsWith(
        `${OWNER}: ${displayName} stage #0 (line 1) is not proven to run as a non-root user: `,
      ),
    ).toBe(true);
    expect(
      message.endsWith(
        'Fix: add "USER 65532:65532" to the final stage, or build it FROM a distroless ":nonroot" image such as gcr.io/distroless/cc-debian13:nonroot.',
      ),
    ).toBe(true);
  });

  test("a root target stage is refused even when the last stage is non-root", () => {
    const directory = fixture();
    expect(make({ directory, target: "build" })).toThrow(
      /stage 'build' \(line 1\) is not proven to run as a non-root user/,
    );
  });

  test("runtimeUser and dockerfile describe the analysed Dockerfile", () => {
    const image = make({ directory: fixture() })();
    expect(image.runtimeUser.isRoot).toBe(false);
    expect(image.runtimeUser.uid).toBe(65532);
    expect(image.dockerfile.finalStage.name).toBe("runtime");
  });

  test("an unknown target names the target prop and the stages", () => {
    expect(make({ target: "nope" })).toThrow(
      new RegExp(
        `^${escape(OWNER)}: invalid target: must be one of the stage names of .*Dockerfile: 'build', 'runtime'\\. Got: "nope"$`,
      ),
    );
  });

  test("a Dockerfile in a subdirectory", () => {
    const directory = fixture({ "docker/Dockerfile": NONROOT });
    const { image } = build({ directory, dockerfile: "docker/Dockerfile" });
    expect(image.dockerfile.displayName).toMatch(/docker\/Dockerfile$/);
    expect(image.dockerfile.render()).toBe(NONROOT);
  });

  test("the build uses the analysed Dockerfile, staged in the stack's output outside the context", () => {
    // Docker provider 3.6.2 hands a Dockerfile inside the context to the daemon by its path
    // relative to Terraform's working directory, which the daemon reads relative to the context.
    // A Dockerfile outside the context is read by the provider and added to the build context.
    const directory = fixture({ "docker/Dockerfile": NONROOT });
    const outdir = tempDir("image-staged-");
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "stack");
    new ContainerImage(stack, "Image", { directory, dockerfile: "docker/Dockerfile" });
    app.synth();
    const stackDir = path.join(outdir, "stacks", "stack");
    const json = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
    const build = only(json, "docker_image").build;
    expect(build.dockerfile).toMatch(/^assets\/[^/]+\/[0-9a-f]{32}\/Dockerfile$/);
    const staged = path.resolve(stackDir, build.dockerfile);
    expect(path.relative(path.resolve(stackDir, build.context), staged).startsWith("..")).toBe(
      true,
    );
    expect(fs.readFileSync(staged, "utf8")).toBe(NONROOT);
  });

  /** Runs `body` with the temporary directory moved. */
  function withTmpdir(body: (tmp: string) => void): void {
    const tmp = tempDir("image-tmpdir-");
    const moved = globalThis as { imageTestTmpdir?: string };
    moved.imageTestTmpdir = tmp;
    try {
      body(tmp);
    } finally {
      delete moved.imageTestTmpdir;
    }
  }

  test("the Dockerfile is written from the analysed text, never through a shared directory", () => {
    withTmpdir((tmp) => {
      const directory = fixture();
      const outdir = tempDir("image-staged-");
      const app = new App({ outdir });
      const image = new ContainerImage(new TerraformStack(app, "stack"), "Image", { directory });
      // Edited after the analysis: the build still uses the analysed (non-root) text.
      fs.writeFileSync(path.join(directory, "Dockerfile"), ROOT);
      app.synth();
      const stackDir = path.join(outdir, "stacks", "stack");
      const json = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
      const staged = path.join(stackDir, only(json, "docker_image").build.dockerfile);
      expect(fs.readFileSync(staged, "utf8")).toBe(image.dockerfile.render());
      expect(image.dockerfile.render()).toBe(NONROOT);
      // Nothing of the library's in the temporary directory (the test's own temp dirs are there).
      expect(fs.readdirSync(tmp).filter((e) => e.startsWith("cdktf-cloud-run"))).toEqual([]);
    });
  });

  test("a synth replaces the Dockerfiles an earlier synth wrote", () => {
    const outdir = tempDir("image-staged-");
    const synthWith = (text: string): string => {
      const app = new App({ outdir });
      new ContainerImage(new TerraformStack(app, "stack"), "Image", {
        directory: fixture({ Dockerfile: text }),
        imageName: "api",
      });
      app.synth();
      const stackDir = path.join(outdir, "stacks", "stack");
      const json = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
      return only(json, "docker_image").build.dockerfile;
    };
    const first = synthWith(NONROOT);
    const second = synthWith(`${NONROOT}# changed\n`);
    expect(second).not.toBe(first);
    const stackDir = path.join(outdir, "stacks", "stack");
    expect(fs.existsSync(path.join(stackDir, first))).toBe(false);
    expect(fs.readFileSync(path.join(stackDir, second), "utf8")).toBe(`${NONROOT}# changed\n`);
  });

  test("a build context that contains the synth output is refused", () => {
    const directory = fixture();
    const app = new App({ outdir: path.join(directory, "cdktf.out") });
    const stack = new TerraformStack(app, "stack");
    expect(() => new ContainerImage(stack, "Image", { directory })).toThrow(
      new RegExp(
        `^${escape(OWNER)}: invalid directory: must not contain the synth output directory \\(cdktf\\.out/stacks/stack\\): .*Got: ".*"$`,
      ),
    );
  });

  describe("staged Dockerfile", () => {
    /** Every file below `<outdir>/stacks/<stack>/assets`, relative to the stack directory. */
    function stagedFiles(outdir: string, stackName: string): string[] {
      const stackDir = path.join(outdir, "stacks", stackName);
      const found: string[] = [];
      const visit = (dir: string): void => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) {
            visit(full);
          } else {
            found.push(path.relative(stackDir, full).split(path.sep).join("/"));
          }
        }
      };
      visit(path.join(stackDir, "assets"));
      return found.sort();
    }

    test("a construct of the user's named like the library's does not get in the way", () => {
      const outdir = tempDir("image-outdir-");
      const app = new App({ outdir });
      const stack = new TerraformStack(app, "stack");
      new TerraformOutput(stack, "cdktf-cloud-run-dockerfiles", { value: "mine" });
      new ContainerImage(stack, "Image", { directory: fixture(), imageName: "api" });
      new ContainerImage(stack, "Image2", { directory: fixture(), imageName: "api2" });
      app.synth();
      const json = JSON.parse(
        fs.readFileSync(path.join(outdir, "stacks", "stack", "cdk.tf.json"), "utf8"),
      );
      expect(json.output["cdktf-cloud-run-dockerfiles"].value).toBe("mine");
      const paths = Object.values(json.resource.docker_image as { [id: string]: TfJson }).map(
        (image) => image.build.dockerfile,
      );
      expect(new Set(paths).size).toBe(1);
      expect(stagedFiles(outdir, "stack")).toEqual(paths.slice(0, 1));
    });

    test("is copied once per stack for images built from the same text", () => {
      const other = `${NONROOT}# another service\n`;
      const contexts = [fixture(), fixture(), fixture({ Dockerfile: other })];
      const outdir = tempDir("image-outdir-");
      const app = new App({ outdir });
      const stack = new TerraformStack(app, "stack");
      const nested = new TerraformStack(app, "other");
      contexts.forEach((directory, index) => {
        new ContainerImage(stack, `Image${index}`, { directory, imageName: `api${index}` });
      });
      new ContainerImage(nested, "Image", { directory: contexts[0], imageName: "api" });
      app.synth();

      const json = JSON.parse(
        fs.readFileSync(path.join(outdir, "stacks", "stack", "cdk.tf.json"), "utf8"),
      );
      const paths = [0, 1, 2].map(
        (index) =>
          Object.values(json.resource.docker_image as { [id: string]: TfJson }).find(
            (image) => image.name === `api${index}:${image.triggers.fingerprint}`,
          ).build.dockerfile,
      );
      expect(paths[0]).toBe(paths[1]);
      expect(paths[2]).not.toBe(paths[0]);
      // One file per distinct text, each holding that text.
      expect(stagedFiles(outdir, "stack")).toEqual([...new Set(paths)].sort());
      const read = (stackName: string, rel: string): string =>
        fs.readFileSync(path.join(outdir, "stacks", stackName, ...rel.split("/")), "utf8");
      expect(read("stack", paths[0])).toBe(NONROOT);
      expect(read("stack", paths[2])).toBe(other);

      // Another stack has its own working directory, so its own copy.
      const otherJson = JSON.parse(
        fs.readFileSync(path.join(outdir, "stacks", "other", "cdk.tf.json"), "utf8"),
      );
      const otherPath = only(otherJson, "docker_image").build.dockerfile;
      expect(stagedFiles(outdir, "other")).toEqual([otherPath]);
      expect(read("other", otherPath)).toBe(NONROOT);
    });
  });

  describe("generated Dockerfile", () => {
    test("is written under the stack's assets, referenced by a relative path", () => {
      const directory = fixture({ Dockerfile: ROOT });
      const before = fs.readdirSync(directory).sort();
      const generated = Dockerfile.parse(NONROOT, { displayName: "generated Dockerfile" });
      const app = Testing.app();
      const stack = new TerraformStack(app, "stack");
      const image = new ContainerImage(stack, "Image", {
        directory,
        imageName: "api",
        generatedDockerfile: generated,
      });
      const json = JSON.parse(Testing.synth(stack));
      const dockerfile = only(json, "docker_image").build.dockerfile;
      expect(dockerfile).toMatch(/^assets\/[^/]+\/[0-9a-f]{32}\/Dockerfile$/);
      expect(image.dockerfile.render()).toBe(NONROOT);
      // The source tree is untouched.
      expect(fs.readdirSync(directory).sort()).toEqual(before);

      // A full synth writes the file to <outdir>/stacks/<stack>/<path>.
      const outdir = tempDir("image-outdir-");
      const fullApp = new App({ outdir });
      const fullStack = new TerraformStack(fullApp, "stack");
      new ContainerImage(fullStack, "Image", {
        directory,
        imageName: "api",
        generatedDockerfile: generated,
      });
      fullApp.synth();
      const written = path.join(outdir, "stacks", "stack", ...dockerfile.split("/"));
      expect(fs.readFileSync(written, "utf8")).toBe(NONROOT);
    });

    test("is checked for a non-root user too", () => {
      const generated = Dockerfile.parse(ROOT, { displayName: "generated Dockerfile" });
      expect(make({ generatedDockerfile: generated })).toThrow(
        /^ContainerImage 'stack\/Image': generated Dockerfile stage #0 \(line 1\) is not proven to run as a non-root user: /,
      );
    });

    test("with a target", () => {
      const generated = Dockerfile.parse(NONROOT);
      const image = make({
        generatedDockerfile: generated,
        target: "runtime",
        buildArgs: { X: "1" },
      })();
      expect(image.dockerfile.finalStage.name).toBe("runtime");
      expect(make({ generatedDockerfile: generated, target: "build" })).toThrow(
        /stage 'build' \(line 1\) is not proven to run as a non-root user/,
      );
    });

    test("is exclusive with dockerfile", () => {
      expect(
        make({ generatedDockerfile: Dockerfile.parse(NONROOT), dockerfile: "Dockerfile" }),
      ).toThrow(
        `${OWNER}: invalid dockerfile: must not be set together with generatedDockerfile (use one or the other). Got: "Dockerfile"`,
      );
    });
  });

  test("two checkouts give identical JSON", () => {
    const synthIn = (checkout: string): string => {
      const directory = fixture({}, path.join(checkout, "services", "api"));
      fixture({}, path.join(checkout, "services", "web"));
      const app = new App({ outdir: path.join(checkout, "cdktf.out") });
      const stack = new TerraformStack(app, "prod");
      new GoogleProvider(stack, "google", { project: "p" });
      const repository = new DockerRepository(stack, "Repo", { location: "us" });
      new ContainerImage(stack, "Api", { directory, repository });
      new ContainerImage(stack, "Web", {
        directory: path.join(checkout, "services", "web"),
        repository,
        generatedDockerfile: Dockerfile.parse(NONROOT),
      });
      new ContainerImage(stack, "Local", { directory });
      app.synth();
      return fs.readFileSync(
        path.join(checkout, "cdktf.out", "stacks", "prod", "cdk.tf.json"),
        "utf8",
      );
    };
    const a = tempDir("checkout-a-");
    const b = tempDir("checkout-b-");
    const jsonA = synthIn(a);
    const jsonB = synthIn(b);
    expect(jsonA).toBe(jsonB);
    // cdktf's own local backend holds the working directory's absolute path; nothing else may.
    const parsed = JSON.parse(jsonA);
    const withoutBackend = JSON.stringify({
      ...parsed,
      terraform: { ...parsed.terraform, backend: undefined },
    });
    expect(withoutBackend).not.toContain(a);
    expect(withoutBackend).not.toContain(os.tmpdir());
    const contexts = Object.values(parsed.resource.docker_image).map(
      (r: TfJson) => r.build.context,
    );
    expect(contexts.sort()).toEqual([
      "../../../services/api",
      "../../../services/api",
      "../../../services/web",
    ]);
  });

  test("two images share one docker provider with one registry_auth per host", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "stack");
    new GoogleProvider(stack, "google", { project: "p" });
    const eu = new DockerRepository(stack, "Eu", { location: "europe-west1", project: "p" });
    const us = new DockerRepository(stack, "Us", { location: "us", project: "p" });
    const directory = fixture();
    new ContainerImage(stack, "A", { directory, repository: eu });
    new ContainerImage(stack, "B", { directory, repository: eu });
    new ContainerImage(stack, "C", { directory, repository: us });
    new ContainerImage(stack, "D", { directory });
    const json = JSON.parse(Testing.synth(stack, true));
    expect(json.provider.docker).toHaveLength(1);
    expect(json.provider.docker[0].registry_auth.map((a: TfJson) => a.address)).toEqual([
      "europe-west1-docker.pkg.dev",
      "us-docker.pkg.dev",
    ]);
    expect(Object.keys(json.data.google_client_config)).toHaveLength(1);
    expect(Object.keys(json.resource.docker_image)).toHaveLength(4);
  });

  test("a docker provider the user declared is reused", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "stack");
    new GoogleProvider(stack, "google", { project: "p" });
    new DockerProvider(stack, "docker", { host: "ssh://builder" });
    const repository = new DockerRepository(stack, "Repo", { location: "us", project: "p" });
    new ContainerImage(stack, "Image", { directory: fixture(), repository });
    const json = JSON.parse(Testing.synth(stack, true));
    expect(json.provider.docker).toHaveLength(1);
    expect(json.provider.docker[0].host).toBe("ssh://builder");
    expect(json.provider.docker[0].registry_auth).toHaveLength(1);
  });

  test("the default image name comes from the construct path", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const image = new ContainerImage(stack, "My_Api", { directory: fixture() });
    expect(image.imageName).toBe("my-api");
  });

  test("warnings of the Dockerfile analysis become annotations", () => {
    const directory = fixture({
      Dockerfile:
        'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\nUSER 65532\nENTRYPOINT ["/app"]\n',
    });
    const image = make({ directory })();
    const warnings = image.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data);
    expect(warnings.some((w) => /Dockerfile line 1: CR006 /.test(w))).toBe(true);
  });

  test("error findings of the Dockerfile analysis become error annotations that stop synth", () => {
    const directory = fixture({
      Dockerfile:
        "FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nUSER 65532\nCMD /app --serve\n",
    });
    const app = new App({ outdir: tempDir("image-outdir-") });
    const stack = new TerraformStack(app, "stack");
    const image = new ContainerImage(stack, "Image", { directory });
    const errors = image.node.metadata.filter((m) => m.type === "@cdktf/error").map((m) => m.data);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/Dockerfile line 4: CR003 /);
    expect(() => app.synth()).toThrow(/CR003/);
  });

  test("symlinks out of the context are reported as a warning", () => {
    const directory = fixture();
    fs.symlinkSync("/etc/passwd", path.join(directory, "passwd"));
    const image = make({ directory })();
    const warnings = image.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data);
    expect(warnings).toContain(
      `${OWNER}: 1 symlink in the build context points outside it (passwd -> /etc/passwd). Docker sends the link, not the file it points to, so that file is not in the image.`,
    );
  });

  describe("validation", () => {
    test("directory", () => {
      expect(make({ directory: "/does/not/exist" })).toThrow(
        `${OWNER}: invalid directory: must be an existing directory (the Docker build context). Got: "/does/not/exist"`,
      );
      expect(make({ directory: "" })).toThrow(
        `${OWNER}: invalid directory: must be a non-empty string. Got: ""`,
      );
    });

    test.each(["/etc/Dockerfile", "../Dockerfile", "..", "."])(
      "dockerfile %j is rejected",
      (dockerfile) => {
        expect(make({ dockerfile })).toThrow(
          `${OWNER}: invalid dockerfile: must be a path relative to directory, inside it (e.g. "Dockerfile" or "docker/Dockerfile"). Got: ${JSON.stringify(dockerfile)}`,
        );
      },
    );

    test("a missing dockerfile is rejected", () => {
      const directory = fixture();
      expect(make({ directory, dockerfile: "Dockerfile.prod" })).toThrow(
        `${OWNER}: invalid dockerfile: must name an existing file inside directory ${JSON.stringify(directory)}. Got: "Dockerfile.prod"`,
      );
      expect(make({ directory, dockerfile: "src" })).toThrow(
        "invalid dockerfile: must name an existing file",
      );
    });

    test.each(["linux/amd64", "linux/arm64", "linux/arm/v7", "windows/amd64"])(
      "platform %s is accepted",
      (platform) => {
        expect(make({ platform })).not.toThrow();
      },
    );

    test.each(["", "amd64", "linux", "Linux/AMD64", "linux/amd64/v8/x", "linux/ amd64"])(
      "platform %j is rejected",
      (platform) => {
        expect(make({ platform })).toThrow(`${OWNER}: invalid platform:`);
      },
    );

    test("a pushed image for another platform than linux/amd64 gets a warning", () => {
      const pushed = make({ platform: "linux/arm64" }, true)();
      expect(pushed.node.metadata.map((m) => m.data)).toContain(
        `${OWNER}: platform is "linux/arm64", but Cloud Run runs linux/amd64 images only.`,
      );
      const local = make({ platform: "linux/arm64" })();
      expect(local.node.metadata.map((m) => m.data)).not.toContain(
        `${OWNER}: platform is "linux/arm64", but Cloud Run runs linux/amd64 images only.`,
      );
    });

    test.each(["Api", "api:1", "-api", "a//b", ""])("imageName %j is rejected", (imageName) => {
      expect(make({ imageName })).toThrow(`${OWNER}: invalid imageName:`);
    });

    test("build args", () => {
      expect(make({ buildArgs: { "1X": "a" } })).toThrow(
        `${OWNER}: invalid buildArgs: keys must be letters, digits and '_', not starting with a digit. Got: "1X"`,
      );
      expect(make({ buildArgs: { "A-B": "a" } })).toThrow("invalid buildArgs: keys must be");
      expect(make({ buildArgs: { A: Lazy.stringValue({ produce: () => "x" }) } })).toThrow(
        `${OWNER}: invalid buildArgs["A"]: must be a string known at synth (build args are part of the image's content fingerprint), not a token.`,
      );
      expect(make({ buildArgs: { _A1: "", b: "x y" } })).not.toThrow();
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

describe("ContainerImage: stages with the same name", () => {
  test("target builds the LAST stage with that name (BuildKit), so a root one is refused", () => {
    const dockerfile = [
      "FROM gcr.io/distroless/cc-debian13:nonroot AS runtime",
      "USER 65532:65532",
      "FROM debian:trixie-slim AS runtime",
      'ENTRYPOINT ["/app"]',
      "",
    ].join("\n");
    const directory = fixture({ Dockerfile: dockerfile });
    expect(make({ directory, target: "runtime" })).toThrow(
      /stage 'runtime' \(line 3\) is not proven to run as a non-root user/,
    );
  });

  test("the stage names are listed once for an unknown target", () => {
    const dockerfile = "FROM debian:13 AS a\nFROM debian:13 AS a\nUSER 1000\n";
    expect(make({ directory: fixture({ Dockerfile: dockerfile }), target: "b" })).toThrow(
      /invalid target: must be one of the stage names of .*Dockerfile: 'a'\. Got: "b"$/,
    );
  });
});

describe("ContainerImage: imageName must be known at synth", () => {
  test("a token imageName is refused (it is part of the fingerprint)", () => {
    const imageName = Lazy.stringValue({ produce: () => "api" });
    expect(make({ imageName })).toThrow(
      `${OWNER}: invalid imageName: must be known at synth (it is part of the image's content fingerprint), not a token. Got:`,
    );
  });
});

describe("ContainerImage: null and missing props from JavaScript callers", () => {
  test.each([
    ["props undefined", undefined],
    ["props null", null],
  ])("%s is an Error naming the prop, not a TypeError", (_label, props) => {
    const run = () =>
      new ContainerImage(new TerraformStack(Testing.app(), "stack"), "Image", props as never);
    expect(run).toThrow(
      `${OWNER}: invalid props: are required: { directory, repository?, ... }. Got: ${props}`,
    );
    expect(run).not.toThrow(TypeError);
  });

  test.each([
    "buildArgs",
    "target",
    "repository",
    "generatedDockerfile",
    "dockerfile",
    "imageName",
  ])("%s: null means not set", (key) => {
    const image = make({ [key]: null })();
    expect(image.isPushed).toBe(false);
    expect(image.dockerfile.finalStage.name).toBe("runtime");
    expect(image.imageName).toBe("image");
  });

  test("a repository that is not a DockerRepository is an Error", () => {
    const run = make({ repository: {} as never });
    expect(run).toThrow(`${OWNER}: invalid repository: must be a DockerRepository. Got: {}`);
    expect(run).not.toThrow(TypeError);
  });
});

describe("ContainerImage and the stack's security posture", () => {
  test("a pushed image puts the stack under the posture check; a local-only one does not", () => {
    const pushed = make({}, true)();
    const local = make({})();
    const hasPosture = (image: ContainerImage): boolean =>
      TerraformStack.of(image)
        .node.findAll()
        .some((c) => SecurityPosture.isSecurityPosture(c));
    expect(hasPosture(pushed)).toBe(true);
    expect(hasPosture(local)).toBe(false);
  });
});

describe("ContainerImage: build args that no ARG receives", () => {
  const ARGS = [
    "ARG BASE=gcr.io/distroless/cc-debian13:nonroot",
    "FROM rust:1.90-trixie AS build",
    "ARG PROFILE=release FEATURES",
    "RUN cargo build --profile $PROFILE",
    "FROM ${BASE} AS runtime",
    "arg UID=65532",
    "COPY --from=build /src/target/release/api /app",
    "USER ${UID}",
    'ENTRYPOINT ["/app"]',
    "",
  ].join("\n");

  const warningsOf = (image: ContainerImage): string[] =>
    image.node.metadata
      .filter((m) => m.type === "@cdktf/warn")
      .map((m) => String(m.data))
      .filter((w) => w.includes("buildArgs"));

  test("an arg declared by a global ARG, a stage's ARG (one of several) or a lowercase arg is received", () => {
    const directory = fixture({ Dockerfile: ARGS });
    const image = make({
      directory,
      buildArgs: { BASE: "gcr.io/distroless/cc-debian13:nonroot", FEATURES: "x", UID: "1000" },
    })();
    expect(warningsOf(image)).toEqual([]);
  });

  test("an arg no ARG declares is a warning naming the property, the value and the ARGs there are", () => {
    const directory = fixture({ Dockerfile: ARGS });
    const image = make({ directory, buildArgs: { PROFLE: "dev", UID: "1000" } })();
    expect(warningsOf(image)).toEqual([
      `${OWNER}: buildArgs["PROFLE"] ("dev") is received by no ARG of ${image.dockerfile.displayName} (its ARGs: BASE, PROFILE, FEATURES, UID): Docker ignores it. Declare \`ARG PROFLE\` in the stage that uses it, or remove the build arg.`,
    ]);
  });

  test("a Dockerfile without any ARG says so", () => {
    const image = make({ buildArgs: { PROFILE: "release" } })();
    expect(warningsOf(image)).toEqual([
      `${OWNER}: buildArgs["PROFILE"] ("release") is received by no ARG of ${image.dockerfile.displayName} (it declares no ARG): Docker ignores it. Declare \`ARG PROFILE\` in the stage that uses it, or remove the build arg.`,
    ]);
  });

  test("Docker's predefined proxy args and BuildKit's built-in args need no ARG", () => {
    const image = make({
      buildArgs: {
        HTTPS_PROXY: "http://proxy:3128",
        no_proxy: "localhost",
        SOURCE_DATE_EPOCH: "0",
      },
    })();
    expect(warningsOf(image)).toEqual([]);
  });

  test("an ARG inside ONBUILD is for other builds: it receives nothing here", () => {
    const directory = fixture({ Dockerfile: `${NONROOT}ONBUILD ARG LATER\n` });
    const image = make({ directory, buildArgs: { LATER: "1" } })();
    expect(warningsOf(image)).toEqual([expect.stringContaining('buildArgs["LATER"] ("1")')]);
  });

  test("a generated Dockerfile is checked the same way", () => {
    const image = make({
      generatedDockerfile: Dockerfile.rustCargoChef({ binaryName: "api" }),
      buildArgs: { NOT_AN_ARG: "1" },
    })();
    expect(warningsOf(image)).toEqual([expect.stringContaining('buildArgs["NOT_AN_ARG"] ("1")')]);
  });
});

describe("ContainerImage: two images of a stack with identical build inputs", () => {
  function stackWith(
    build: (stack: TerraformStack, repository: DockerRepository) => void,
  ): string[] {
    const stack = new TerraformStack(Testing.app(), "stack");
    const repository = new DockerRepository(stack, "Repo", {
      location: "europe-west1",
      project: "p",
      repositoryId: "images",
    });
    build(stack, repository);
    return stack.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === "@cdktf/warn")
      .map((m) => String(m.data))
      .filter((w) => w.includes("ContainerImage 'stack/"));
  }

  test("the same name in the same repository: one image managed twice", () => {
    const directory = fixture();
    const warnings = stackWith((stack, repository) => {
      const a = new ContainerImage(stack, "A", { directory, repository, imageName: "app" });
      new ContainerImage(stack, "B", { directory, repository, imageName: "app" });
      expect(a.tag).toMatch(/^[0-9a-f]{64}$/);
    });
    expect(warnings).toEqual([
      expect.stringMatching(
        /^ContainerImage 'stack\/B': builds and pushes the same image as ContainerImage 'stack\/A', "europe-west1-docker\.pkg\.dev\/p\/images\/app:[0-9a-f]{64}": two Terraform resources manage one image\. Share one ContainerImage: pass ContainerImage 'stack\/A' to every construct that runs this code\.$/,
      ),
    ]);
  });

  test("different names: the same image built and pushed twice, naming both names", () => {
    const directory = fixture();
    const warnings = stackWith((stack, repository) => {
      const a = new ContainerImage(stack, "A", { directory, repository, imageName: "worker" });
      const b = new ContainerImage(stack, "B", { directory, repository, imageName: "api" });
      expect(a.tag).not.toBe(b.tag);
    });
    expect(warnings).toEqual([
      `ContainerImage 'stack/B': has the same build inputs as ContainerImage 'stack/A' (context, Dockerfile, build args, target and platform); only its imageName "api" (there "worker") differs: the same image is built and pushed twice. Share one ContainerImage: pass ContainerImage 'stack/A' to every construct that runs this code.`,
    ]);
  });

  test("another repository, or local-only next to pushed, is named too", () => {
    const directory = fixture();
    const warnings = stackWith((stack, repository) => {
      const other = new DockerRepository(stack, "Other", { location: "us", project: "p" });
      new ContainerImage(stack, "A", { directory, repository, imageName: "app" });
      new ContainerImage(stack, "B", { directory, repository: other, imageName: "app" });
      new ContainerImage(stack, "C", { directory, imageName: "app" });
    });
    expect(warnings).toEqual([
      expect.stringContaining(
        "ContainerImage 'stack/B': has the same build inputs as ContainerImage 'stack/A' (context, Dockerfile, build args, target and platform); only its repository 'stack/Other' (there 'stack/Repo') differs: the same image is built and pushed twice.",
      ),
      expect.stringContaining(
        "ContainerImage 'stack/C': has the same build inputs as ContainerImage 'stack/A' (context, Dockerfile, build args, target and platform); only its repository none (there 'stack/Repo') differs: the same image is built twice.",
      ),
    ]);
  });

  test("one ContainerImage shared by two services, different inputs, or other stacks: no warning", () => {
    const directory = fixture();
    const warnings = stackWith((stack, repository) => {
      new ContainerImage(stack, "A", { directory, repository, imageName: "app" });
      new ContainerImage(stack, "B", {
        directory,
        repository,
        imageName: "app",
        target: "runtime",
      });
      new ContainerImage(stack, "C", {
        directory,
        repository,
        imageName: "app",
        buildArgs: { HTTP_PROXY: "http://proxy" },
      });
      new ContainerImage(stack, "D", { directory: fixture({ "src/main.rs": "// other\n" }) });
      new ContainerImage(stack, "E", {
        directory,
        repository,
        imageName: "app",
        platform: "linux/arm64",
      });
    });
    expect(warnings.filter((w) => !w.includes("platform is"))).toEqual([]);
    // The same inputs in another stack are that stack's business.
    const directory2 = fixture();
    const app = Testing.app();
    for (const name of ["one", "two"]) {
      const stack = new TerraformStack(app, name);
      const image = new ContainerImage(stack, "Image", { directory: directory2 });
      expect(image.node.metadata.filter((m) => m.type === "@cdktf/warn")).toEqual([]);
    }
  });
});

describe("ContainerImage: unused build args, as a property (fixed seed)", () => {
  test("a build arg warns exactly when no ARG of any stage (or global ARG) declares it", () => {
    const name = fc.constantFrom("A", "B", "C", "D", "PROFILE", "HTTP_PROXY", "BUILDKIT_SYNTAX");
    const predefined = ["HTTP_PROXY", "BUILDKIT_SYNTAX"];
    fc.assert(
      fc.property(
        fc.uniqueArray(name, { maxLength: 3 }),
        fc.uniqueArray(name, { maxLength: 3 }),
        fc.uniqueArray(name, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (globalArgs, stageArgs, given, oneLine) => {
          const args = (names: string[]) =>
            names.length === 0
              ? []
              : oneLine
                ? [`ARG ${names.map((n) => `${n}=x`).join(" ")}`]
                : names.map((n) => `ARG ${n}`);
          const directory = fixture({
            Dockerfile: [
              ...args(globalArgs),
              "FROM rust:1.90-trixie AS build",
              ...args(stageArgs),
              "FROM gcr.io/distroless/cc-debian13:nonroot AS runtime",
              "USER 65532:65532",
              'ENTRYPOINT ["/app"]',
              "",
            ].join("\n"),
          });
          const stack = new TerraformStack(Testing.app(), "stack");
          const buildArgs = Object.fromEntries(given.map((n) => [n, "v"]));
          const image = new ContainerImage(stack, "Image", { directory, buildArgs });
          const warned = image.node.metadata
            .map((m) => String(m.data))
            .map((w) => /buildArgs\["([A-Z_]+)"\]/.exec(w)?.[1])
            .filter((n): n is string => n !== undefined);
          const declared = new Set([...globalArgs, ...stageArgs, ...predefined]);
          expect(warned).toEqual(given.filter((n) => !declared.has(n)));
        },
      ),
      { seed: 42, numRuns: 60 },
    );
  });
});
