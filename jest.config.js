/** @type {import('jest').Config} */
const transform = {
  "^.+\\.ts$": [
    "@swc/jest",
    { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } },
  ],
};

/**
 * `npm test`: the fast suite. The tests in test/real/ use the provisioned toolchain (real
 * Terraform, providers, Docker, scanners) and run with `npm run test:real` (jest.real.config.js);
 * test/new-app makes a new app from the npm registry by the README's steps and runs with
 * `npm run test:new-app` (jest.new-app.config.js).
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/real/", "<rootDir>/test/new-app/"],
  transform,
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  testTimeout: 60000,
};
