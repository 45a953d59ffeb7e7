/**
 * `npm run test:real`: the tests that run the real toolchain made by `npm run provision`.
 * They run one file at a time (Terraform and Docker are the bottleneck, not jest workers).
 */
const base = require("./jest.config");

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test/real"],
  testMatch: ["**/*.test.ts"],
  transform: base.transform,
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  testTimeout: 20 * 60 * 1000,
  maxWorkers: 1,
};
