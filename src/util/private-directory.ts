import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * `<os.tmpdir()>/<prefix>-<uid>` (the user name where there are no uids): a directory of the
 * current user in the temporary directory.
 * @internal
 */
export function userTemporaryDirectory(prefix: string): string {
  return path.join(os.tmpdir(), `${prefix}-${currentUser()}`);
}

/** The uid, or the user name where there are no uids. */
function currentUser(): string {
  if (typeof process.getuid === "function") {
    return String(process.getuid());
  }
  try {
    return os.userInfo().username.replace(/[^A-Za-z0-9_.-]/g, "_");
  } catch {
    return "user";
  }
}

/**
 * Creates `directory` (mode 0700) when missing; true when it is a real directory (not a
 * symlink) that only the current user can write to, so that what the library leaves there
 * cannot be changed by other users.
 * @internal
 */
export function preparePrivateDirectory(directory: string): boolean {
  try {
    // Usually there already: one lstat then, instead of mkdir, stat and lstat.
    let stat = fs.lstatSync(directory, { throwIfNoEntry: false });
    if (stat === undefined) {
      fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
      stat = fs.lstatSync(directory);
    }
    if (!stat.isDirectory()) {
      return false;
    }
    if (typeof process.getuid === "function") {
      return stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
    }
    return true;
  } catch {
    return false;
  }
}
