// Lets a child `node` process load the TypeScript sources directly, compiled by swc the way
// jest compiles them (see jest.config.js). Used by the determinism tests to run a program in a
// fresh process, as `cdktf synth` does.
const fs = require("fs");
const swc = require("@swc/core");

require.extensions[".ts"] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, "utf8"), {
    filename,
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
    module: { type: "commonjs" },
  });
  module._compile(code, filename);
};
