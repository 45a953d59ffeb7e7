/**
 * The users a stage's /etc/passwd holds, as far as the Dockerfile proves them: what the base
 * image is documented to define (`KNOWN_BASE_USERS`), then what `RUN` commands do to it
 * (`useradd`, `adduser` in its Debian and BusyBox forms, `usermod`, `userdel`, `deluser`, an
 * `echo`/`printf` of passwd lines into /etc/passwd), and what `COPY`/`ADD` put in its place.
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

/** What the analysis knows about one user name. */
export interface UserEntry {
  /** The uid, when proven. */
  readonly uid?: number;
  /** True when the user may have uid 0 (a root alias). */
  readonly mayBeRoot: boolean;
  /** True when the user surely exists with a non-zero uid (known or allocated by the tools). */
  readonly proven: boolean;
  /** True when the user surely does not exist (removed). */
  readonly missing: boolean;
  /** What defines it, to follow "the user "x", which ...": e.g. "RUN useradd at line 3 in stage #0 creates with uid 10001". */
  readonly how: string;
}

/** The users of a stage's /etc/passwd as far as known. */
export interface UserDatabase {
  readonly entries: ReadonlyMap<string, UserEntry>;
  /** True when a command may have made a name the analysis cannot read an alias of root. */
  readonly unknownMayBeRoot?: boolean;
  /**
   * Why a name that is not in `entries` is not known (e.g. /etc/passwd was replaced by a file the
   * analysis does not read); undefined when the only reason is that nothing defines it.
   */
  readonly unknownBecause?: string;
}

/** A database being built during a walk over a stage's instructions. */
export interface MutableUserDatabase {
  entries: Map<string, UserEntry>;
  unknownMayBeRoot?: boolean;
  unknownBecause?: string;
}

/** The largest valid uid (4294967295 is reserved as "no uid"). */
export const MAX_UID = 4294967294;

/** A uid as the tools read it: decimal digits, within range; undefined otherwise. */
function parseUid(text: string): number | undefined {
  if (!/^[0-9]+$/.test(text)) {
    return undefined;
  }
  const uid = Number(text);
  return Number.isSafeInteger(uid) && uid <= MAX_UID ? uid : undefined;
}

/** How a tool reads its options: which take an argument. */
interface OptionSpec {
  /** Short options (single letters) that take an argument. */
  readonly shortWithArg: string;
  /** Long options that take an argument (others are flags; `--name=value` always has one). */
  readonly longWithArg: readonly string[];
}

interface ParsedOptions {
  /** Options in order: short ones as their letter, long ones as `--name`; value null when unknown. */
  readonly options: { readonly name: string; readonly value: string | null | undefined }[];
  readonly positionals: (string | null)[];
}

/** Reads options the way getopt_long (and BusyBox's getopt32) does, with permutation. */
function getopt(
  words: readonly (string | null)[],
  fdCandidates: ReadonlySet<number>,
  offset: number,
  spec: OptionSpec,
): ParsedOptions {
  const options: { name: string; value: string | null | undefined }[] = [];
  const positionals: (string | null)[] = [];
  let i = 0;
  let rest = false;
  while (i < words.length) {
    const word = words[i];
    const index = i + offset;
    i++;
    if (rest || word === null || word === "-" || !word.startsWith("-")) {
      if (!fdCandidates.has(index)) {
        positionals.push(word);
      }
      continue;
    }
    if (word === "--") {
      rest = true;
      continue;
    }
    if (word.startsWith("--")) {
      const eq = word.indexOf("=");
      if (eq >= 0) {
        options.push({ name: word.slice(0, eq), value: word.slice(eq + 1) });
      } else if (spec.longWithArg.includes(word.slice(2))) {
        options.push({ name: word, value: i < words.length ? words[i] : undefined });
        i++;
      } else {
        options.push({ name: word, value: undefined });
      }
      continue;
    }
    for (let k = 1; k < word.length; k++) {
      const letter = word[k];
      if (spec.shortWithArg.includes(letter)) {
        if (k + 1 < word.length) {
          options.push({ name: letter, value: word.slice(k + 1) });
        } else {
          options.push({ name: letter, value: i < words.length ? words[i] : undefined });
          i++;
        }
        break;
      }
      options.push({ name: letter, value: undefined });
    }
  }
  return { options, positionals };
}

function has(parsed: ParsedOptions, ...names: string[]): boolean {
  return parsed.options.some((o) => names.includes(o.name));
}

/** The value of the last of the named options: a string, null (unknown), or undefined (absent). */
function last(parsed: ParsedOptions, ...names: string[]): string | null | undefined {
  let value: string | null | undefined;
  for (const o of parsed.options) {
    if (names.includes(o.name)) {
      value = o.value === undefined ? null : o.value;
    }
  }
  return value;
}

const USERADD: OptionSpec = {
  shortWithArg: "bcdefgGkKpPRsuZ",
  longWithArg: [
    "base-dir",
    "comment",
    "home-dir",
    "expiredate",
    "inactive",
    "gid",
    "groups",
    "skel",
    "key",
    "password",
    "prefix",
    "root",
    "shell",
    "uid",
    "selinux-user",
    "selinux-range",
  ],
};
const USERMOD: OptionSpec = {
  shortWithArg: "cdefgGlpPRsuvVwWZ",
  longWithArg: [
    "comment",
    "home",
    "expiredate",
    "inactive",
    "gid",
    "groups",
    "login",
    "password",
    "prefix",
    "root",
    "shell",
    "uid",
    "add-subuids",
    "del-subuids",
    "add-subgids",
    "del-subgids",
    "selinux-user",
    "selinux-range",
  ],
};
const USERDEL: OptionSpec = { shortWithArg: "PR", longWithArg: ["prefix", "root"] };
/**
 * `adduser`: the BusyBox short options (`-h DIR -g GECOS -s SHELL -G GROUP -u UID -k SKEL`,
 * flags `-D -H -S`) and the Debian long options (`--uid ID`, `--home DIR`, ...).
 */
const ADDUSER: OptionSpec = {
  shortWithArg: "hgsGukc",
  longWithArg: [
    "home",
    "shell",
    "uid",
    "firstuid",
    "lastuid",
    "ingroup",
    "gid",
    "firstgid",
    "lastgid",
    "gecos",
    "comment",
    "conf",
    "key",
    "stdoutmsglevel",
    "stderrmsglevel",
    "logmsglevel",
  ],
};
const DELUSER: OptionSpec = { shortWithArg: "c", longWithArg: ["conf", "backup-to"] };
/** Options of command prefixes that take an argument (`sudo -u USER cmd`, `nice -n 5 cmd`). */
const PREFIX_COMMANDS: ReadonlyMap<string, string> = new Map([
  ["sudo", "CDghprtUu"],
  ["env", "CSu"],
  ["exec", "a"],
  ["command", ""],
  ["busybox", ""],
  ["nice", "n"],
  ["nohup", ""],
  ["time", "fo"],
]);

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

/** Combines what was known before a command that may not run with what it does if it runs. */
function maybe(before: UserEntry | undefined, after: UserEntry): UserEntry {
  const how =
    `${after.how}, but that command may not run or may fail without failing the build ` +
    "(it runs conditionally, negated, in a pipeline, in the background or in a list with ||)";
  if (before === undefined) {
    return { mayBeRoot: after.mayBeRoot, proven: false, missing: false, how };
  }
  return {
    uid: before.uid === after.uid ? before.uid : undefined,
    mayBeRoot: before.mayBeRoot || after.mayBeRoot,
    proven: before.proven && after.proven,
    missing: before.missing && after.missing,
    how,
  };
}

function set(db: MutableUserDatabase, certain: boolean, name: string, entry: UserEntry): void {
  db.entries.set(name, certain ? entry : maybe(db.entries.get(name), entry));
}

/**
 * The entry for a uid given to a tool (`value`: the option's value, null when unknown). `action`
 * is what the command does ("RUN useradd at line 3 in stage #0 creates it"); `preposition` joins it
 * to the uid ("with", "to").
 */
function withUid(
  value: string | null | undefined,
  nonUnique: boolean,
  action: string,
  allocated: UserEntry | undefined,
  preposition = "with",
): UserEntry | undefined {
  if (value === undefined) {
    return allocated;
  }
  const uid = value === null ? undefined : parseUid(value);
  if (uid === undefined) {
    return nonUnique
      ? {
          mayBeRoot: true,
          proven: false,
          missing: false,
          how: `${action} ${preposition} a uid the analysis cannot resolve (${value === null ? "a variable without a known value" : JSON.stringify(value)}) and -o, which allows uid 0`,
        }
      : {
          mayBeRoot: false,
          proven: value === null,
          missing: false,
          how:
            value === null
              ? `${action} ${preposition} a uid the analysis cannot resolve (a variable without a known value), which is not 0: the tool refuses a uid in use without -o`
              : `${action} ${preposition} ${JSON.stringify(value)}, which is not a valid uid (the command fails)`,
        };
  }
  if (uid === 0) {
    return {
      uid: 0,
      mayBeRoot: true,
      proven: false,
      missing: false,
      how: `${action} ${preposition} uid 0, an alias of root`,
    };
  }
  return {
    uid,
    mayBeRoot: false,
    proven: true,
    missing: false,
    how: `${action} ${preposition} uid ${uid}`,
  };
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
        set(db, certain, line.name, entry);
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
      const nonUnique = has(parsed, "o", "--non-unique");
      const name = single(parsed.positionals);
      if (name === undefined) {
        return unknownName(
          db,
          tool,
          where,
          parsed.positionals,
          mayAlias(last(parsed, "u", "--uid"), nonUnique),
        );
      }
      const action = `RUN useradd ${where} creates it`;
      const entry = withUid(last(parsed, "u", "--uid"), nonUnique, action, {
        mayBeRoot: false,
        proven: true,
        missing: false,
        how: `${action} without a uid option, so useradd allocates a free non-zero uid`,
      })!;
      set(db, certain, name, entry);
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
      const name = single(parsed.positionals);
      if (name === undefined) {
        return unknownName(
          db,
          tool,
          where,
          parsed.positionals,
          mayAlias(last(parsed, "u", "--uid"), false),
        );
      }
      const action = `RUN adduser ${where} creates it`;
      const entry = withUid(last(parsed, "u", "--uid"), false, action, {
        mayBeRoot: false,
        proven: true,
        missing: false,
        how: `${action} without a uid option, so adduser allocates a free non-zero uid`,
      })!;
      set(db, certain, name, entry);
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
          set(db, certain, name, entry);
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
      set(db, certain, login, renamed);
      set(db, certain, name, {
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
      set(db, certain, name, {
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

/**
 * /etc/passwd changed in a way the analysis does not read: no name is known any more. With
 * `mayBeRoot`, the change may have made any name an alias of root.
 */
export function unknownWrite(db: MutableUserDatabase, because: string, mayBeRoot = false): void {
  db.entries.clear();
  db.unknownBecause = because;
  db.unknownMayBeRoot = (db.unknownMayBeRoot ?? false) || mayBeRoot;
}

/** An immutable copy of a database. */
export function freeze(db: MutableUserDatabase): UserDatabase {
  return {
    entries: new Map(db.entries),
    unknownBecause: db.unknownBecause,
    unknownMayBeRoot: db.unknownMayBeRoot,
  };
}

/** A mutable copy of a database. */
export function thaw(db: UserDatabase): MutableUserDatabase {
  return {
    entries: new Map(db.entries),
    unknownBecause: db.unknownBecause,
    unknownMayBeRoot: db.unknownMayBeRoot,
  };
}
