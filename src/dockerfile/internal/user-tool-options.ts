/**
 * How the user tools (`useradd`, `adduser`, `usermod`, `userdel`, `deluser`) and command prefixes
 * (`sudo`, `env`, ...) read their command-line options.
 */

/** How a tool reads its options: which take an argument. */
export interface OptionSpec {
  /** Short options (single letters) that take an argument. */
  readonly shortWithArg: string;
  /** Long options that take an argument (others are flags; `--name=value` always has one). */
  readonly longWithArg: readonly string[];
}

export interface ParsedOptions {
  /** Options in order: short ones as their letter, long ones as `--name`; value null when unknown. */
  readonly options: { readonly name: string; readonly value: string | null | undefined }[];
  readonly positionals: (string | null)[];
}

/** Reads options the way getopt_long (and BusyBox's getopt32) does, with permutation. */
export function getopt(
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

export function has(parsed: ParsedOptions, ...names: string[]): boolean {
  return parsed.options.some((o) => names.includes(o.name));
}

/** The value of the last of the named options: a string, null (unknown), or undefined (absent). */
export function last(parsed: ParsedOptions, ...names: string[]): string | null | undefined {
  let value: string | null | undefined;
  for (const o of parsed.options) {
    if (names.includes(o.name)) {
      value = o.value === undefined ? null : o.value;
    }
  }
  return value;
}

export const USERADD: OptionSpec = {
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
export const USERMOD: OptionSpec = {
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
export const USERDEL: OptionSpec = { shortWithArg: "PR", longWithArg: ["prefix", "root"] };
/**
 * `adduser`: the BusyBox short options (`-h DIR -g GECOS -s SHELL -G GROUP -u UID -k SKEL`,
 * flags `-D -H -S`) and the Debian long options (`--uid ID`, `--home DIR`, ...).
 */
export const ADDUSER: OptionSpec = {
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
export const DELUSER: OptionSpec = { shortWithArg: "c", longWithArg: ["conf", "backup-to"] };
/** Options of command prefixes that take an argument (`sudo -u USER cmd`, `nice -n 5 cmd`). */
export const PREFIX_COMMANDS: ReadonlyMap<string, string> = new Map([
  ["sudo", "CDghprtUu"],
  ["env", "CSu"],
  ["exec", "a"],
  ["command", ""],
  ["busybox", ""],
  ["nice", "n"],
  ["nohup", ""],
  ["time", "fo"],
]);
