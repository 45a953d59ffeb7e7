import * as path from "path";
import { Dockerfile } from "../src";

/**
 * The examples' Dockerfiles and the generator calls that produce them.
 * `scripts/generate-dockerfiles.ts` writes them; a test checks they have not drifted.
 */
export const EXAMPLE_DOCKERFILES: { path: string; dockerfile: () => Dockerfile }[] = [
  {
    path: path.join(__dirname, "rust-service", "Dockerfile"),
    dockerfile: () => Dockerfile.rustCargoChef({ binaryName: "cloud-run-app" }),
  },
];
