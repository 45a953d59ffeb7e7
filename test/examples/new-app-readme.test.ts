/**
 * The README's "Start a new app" steps agree with this package: the versions they pin are the
 * ones the library is built against, the TypeScript pin comes first, and the blocks that
 * test/new-app runs are where it looks for them. (test/new-app runs the steps for real, with
 * `npm run test:new-app`.)
 */
import * as fs from "fs";
import * as path from "path";
import { newAppBlock, newAppBlocks, ShellStep, shellSteps } from "../support/readme-steps";

const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../package.json"), "utf8")) as {
  devDependencies: { [name: string]: string };
  peerDependencies: { [name: string]: string };
};

const blocks = newAppBlocks();
const setup = shellSteps(newAppBlock(blocks, "setup"));
const synth = shellSteps(newAppBlock(blocks, "synth"));

function stepIndex(steps: ShellStep[], pattern: RegExp): number {
  const index = steps.findIndex((s) => pattern.test(s.command));
  if (index < 0) {
    throw new Error(
      `no README setup step matches ${pattern}; the steps are:\n${steps.map((s) => s.command).join("\n")}`,
    );
  }
  return index;
}

describe("README: start a new app", () => {
  test("has a setup and a synth shell block and a TypeScript main.ts block", () => {
    expect(newAppBlock(blocks, "setup").language).toBe("sh");
    expect(newAppBlock(blocks, "synth").language).toBe("sh");
    expect(newAppBlock(blocks, "main.ts").language).toBe("ts");
    expect(synth.map((s) => s.command)).toEqual(["CHECKPOINT_DISABLE=1 npx cdktf synth"]);
  });

  test("starts in a new directory with a non-interactive cdktf init of the CLI version this package uses", () => {
    expect(setup[0].command).toBe("mkdir my-app && cd my-app");
    const init = setup[stepIndex(setup, /\bcdktf-cli@\S+ init\b/)].command;
    expect(init).toContain(`npx cdktf-cli@${pkg.devDependencies["cdktf-cli"]} init `);
    for (const flag of [
      "--template=typescript",
      "--local",
      "--project-name=",
      "--project-description=",
      "--enable-crash-reporting=false",
    ]) {
      expect(init).toContain(flag);
    }
  });

  test("pins TypeScript to the 5.9 line and adds cdktf-cli before installing the library", () => {
    const pin = stepIndex(setup, /\btypescript@/);
    expect(setup[pin].command).toMatch(/^npm install --save-dev .*\btypescript@~5\.9(\s|$)/);
    expect(pkg.devDependencies.typescript).toMatch(/^~5\.9\./);
    expect(setup[pin].command).toContain(` cdktf-cli@${pkg.devDependencies["cdktf-cli"]}`);
    const firstInstall = stepIndex(setup, /^npm (install|i) /);
    expect(firstInstall).toBe(pin);
    expect(stepIndex(setup, /\bcdktf-cloud-run\b/)).toBeGreaterThan(pin);
  });

  test("installs the library with exactly the provider bindings it is built against, within its peer ranges", () => {
    const install = setup[stepIndex(setup, /^npm install .*\bcdktf-cloud-run\b/)].command;
    expect(install).toMatch(/^npm install --save-exact cdktf-cloud-run /);
    for (const binding of ["@cdktf/provider-google", "@cdktf/provider-docker"]) {
      const version = pkg.devDependencies[binding];
      expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(pkg.peerDependencies[binding]).toBe(`^${version}`);
      expect(install).toContain(` ${binding}@${version}`);
    }
  });

  test("the CloudRunApp example resolves its service directory from the project root, not __dirname", () => {
    const main = newAppBlock(blocks, "main.ts").text;
    expect(main).toContain('directory: "./service"');
    expect(main).not.toContain("__dirname");
  });
});
