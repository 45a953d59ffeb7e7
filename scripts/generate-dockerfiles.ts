/**
 * Regenerates the committed Dockerfiles of the examples from the library's generators.
 *
 *   npx ts-node --swc scripts/generate-dockerfiles.ts
 *
 * The jest suite fails when a committed file and its generator drift apart.
 */
import * as fs from "fs";
import { EXAMPLE_DOCKERFILES } from "../examples/dockerfiles";

for (const { path, dockerfile } of EXAMPLE_DOCKERFILES) {
  fs.writeFileSync(path, dockerfile().render());
  console.log(`wrote ${path}`);
}
