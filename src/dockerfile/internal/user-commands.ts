/**
 * What RUN commands do to the users of a stage's /etc/passwd. A stage's users, as far as the
 * Dockerfile proves them, are what the base image is documented to define (`KNOWN_BASE_USERS`),
 * then what `RUN` commands do to them (`useradd`, `adduser` in its Debian and BusyBox forms,
 * `usermod`, `userdel`, `deluser`, an `echo`/`printf` of passwd lines into /etc/passwd), and what
 * `COPY`/`ADD` put in their place (see `stage-users.ts`).
 *
 * Semantics the analysis relies on:
 * - `useradd -u N` / `--uid N` / `--uid=N` (shadow-utils), `adduser -u N` (BusyBox) and
 *   `adduser --uid N` (Debian) create the user with uid N. Every one of them refuses a uid that is
 *   in use (root's 0 included) unless `useradd -o`/`--non-unique` is given, so a uid the analysis
 *   cannot read is non-zero without `-o`, and may be 0 with it.
 * - Without a uid option the tools allocate a free uid from their ranges, which never include 0
 *   (system users come from 100-999 or similar): non-root, uid unknown.
 * - `usermod -u N` changes the uid (`-o -u 0` makes a root alias); `usermod -l NEW OLD` renames.
 * - `userdel NAME` / `deluser NAME` remove the user; a later `useradd` of the same name creates
 *   it again; the last change wins.
 * - A command that may not run, or whose failure is tolerated (see `SimpleCommand.certain`), is
 *   merged with what was before: a uid both sides agree on stays known, and the user may be root
 *   if either side may be.
 * - Anything else that writes /etc/passwd (`sed -i`, `tee`, `cp`, a redirection of another
 *   command, a `COPY` from the build context) leaves every name unknown.
 */
import { SimpleCommand } from "./shell";
import {
  MutableUserDatabase,
  parseUid,
  setEntry,
  unknownWrite,
  UserEntry,
  withUid,
} from "./user-database";
import {
  ADDUSER,
  DELUSER,
  getopt,
  has,
  last,
  ParsedOptions,
  PREFIX_COMMANDS,
  USERADD,
  USERDEL,
  USERMOD,
} from "./user-tool-options";

/** The tools that may write /etc/passwd when it is one of their arguments. */
const PASSWD_WRITERS = new Set([
  "sed",
  "tee",
  "cp",
  "mv",
  "install",
  "ln",
  "dd",
  "rsync",
  "perl",
  "truncate",
  "patch",
  "tar",
  "awk",
  "gawk",
]);
/** Tools that edit /etc/passwd whatever their arguments. */
const PASSWD_EDITORS = new Set(["newusers", "chpasswd", "pwconv", "pwunconv", "vipw"]);

const ETC_PASSWD = "/etc/passwd";

/** The command's words without leading assignments and prefixes such as `sudo` or `env`. */
function commandWords(command: SimpleCommand): { words: (string | null)[]; offset: number } {
  const words = command.words;
  let i = 0;
  for (;;) {
    while (i < words.length && words[i] !== null && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!)) {
      i++;
    }
    const word = words[i];
    const prefix =
      word !== null && word !== undefined ? PREFIX_COMMANDS.get(basename(word)) : undefined;
    if (prefix === undefined) {
      break;
    }
    i++;
    while (i < words.length && words[i] !== null && words[i]!.startsWith("-")) {
      const option = words[i]!;
      i++;
      if (option.length === 2 && prefix.includes(option[1])) {
        i++;
      }
    }
  }
  return { words: words.slice(i), offset: i };
}

function basename(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash >= 0 ? path.slice(slash + 1) : path;
}

/** Lines of passwd format (`name:x:uid:gid:...`) in the arguments of `echo` / `printf`. */
function passwdLines(
  words: readonly (string | null)[],
): { name: string; uid?: number }[] | undefined {
  const lines: { name: string; uid?: number }[] = [];
  for (const word of words.slice(1)) {
    if (word === null) {
      return undefined;
    }
    if (word.startsWith("-") && lines.length === 0) {
      continue;
    }
    for (const line of word.split(/\\n|\n/)) {
      const match = /^([^:\s]+):[^:]*:([^:]*):/.exec(line);
      if (match) {
        lines.push({ name: match[1], uid: parseUid(match[2]) });
      }
    }
  }
  return lines;
}

/**
 * Applies one simple command of a `RUN` to the database. `where` says where the command is, e.g.
 * "at line 3 in stage #0".
 */
export function applyCommand(db: MutableUserDatabase, command: SimpleCommand, where: string): void {
  const { words, offset } = commandWords(command);
  const tool = words.length > 0 && words[0] !== null ? basename(words[0]) : undefined;
  const rest = words.slice(1);
  const restOffset = offset + 1;
  const certain = command.certain;

  const writes = command.redirects.filter(
    (r) => r.op !== "<" && r.op !== "<<" && r.op !== "<<-" && r.op !== "<<<" && r.op !== "<&",
  );
  const writesPasswd = writes.filter((r) => r.target === ETC_PASSWD || r.target === null);
  if (writesPasswd.length > 0) {
    const lines = tool === "echo" || tool === "printf" ? passwdLines(words) : undefined;
    const truncates = writesPasswd.some((r) => r.op !== ">>" && r.op !== "&>>");
    if (lines !== undefined && writesPasswd.every((r) => r.target === ETC_PASSWD)) {
      if (truncates && certain) {
        db.entries.clear();
        db.unknownBecause = `RUN ${tool} ${where} replaces /etc/passwd, and the user is not in what it writes`;
      }
      for (const line of lines) {
        const action = `RUN ${tool} ${where} writes it to /etc/passwd`;
        const entry =
          line.uid === undefined
            ? {
                mayBeRoot: false,
                proven: false,
                missing: false,
                how: `${action} with a uid field that is not a valid uid`,
              }
            : withUid(String(line.uid), true, action, undefined)!;
        setEntry(db, certain, line.name, entry);
      }
      return;
    }
    if (writesPasswd.some((r) => r.target === ETC_PASSWD)) {
      unknownWrite(
        db,
        `RUN ${tool ?? "a command"} ${where} writes /etc/passwd in a way the analysis does not read`,
      );
      return;
    }
  }
  if (tool === undefined) {
    return;
  }
  switch (tool) {
    case "useradd": {
      const parsed = getopt(rest, command.fdCandidates, restOffset, USERADD);
      if (has(parsed, "D", "--defaults", "R", "--root", "P", "--prefix", "h", "--help")) {
        return;
      }
      createUser(db, certain, tool, where, parsed, has(parsed, "o", "--non-unique"));
      return;
    }
    case "adduser": {
      const parsed = getopt(rest, command.fdCandidates, restOffset, ADDUSER);
      if (has(parsed, "--help", "--version")) {
        return;
      }
      // Debian: `adduser --group NAME` without --system creates a group only.
      if (has(parsed, "--group") && !has(parsed, "--system", "S")) {
        return;
      }
      // `adduser USER GROUP` adds an existing user to a group (Debian and BusyBox).
      if (parsed.positionals.length === 2) {
        return;
      }
      createUser(db, certain, tool, where, parsed, false);
      return;
    }
    case "usermod": {
      const parsed = getopt(rest, command.fdCandidates, restOffset, USERMOD);
      if (has(parsed, "R", "--root", "P", "--prefix", "h", "--help")) {
        return;
      }
      const login = last(parsed, "l", "--login");
      const uidValue = last(parsed, "u", "--uid");
      const nonUnique = has(parsed, "o", "--non-unique");
      const name = single(parsed.positionals);
      if (name === undefined) {
        return unknownName(db, tool, where, parsed.positionals, mayAlias(uidValue, nonUnique));
      }
      const before = db.entries.get(name);
      let entry: UserEntry | undefined = before;
      if (uidValue !== undefined) {
        entry = withUid(uidValue, nonUnique, `RUN usermod ${where} changes it`, undefined, "to");
      }
      if (login === undefined) {
        if (entry !== before && entry !== undefined) {
          setEntry(db, certain, name, entry);
        }
        return;
      }
      if (login === null) {
        unknownWrite(
          db,
          `RUN usermod ${where} renames a user to a name the analysis cannot resolve`,
          entry?.mayBeRoot ?? false,
        );
        return;
      }
      const renamed: UserEntry = entry
        ? {
            ...entry,
            how: `${entry.how}, and RUN usermod ${where} renames it from ${JSON.stringify(name)}`,
          }
        : {
            mayBeRoot: false,
            proven: false,
            missing: false,
            how: `RUN usermod ${where} renames it from ${JSON.stringify(name)}, whose uid is not known`,
          };
      setEntry(db, certain, login, renamed);
      setEntry(db, certain, name, {
        mayBeRoot: false,
        proven: false,
        missing: true,
        how: `RUN usermod ${where} renames it to ${JSON.stringify(login)}`,
      });
      return;
    }
    case "userdel":
    case "deluser": {
      const parsed = getopt(
        rest,
        command.fdCandidates,
        restOffset,
        tool === "userdel" ? USERDEL : DELUSER,
      );
      if (has(parsed, "R", "--root", "P", "--prefix", "h", "--help", "--group")) {
        return;
      }
      // `deluser USER GROUP` removes the user from a group.
      if (tool === "deluser" && parsed.positionals.length === 2) {
        return;
      }
      const name = single(parsed.positionals);
      if (name === undefined) {
        return unknownName(db, tool, where, parsed.positionals, false);
      }
      setEntry(db, certain, name, {
        mayBeRoot: false,
        proven: false,
        missing: true,
        how: `RUN ${tool} ${where} removes it`,
      });
      return;
    }
    default:
      if (
        PASSWD_EDITORS.has(tool) ||
        (PASSWD_WRITERS.has(tool) &&
          rest.some((w) => w === ETC_PASSWD || (w !== null && w.endsWith("=/etc/passwd"))))
      ) {
        unknownWrite(
          db,
          `RUN ${tool} ${where} edits /etc/passwd in a way the analysis does not read`,
        );
      }
  }
}

/**
 * `useradd` / `adduser` creating the user named by the one positional argument, with the uid of
 * its `-u`/`--uid` option, or a free non-zero uid the tool allocates when there is none.
 */
function createUser(
  db: MutableUserDatabase,
  certain: boolean,
  tool: string,
  where: string,
  parsed: ParsedOptions,
  nonUnique: boolean,
): void {
  const uid = last(parsed, "u", "--uid");
  const name = single(parsed.positionals);
  if (name === undefined) {
    unknownName(db, tool, where, parsed.positionals, mayAlias(uid, nonUnique));
    return;
  }
  const action = `RUN ${tool} ${where} creates it`;
  const entry = withUid(uid, nonUnique, action, {
    mayBeRoot: false,
    proven: true,
    missing: false,
    how: `${action} without a uid option, so ${tool} allocates a free non-zero uid`,
  })!;
  setEntry(db, certain, name, entry);
}

/** The one positional argument (the user name), if there is exactly one and it is known. */
function single(positionals: readonly (string | null)[]): string | undefined {
  return positionals.length === 1 && positionals[0] !== null && positionals[0] !== ""
    ? positionals[0]
    : undefined;
}

/** True when a uid option may give uid 0 to a user (`-u 0`, or `-o` with a uid not known). */
function mayAlias(value: string | null | undefined, nonUnique: boolean): boolean {
  return (typeof value === "string" && /^0+$/.test(value)) || (nonUnique && value === null);
}

/** A user tool whose user name the analysis cannot read: every name it might mean is unknown. */
function unknownName(
  db: MutableUserDatabase,
  tool: string,
  where: string,
  positionals: readonly (string | null)[],
  mayBeRoot: boolean,
): void {
  if (positionals.length === 0 || positionals.every((p) => p !== null)) {
    // No user name at all, or several: the tool refuses to run (or does something else).
    return;
  }
  unknownWrite(
    db,
    `RUN ${tool} ${where} changes a user whose name the analysis cannot resolve` +
      (mayBeRoot ? ", maybe into an alias of root" : ""),
    mayBeRoot,
  );
}
