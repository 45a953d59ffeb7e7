/**
 * Reading a Dockerfile from disk: one open, fstat, read and close, refusing what is not a
 * regular file of a sensible size, with errors that name the path.
 * @internal
 */
import * as fs from "fs";

/** The largest Dockerfile read (a guard against reading a huge or sparse file by mistake). */
export const MAX_DOCKERFILE_BYTES = 16 * 1024 * 1024;

/**
 * Reads an open file to its end. `expectedSize` (from fstat) sizes the buffer; a file that grew
 * meanwhile is read to its new end.
 */
function readAll(fd: number, expectedSize: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  let buffer = Buffer.allocUnsafe(Math.max(expectedSize + 1, 4096));
  for (;;) {
    const read = fs.readSync(fd, buffer, 0, buffer.length, null);
    if (read === 0) {
      break;
    }
    chunks.push(buffer.subarray(0, read));
    total += read;
    // A short read past the size the file had when it was opened is its end; a file that keeps
    // growing is read no further than just past the limit (and then refused).
    if ((read < buffer.length && total >= expectedSize) || total > MAX_DOCKERFILE_BYTES) {
      break;
    }
    buffer = Buffer.allocUnsafe(64 * 1024);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

/**
 * The bytes of the Dockerfile at `path`, and whether it is executable (for the fingerprint).
 * @internal
 */
export function readDockerfileBytes(path: string): { bytes: Buffer; executable: boolean } {
  const cannotRead = (e: unknown): Error =>
    new Error(
      `${path}: the Dockerfile cannot be read: ${e instanceof Error ? e.message : String(e)}`,
    );
  const tooLarge = (): Error =>
    new Error(
      `${path}: is larger than ${MAX_DOCKERFILE_BYTES / (1024 * 1024)} MiB, which no Dockerfile needs; refused.`,
    );
  const isDirectory = (): Error =>
    new Error(`${path}: is a directory, not a Dockerfile; give the path of the Dockerfile itself.`);
  let fd: number;
  try {
    // Non-blocking, so that opening a FIFO does not wait for a writer; regular files are
    // read the same either way.
    fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "EISDIR") {
      throw isDirectory();
    }
    throw code === "ENOENT" ? new Error(`${path}: the Dockerfile does not exist.`) : cannotRead(e);
  }
  let bytes: Buffer;
  let executable: boolean;
  try {
    let stat: fs.Stats;
    try {
      stat = fs.fstatSync(fd);
    } catch (e) {
      throw cannotRead(e);
    }
    if (stat.isDirectory()) {
      throw isDirectory();
    }
    if (!stat.isFile()) {
      throw new Error(
        `${path}: is not a regular file (a FIFO, socket or device), not a Dockerfile.`,
      );
    }
    executable = (stat.mode & 0o111) !== 0;
    if (stat.size > MAX_DOCKERFILE_BYTES) {
      throw tooLarge();
    }
    try {
      bytes = readAll(fd, stat.size);
    } catch (e) {
      throw cannotRead(e);
    }
    if (bytes.length > MAX_DOCKERFILE_BYTES) {
      throw tooLarge();
    }
  } finally {
    fs.closeSync(fd);
  }
  return { bytes, executable };
}
