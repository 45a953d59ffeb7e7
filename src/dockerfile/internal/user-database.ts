/**
 * What the analysis knows about the users of a stage's /etc/passwd, and how a change to it is
 * recorded: a certain change replaces an entry, one that may not run is merged with what was
 * there before.
 */

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
export function parseUid(text: string): number | undefined {
  if (!/^[0-9]+$/.test(text)) {
    return undefined;
  }
  const uid = Number(text);
  return Number.isSafeInteger(uid) && uid <= MAX_UID ? uid : undefined;
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

export function setEntry(
  db: MutableUserDatabase,
  certain: boolean,
  name: string,
  entry: UserEntry,
): void {
  db.entries.set(name, certain ? entry : maybe(db.entries.get(name), entry));
}

/**
 * The entry for a uid given to a tool (`value`: the option's value, null when unknown). `action`
 * is what the command does ("RUN useradd at line 3 in stage #0 creates it"); `preposition` joins it
 * to the uid ("with", "to").
 */
export function withUid(
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
