/**
 * The users of each stage's /etc/passwd, as far as the Dockerfile proves them: the base image's
 * documented users, what RUN commands do to them, and what COPY/ADD put in their place.
 */
import * as path from "path";
import { Copy, Heredoc, Instruction } from "dockerfile-ast";
import { ImageReference, isScratch, knownBaseUsers, parseImageReference } from "./image-reference";
import { basename, copyFromFlag, execForm, quote, stageLabel } from "./instructions";
import { SimpleCommand, simpleCommands } from "./shell";
import { StageChain } from "./stage-model";
import { applyCommand } from "./user-commands";
import {
  freeze,
  MutableUserDatabase,
  thaw,
  unknownWrite,
  UserDatabase,
  UserEntry,
} from "./user-database";
import { StageVariables } from "./variables";
import { expandWord, VariableLookup } from "./words";

/**
 * True when copying `source` to `dest` writes /etc/passwd: a file named passwd copied to
 * /etc/passwd (or into /etc/), a directory named etc copied to /etc, or, from another stage or
 * image (`fromFilesystem`), the root directory copied to /. A wildcard source counts when the
 * destination is /etc or /etc/passwd.
 */
function landsOnEtcPasswd(
  source: string,
  dest: string,
  destIsDir: boolean,
  fromFilesystem: boolean,
): boolean {
  const isPasswd = (target: string) => path.posix.normalize(target) === "/etc/passwd";
  const normalized = path.posix.normalize(source).replace(/\/+$/, "");
  if (/[*?[]/.test(normalized)) {
    const destPath = path.posix.normalize(dest).replace(/\/+$/, "");
    return destPath === "/etc" || destPath === "/etc/passwd";
  }
  if (normalized === "") {
    return fromFilesystem && isPasswd(`${dest}/etc/passwd`);
  }
  const base = path.posix.basename(normalized);
  if (base === "etc") {
    return isPasswd(`${dest}/passwd`);
  }
  if (base === "passwd") {
    return isPasswd(destIsDir ? `${dest}/passwd` : dest);
  }
  return false;
}

/** Shells whose `-c` script, or heredoc body, the user analysis reads. */
const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"]);

/** The users of each stage, computed on first use. */
export class StageUsers {
  private readonly usersAtEnd = new Map<number, UserDatabase>();
  private textLines?: string[];

  constructor(
    private readonly graph: StageChain,
    private readonly variables: StageVariables,
    /** The Dockerfile text (heredoc bodies are read from it). */
    private readonly text: string,
    private readonly escapeChar: string,
  ) {}

  /** The users of a stage's /etc/passwd after its last instruction, as far as known. */
  public usersAfter(index: number): UserDatabase {
    // Only the stage chain (computed from its root, iteratively: chains can be long) and the
    // stages a COPY takes /etc/passwd from.
    const pending: number[] = [];
    let i: number | undefined = index;
    while (i !== undefined && !this.usersAtEnd.has(i)) {
      pending.push(i);
      i = this.graph.stages[i].parentIndex;
    }
    for (let k = pending.length - 1; k >= 0; k--) {
      this.usersAtEnd.set(pending[k], this.computeUsers(pending[k]));
    }
    return this.usersAtEnd.get(index)!;
  }

  /** Why no entry defines a name: nothing in the stage chain nor its base image's known users. */
  public noDefinition(index: number): string {
    const root = this.graph.chain(index).pop()!;
    const base = root.image
      ? isScratch(root.image)
        ? "the base image is scratch, which has no /etc/passwd"
        : `the base image ${root.image.text} is not known to define it`
      : `the base image ${quote(root.stage.baseImage)} could not be resolved`;
    return `no useradd or adduser in the stage chain creates it, and ${base}`;
  }

  /** Computes the users of a stage after its last instruction; its parent's are computed. */
  private computeUsers(index: number): UserDatabase {
    const model = this.graph.stages[index];
    const db: MutableUserDatabase =
      model.parentIndex !== undefined
        ? thaw(this.usersAtEnd.get(model.parentIndex)!)
        : this.imageUsers(model.image, "the base image", undefined);
    const label = stageLabel(model.stage);
    this.variables.walk(index, undefined, (instruction, lookup, line) => {
      const keyword = instruction.getKeyword().toUpperCase();
      const where = `at line ${line} in stage ${label}`;
      if (keyword === "RUN") {
        for (const command of this.runCommands(instruction, lookup)) {
          applyCommand(db, command, where);
        }
      } else if (keyword === "COPY" || keyword === "ADD") {
        this.copyUsers(db, index, instruction, lookup, keyword, where);
      }
    });
    return freeze(db);
  }

  /** The users an image is documented to define (`KNOWN_BASE_USERS`), as a database. */
  private imageUsers(
    image: ImageReference | undefined,
    what: string,
    copied: string | undefined,
  ): MutableUserDatabase {
    const entries = new Map<string, UserEntry>();
    const known = image !== undefined ? knownBaseUsers(image) : undefined;
    if (image !== undefined && known !== undefined) {
      for (const [name, uid] of Object.entries(known.users)) {
        entries.set(name, {
          uid,
          mayBeRoot: false,
          proven: true,
          missing: false,
          how: `${what} ${image.text} defines it with uid ${uid} (documented for ${known.images} images)${copied ?? ""}`,
        });
      }
    }
    return { entries };
  }

  /** The simple commands a RUN instruction runs (shell form, exec form, heredocs). */
  private runCommands(instruction: Instruction, lookup: VariableLookup): SimpleCommand[] {
    const argv = execForm(instruction);
    if (argv !== undefined) {
      // Exec form: no shell, no variable expansion, unless it runs a shell with -c.
      const c = argv.findIndex((a, k) => k > 0 && /^-[a-z]*c[a-z]*$/.test(a));
      if (argv.length > 0 && SHELLS.has(basename(argv[0])) && c > 0 && c + 1 < argv.length) {
        return simpleCommands(argv[c + 1], lookup);
      }
      return [{ words: argv, fdCandidates: new Set(), redirects: [], certain: true }];
    }
    const content = instruction.getArgumentsContent() ?? "";
    const run = instruction as Instruction & { getHeredocs?: () => Heredoc[] };
    const heredocs = typeof run.getHeredocs === "function" ? run.getHeredocs() : [];
    if (heredocs.length === 0) {
      return simpleCommands(content, lookup);
    }
    // The first line is the command; the heredocs are its input. `RUN <<EOF` (or `RUN <<EOF sh`)
    // runs the heredoc as the script.
    const head = simpleCommands(content.split(/\r?\n/)[0], lookup);
    const words = head.length === 1 ? head[0].words : [];
    const shellOnly =
      head.length === 0 ||
      (head.length === 1 &&
        (words.length === 0 ||
          (words[0] !== null &&
            SHELLS.has(basename(words[0])) &&
            words.slice(1).every((w) => w !== null && /^-[a-bd-z]+$/.test(w)))));
    if (!shellOnly) {
      return head;
    }
    return heredocs.flatMap((heredoc) => simpleCommands(this.heredocText(heredoc), lookup));
  }

  private heredocText(heredoc: Heredoc): string {
    const range = heredoc.getContentRange();
    if (range === null) {
      return "";
    }
    this.textLines ??= this.text.split(/\r\n|\r|\n/);
    const lines = this.textLines.slice(range.start.line, range.end.line + 1);
    if (lines.length === 0) {
      return "";
    }
    lines[lines.length - 1] = lines[lines.length - 1].slice(0, range.end.character);
    lines[0] = lines[0].slice(range.start.character);
    return lines.join("\n");
  }

  /**
   * A COPY or ADD that puts a file at /etc/passwd replaces the users: with those of the stage it
   * copies from, those documented for the image it copies from, or unknown ones (the build
   * context is not read).
   */
  private copyUsers(
    db: MutableUserDatabase,
    index: number,
    instruction: Instruction,
    lookup: VariableLookup,
    keyword: string,
    at: string,
  ): void {
    const argv = execForm(instruction);
    const copy = instruction as Copy;
    const hasHeredocs = typeof copy.getHeredocs === "function" && copy.getHeredocs().length > 0;
    // The arguments without the flags; with heredocs, those of the first line (the rest is the
    // heredocs' content).
    const raw = argv
      ? argv.map((a) => JSON.stringify(a))
      : hasHeredocs
        ? (instruction.getArgumentsContent() ?? "")
            .split(/\r?\n/)[0]
            .split(/\s+/)
            .filter((w) => w !== "" && !w.startsWith("--"))
        : instruction.getArguments().map((a) => a.getValue());
    if (raw.length < 2) {
      return;
    }
    const values = raw.map((w) => expandWord(w, this.escapeChar, lookup).value);
    const dest = values[values.length - 1];
    if (dest === undefined || !dest.startsWith("/")) {
      // A destination the analysis cannot resolve, or relative to WORKDIR: not followed.
      return;
    }
    const sources = values.slice(0, -1);
    const destIsDir = dest.endsWith("/") || sources.length > 1;
    const destPath = path.posix.normalize(dest).replace(/\/+$/, "");
    const fromFlag = copyFromFlag(copy);
    const from =
      fromFlag !== undefined ? expandWord(fromFlag, this.escapeChar, lookup).value : undefined;
    let known = fromFlag === undefined || from !== undefined;
    const where = `${keyword}${fromFlag !== undefined ? ` --from=${from ?? fromFlag}` : ""} ${at}`;
    let lands = false;
    for (const source of sources) {
      if (source === undefined || source.startsWith("<<")) {
        // A source the analysis cannot resolve, or a heredoc: only the destination tells.
        const name = source?.replace(/^<<-?["']?/, "").replace(/["']$/, "");
        if (
          destPath === "/etc/passwd" ||
          (destPath === "/etc" && (source === undefined || (destIsDir && name === "passwd")))
        ) {
          lands = true;
          known = false;
        }
      } else if (landsOnEtcPasswd(source, dest, destIsDir, fromFlag !== undefined)) {
        lands = true;
        known = known && !/[*?[]/.test(source);
      }
    }
    if (!lands) {
      return;
    }
    if (!known || from === undefined) {
      unknownWrite(
        db,
        `${where} replaces /etc/passwd with ${from === undefined && known ? "a file from the build context" : "a file"}, which the analysis does not read`,
      );
      return;
    }
    const copied = `, and ${where} copies that /etc/passwd`;
    const stage = this.graph.stageReference(from, index);
    let replacement: UserDatabase;
    if (stage !== undefined) {
      const users = this.usersAfter(stage.stage.index);
      replacement = {
        entries: new Map(
          [...users.entries].map(([name, entry]) => [name, { ...entry, how: entry.how + copied }]),
        ),
        unknownBecause:
          users.unknownBecause !== undefined
            ? `${users.unknownBecause}${copied}`
            : `${where} copies /etc/passwd from stage ${stageLabel(stage.stage)}, and there ${this.noDefinition(stage.stage.index)}`,
        unknownMayBeRoot: users.unknownMayBeRoot,
      };
    } else {
      const image = parseImageReference(from);
      const users = this.imageUsers(image, "the image", copied);
      replacement = {
        entries: users.entries,
        unknownBecause: `${where} copies /etc/passwd from the image ${image.text}, which is not known to define it`,
      };
    }
    db.entries = new Map(replacement.entries);
    db.unknownBecause = replacement.unknownBecause;
    db.unknownMayBeRoot = replacement.unknownMayBeRoot;
  }
}
