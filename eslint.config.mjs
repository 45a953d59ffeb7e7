import { readFileSync } from "node:fs";
import { URL } from "node:url";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * Provider classes come from their deep paths: a provider package's index costs seconds and
 * hundreds of megabytes to load.
 */
const DEEP_PROVIDER_PATHS = [
  {
    name: "@cdktf/provider-google",
    message: "Import from the deep path, e.g. @cdktf/provider-google/lib/cloud-run-v2-service.",
  },
  {
    name: "@cdktf/provider-docker",
    message: "Import from the deep path, e.g. @cdktf/provider-docker/lib/image.",
  },
];

/**
 * The layers of src/ (layers.json), bottom to top. A file in src/<layer>/ may import from its
 * own layer and the ones below it; an import (a type import too) of a layer above is an error.
 * test/architecture.test.ts checks the resolved import graph as well (layers and no cycles).
 */
const { layers } = JSON.parse(readFileSync(new URL("./layers.json", import.meta.url), "utf8"));
const layerRules = layers.map((layer, index) => {
  const above = layers.slice(index + 1);
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: DEEP_PROVIDER_PATHS,
          patterns:
            above.length === 0
              ? []
              : [
                  {
                    regex: `^(\\.\\./)+(${above.join("|")})(/|$)`,
                    message: `src/${layer} is below ${above.map((l) => `src/${l}`).join(", ")} (layers.json): a lower layer never imports a higher one. Move the shared code down, or define an interface here that the higher layer implements.`,
                  },
                ],
        },
      ],
    },
  };
});

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "lib/",
      "dist/",
      "cdktf.out/",
      "cdktf.out.golden-*/",
      "coverage/",
      "**/target/",
      "**/*.d.ts",
      "bench/tmp/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        clearTimeout: "readonly",
        fetch: "readonly",
        AbortSignal: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/no-require-imports": "off",
      eqeqeq: ["error", "always"],
      "no-console": "off",
    },
  },
  {
    files: ["src/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: DEEP_PROVIDER_PATHS }],
    },
  },
  ...layerRules,
);
