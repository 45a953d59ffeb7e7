/**
 * The `code` of a Node.js system error (`ENOENT`, ...); undefined for other errors. This module is
 * not re-exported by `src/index.ts`.
 * @internal
 */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}
