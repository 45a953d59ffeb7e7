import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const created: string[] = [];

afterAll(() => {
  for (const dir of created) {
    try {
      fs.chmodSync(dir, 0o700);
    } catch {
      // already gone
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A new empty directory under the OS temp directory, removed after the test file. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** True when file modes do not stop this process from reading (e.g. running as root). */
export const fileModesAreBypassed: boolean = (() => {
  const file = path.join(tempDir("file-mode-probe-"), "f");
  fs.writeFileSync(file, "x");
  fs.chmodSync(file, 0o000);
  try {
    fs.closeSync(fs.openSync(file, "r"));
    return true;
  } catch {
    return false;
  }
})();
