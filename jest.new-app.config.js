/**
 * `npm run test:new-app`: a new app made by the README's "Start a new app" steps, with the
 * library packed from this checkout. Needs the npm registry and takes minutes, so it is not in
 * the fast suite; `npm run test:all` runs it.
 */
const base = require("./jest.config");

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test/new-app"],
  testMatch: ["**/*.test.ts"],
  transform: base.transform,
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  testTimeout: 60 * 1000,
  maxWorkers: 1,
};
