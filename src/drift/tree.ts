import { dirname, resolve } from "node:path";
import { programStem } from "../check/c-locate.js";
import { kindOf } from "../check/discover.js";
import { reader } from "../check/readers.js";
import type { BpfModule } from "../ir/bindings.js";
import { InputError } from "../ir/errors.js";
import { TARGETS } from "../ir/targets.js";
import { isBpfElf } from "../readers/elf/index.js";
import { readBpfObjects } from "../readers/object/index.js";
import { HeaderCache } from "../readers/c/header-cache.js";
import { sourceModule } from "../readers/c/module.js";
import { isBpfSource, type CText, type TreeFile } from "./bpf-source.js";

// Which files of a tree are the BPF side, and the modules they give. One
// rule for `check`, `snapshot` and `diff`, so the lock a snapshot writes is
// the lock the next check compares against, file for file.

/** Python that imports BCC, whose `BPF(text=...)` may hold a program. */
const BCC_IMPORT = /^\s*(?:from\s+bcc\s+import|import\s+bcc)\b/m;

/**
 * The BPF modules of a set of files: every BPF object, then every BPF C
 * source, then the C inside BCC's Python. An object's BTF is the compiler's word and wins (snapshot ranks
 * objects first); its source still gives the types the compiler dropped, an
 * event only ever reached through a pointer, say. `known` holds the modules
 * a caller has already read from some of these files, by path: `check` reads
 * each object and each source without one before it needs the lock, and
 * gives its `headers`, so that vmlinux.h is parsed once for both.
 */
export async function readTree(
  files: readonly TreeFile[],
  what: string,
  includeDirs: readonly string[] = [],
  known: ReadonlyMap<string, readonly BpfModule[]> = new Map(),
  headers: HeaderCache = new HeaderCache(),
): Promise<{ modules: BpfModule[]; sources: CText[] }> {
  const decoder = new TextDecoder();
  const modules: BpfModule[] = [];
  const objects = files.filter((f) => kindOf(f.path) === "object" && isBpfElf(f.bytes));
  for (const f of objects) modules.push(...(known.get(f.path) ?? readBpfObjects(f.bytes, f.path)));
  const built = new Set(objects.map((f) => programStem(f.path)));
  const cFiles = files.filter((f) => kindOf(f.path) === "c").map((f) => ({ file: f.path, text: decoder.decode(f.bytes) }));
  const texts: Record<string, string> = Object.fromEntries(cFiles.map((c) => [c.file, c.text]));
  const sources = cFiles.filter((c) => isBpfSource(c.file, c.text, (p) => texts[p]));
  for (const c of sources) {
    if (c.file.endsWith(".h")) continue;
    const read = known.get(c.file);
    if (read) {
      modules.push(...read);
      continue;
    }
    const readC = await reader("c");
    // A source the reader cannot follow takes nothing away from its object.
    try {
      const r = await readC(c.file, { target: TARGETS.bpfel, includeDirs: [dirname(c.file), ...includeDirs.map((d) => resolve(d))], files: texts, headers });
      modules.push(sourceModule(r));
    } catch (e) {
      if (!(built.has(programStem(c.file)) && e instanceof InputError)) throw e;
    }
  }
  // BCC tools carry their BPF C inside Python: the program the reader folds out of it is the truth.
  for (const f of files.filter((f) => kindOf(f.path) === "python")) {
    const read = known.get(f.path);
    if (read) {
      modules.push(...read);
      continue;
    }
    const text = decoder.decode(f.bytes);
    if (!BCC_IMPORT.test(text)) continue;
    const readPython = await reader("python");
    modules.push(...((await readPython(f.path, text, {})).embeddedBpf ?? []));
  }
  if (modules.length === 0) throw new InputError(what, "no BPF object or BPF C source here");
  return { modules, sources };
}
