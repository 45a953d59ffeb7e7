import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@cdktf/provider-google",
              message:
                "Import from the deep path, e.g. @cdktf/provider-google/lib/cloud-run-v2-service.",
            },
            {
              name: "@cdktf/provider-docker",
              message: "Import from the deep path, e.g. @cdktf/provider-docker/lib/image.",
            },
          ],
        },
      ],
    },
  },
);
