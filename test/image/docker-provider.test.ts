import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { DataGoogleClientConfig } from "@cdktf/provider-google/lib/data-google-client-config";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { Lazy, Testing, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { dockerProviderFor, registryHostOf } from "../../src/image/docker-provider";

/** Synthesized Terraform JSON, navigated freely in assertions. */
type TfJson = ReturnType<typeof JSON.parse>;

function setup(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "stack");
  new GoogleProvider(stack, "google", { project: "p" });
  return stack;
}

function synth(stack: TerraformStack): TfJson {
  return JSON.parse(Testing.synth(stack, true));
}

describe("dockerProviderFor", () => {
  test("declares one docker provider per stack with one registry_auth per host", () => {
    const stack = setup();
    const nested = new Construct(stack, "Nested");
    const a = dockerProviderFor(stack, "europe-west1-docker.pkg.dev");
    const b = dockerProviderFor(nested, "europe-west1-docker.pkg.dev");
    const c = dockerProviderFor(nested, "us-docker.pkg.dev");
    const d = dockerProviderFor(nested);
    expect(new Set([a, b, c, d]).size).toBe(1);

    const json = synth(stack);
    expect(json.provider.docker).toHaveLength(1);
    const [configName] = Object.keys(json.data.google_client_config);
    const token = `\${data.google_client_config.${configName}.access_token}`;
    expect(json.provider.docker[0].registry_auth).toEqual([
      { address: "europe-west1-docker.pkg.dev", username: "oauth2accesstoken", password: token },
      { address: "us-docker.pkg.dev", username: "oauth2accesstoken", password: token },
    ]);
  });

  test("local-only use declares no google_client_config", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    dockerProviderFor(stack);
    const json = synth(stack);
    expect(json.provider.docker).toEqual([{}]);
    expect(json.data).toBeUndefined();
  });

  test("reuses a docker provider the user declared, keeping its own registry_auth", () => {
    const stack = setup();
    const user = new DockerProvider(stack, "docker", {
      host: "unix:///var/run/docker.sock",
      registryAuth: [
        { address: "https://europe-west1-docker.pkg.dev", username: "u", password: "p" },
        { address: "ghcr.io", username: "me", password: "token" },
      ],
    });
    expect(dockerProviderFor(stack, "europe-west1-docker.pkg.dev")).toBe(user);
    expect(dockerProviderFor(stack, "us-docker.pkg.dev")).toBe(user);
    const json = synth(stack);
    expect(json.provider.docker).toHaveLength(1);
    const auth = json.provider.docker[0].registry_auth;
    expect(auth.map((a: TfJson) => a.address)).toEqual([
      "https://europe-west1-docker.pkg.dev",
      "ghcr.io",
      "us-docker.pkg.dev",
    ]);
    expect(auth[0]).toEqual({
      address: "https://europe-west1-docker.pkg.dev",
      username: "u",
      password: "p",
    });
  });

  test("reuses a user-declared google_client_config", () => {
    const stack = setup();
    new DataGoogleClientConfig(stack, "current", {});
    dockerProviderFor(stack, "us-docker.pkg.dev");
    const json = synth(stack);
    expect(Object.keys(json.data.google_client_config)).toEqual(["current"]);
    expect(json.provider.docker[0].registry_auth[0].password).toBe(
      "${data.google_client_config.current.access_token}",
    );
  });

  test("reuses an aliased docker provider when it is the only one", () => {
    const stack = setup();
    const user = new DockerProvider(stack, "docker", { alias: "remote" });
    expect(dockerProviderFor(stack, "us-docker.pkg.dev")).toBe(user);
    const json = synth(stack);
    expect(json.provider.docker).toHaveLength(1);
    expect(json.provider.docker[0].alias).toBe("remote");
    expect(json.provider.docker[0].registry_auth).toHaveLength(1);
  });

  test("prefers the default (unaliased) docker provider", () => {
    const stack = setup();
    new DockerProvider(stack, "aliased", { alias: "remote" });
    const plain = new DockerProvider(stack, "plain", {});
    expect(dockerProviderFor(stack)).toBe(plain);
  });

  test("finds the user's default provider once per stack, not once per image", () => {
    const stack = setup();
    const aliased = new DockerProvider(stack, "aliased", { alias: "remote" });
    // Only an aliased one so far: not remembered, so a default declared later is preferred.
    expect(dockerProviderFor(stack)).toBe(aliased);
    const plain = new DockerProvider(new Construct(stack, "Nested"), "plain", {});
    const findAll = jest.spyOn(stack.node, "findAll");
    const lookUp = (from: number): DockerProvider[] =>
      [0, 1, 2, 3].map((i) =>
        dockerProviderFor(
          new Construct(stack, `Service${from + i}`),
          "europe-west1-docker.pkg.dev",
        ),
      );
    expect(new Set(lookUp(0))).toEqual(new Set([plain]));
    // One walk for the provider, one for the google_client_config of the new registry host.
    expect(findAll).toHaveBeenCalledTimes(2);
    expect(new Set(lookUp(4))).toEqual(new Set([plain]));
    expect(findAll).toHaveBeenCalledTimes(2);
    // Another stack looks for its own.
    const other = setup();
    expect(dockerProviderFor(other)).not.toBe(plain);
  });

  test("a token registry_auth is left alone with a warning", () => {
    const stack = setup();
    const user = new DockerProvider(stack, "docker", {
      registryAuth: Lazy.anyValue({ produce: () => [] }),
    });
    dockerProviderFor(stack, "us-docker.pkg.dev");
    dockerProviderFor(stack, "us-docker.pkg.dev");
    const warnings = user.node.metadata.filter((m) => m.type === "@cdktf/warn");
    expect(warnings).toHaveLength(1);
    expect(warnings[0].data).toContain(
      "The docker provider's registry_auth is a token, so no registry_auth block could be added for us-docker.pkg.dev",
    );
  });

  test("registryHostOf normalizes addresses", () => {
    expect(registryHostOf("https://US-docker.pkg.dev/v2/")).toBe("us-docker.pkg.dev");
    expect(registryHostOf("http://localhost:5000")).toBe("localhost:5000");
    expect(registryHostOf("gcr.io")).toBe("gcr.io");
  });
});

describe("a docker provider declared after the library's own", () => {
  test("fails synth with a message that says how to fix it", () => {
    const stack = new TerraformStack(Testing.app(), "late");
    dockerProviderFor(stack);
    new DockerProvider(stack, "mine", {});
    expect(() => Testing.synth(stack, true)).toThrow(
      /Stack 'late' has two default docker providers: 'late\/mine' and 'late\/cdktf-cloud-run-docker'.*Declare your DockerProvider before the first ContainerImage/s,
    );
  });

  test("an aliased docker provider declared later is fine", () => {
    const stack = new TerraformStack(Testing.app(), "ok");
    dockerProviderFor(stack);
    new DockerProvider(stack, "remote", { alias: "remote", host: "ssh://build-host" });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });
});
