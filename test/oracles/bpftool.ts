// The bpftool oracle: `bpftool btf dump file X` (raw format) parsed into
// plain records, one per BTF type, keeping every figure bpftool prints.
// The text format is parsed rather than `-j` because JSON numbers lose the
// top bits of ENUM64 values above 2^53.
import { execFileSync, spawnSync } from "node:child_process";

export interface BtfMemberRecord {
  name: string;
  typeId: number;
  bitsOffset: number;
  /** 0 unless bpftool printed `bitfield_size=`. */
  bitfieldSize: number;
}

export interface BtfParamRecord {
  name: string;
  typeId: number;
}

export interface BtfEnumValueRecord {
  name: string;
  value: bigint;
}

export interface BtfVarSecinfoRecord {
  typeId: number;
  offset: number;
  size: number;
}

/** One line of bpftool's raw dump and the indented lines under it. */
export interface BtfRecord {
  id: number;
  /** INT, PTR, ..., ENUM64, as bpftool spells it. */
  kind: string;
  /** "" where bpftool prints '(anon)'. */
  name: string;
  size?: number;
  typeId?: number;
  vlen?: number;
  // INT
  bitsOffset?: number;
  nrBits?: number;
  /** SIGNED, CHAR, BOOL or (none) for INT; SIGNED or UNSIGNED for ENUM and ENUM64. */
  encoding?: string;
  // ARRAY
  indexTypeId?: number;
  nrElems?: number;
  members?: BtfMemberRecord[];
  values?: BtfEnumValueRecord[];
  // FUNC_PROTO
  retTypeId?: number;
  params?: BtfParamRecord[];
  /** struct or union, for FWD. */
  fwdKind?: string;
  /** static, global or extern, for FUNC and VAR. */
  linkage?: string;
  /** DECL_TAG: the member or parameter index, -1 for the type itself. */
  componentIdx?: number;
  vars?: BtfVarSecinfoRecord[];
}

/** Whether a command is on PATH, for `skipIf`. */
export function hasTool(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

export const HAVE_BPFTOOL = hasTool("bpftool");

/** Runs `bpftool btf dump file FILE` (`-B BASE` first for split BTF) and parses it. */
export function bpftoolDump(file: string, opts: { base?: string } = {}): BtfRecord[] {
  const args = [...(opts.base ? ["-B", opts.base] : []), "btf", "dump", "file", file];
  const text = execFileSync("bpftool", args, { encoding: "utf8", maxBuffer: 1 << 30 });
  return parseBpftoolRaw(text);
}

/** `bpftool btf dump file FILE format c`: the C header libbpf's btf_dump writes. */
export function bpftoolDumpC(file: string): string {
  return execFileSync("bpftool", ["btf", "dump", "file", file, "format", "c"], { encoding: "utf8", maxBuffer: 1 << 30 });
}

const HEAD = /^\[(\d+)\] (\w+) '([^']*)'(.*)$/;
const QUOTED = /^\t'([^']*)'(.*)$/;

export function parseBpftoolRaw(text: string): BtfRecord[] {
  const records: BtfRecord[] = [];
  let cur: BtfRecord | undefined;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    if (line.startsWith("\t")) {
      if (!cur) throw new Error(`bpftool output line ${i + 1}: member line before any type`);
      addChild(cur, line, i + 1);
      continue;
    }
    const m = HEAD.exec(line);
    if (!m) throw new Error(`bpftool output line ${i + 1}: cannot parse ${JSON.stringify(line)}`);
    cur = { id: Number(m[1]), kind: m[2]!, name: m[3] === "(anon)" ? "" : m[3]!, ...fields(m[4]!) };
    if (cur.kind === "STRUCT" || cur.kind === "UNION") cur.members = [];
    if (cur.kind === "ENUM" || cur.kind === "ENUM64") cur.values = [];
    if (cur.kind === "FUNC_PROTO") cur.params = [];
    if (cur.kind === "DATASEC") cur.vars = [];
    records.push(cur);
  }
  return records;
}

/** `key=value` pairs after the name; bpftool puts a stray comma after VAR's type_id. */
function fields(rest: string): Partial<BtfRecord> {
  const out: Partial<BtfRecord> = {};
  for (const pair of rest.trim().split(/\s+/)) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1).replace(/,$/, "");
    switch (key) {
      case "size":
        out.size = Number(value);
        break;
      case "type_id":
        out.typeId = Number(value);
        break;
      case "vlen":
        out.vlen = Number(value);
        break;
      case "bits_offset":
        out.bitsOffset = Number(value);
        break;
      case "nr_bits":
        out.nrBits = Number(value);
        break;
      case "encoding":
        out.encoding = value;
        break;
      case "index_type_id":
        out.indexTypeId = Number(value);
        break;
      case "nr_elems":
        out.nrElems = Number(value);
        break;
      case "ret_type_id":
        out.retTypeId = Number(value);
        break;
      case "fwd_kind":
        out.fwdKind = value;
        break;
      case "linkage":
        out.linkage = value;
        break;
      case "component_idx":
        out.componentIdx = Number(value);
        break;
      default:
        throw new Error(`bpftool output: unknown field ${key} in ${JSON.stringify(rest)}`);
    }
  }
  return out;
}

function addChild(cur: BtfRecord, line: string, lineNo: number): void {
  if (cur.vars) {
    // \ttype_id=5 offset=0 size=4 (VAR 'name')
    const m = /^\ttype_id=(\d+) offset=(\d+) size=(\d+)/.exec(line);
    if (!m) throw new Error(`bpftool output line ${lineNo}: cannot parse datasec entry ${JSON.stringify(line)}`);
    cur.vars.push({ typeId: Number(m[1]), offset: Number(m[2]), size: Number(m[3]) });
    return;
  }
  const q = QUOTED.exec(line);
  if (!q) throw new Error(`bpftool output line ${lineNo}: cannot parse ${JSON.stringify(line)}`);
  const name = q[1] === "(anon)" ? "" : q[1]!;
  const rest = q[2]!.trim();
  if (cur.values) {
    const v = /^val=(-?\d+)(?:U?LL)?$/.exec(rest);
    if (!v) throw new Error(`bpftool output line ${lineNo}: cannot parse enum value ${JSON.stringify(line)}`);
    cur.values.push({ name, value: BigInt(v[1]!) });
    return;
  }
  if (cur.members) {
    const m = /^type_id=(\d+) bits_offset=(\d+)(?: bitfield_size=(\d+))?$/.exec(rest);
    if (!m) throw new Error(`bpftool output line ${lineNo}: cannot parse member ${JSON.stringify(line)}`);
    cur.members.push({ name, typeId: Number(m[1]), bitsOffset: Number(m[2]), bitfieldSize: Number(m[3] ?? 0) });
    return;
  }
  if (cur.params) {
    const p = /^type_id=(\d+)$/.exec(rest);
    if (!p) throw new Error(`bpftool output line ${lineNo}: cannot parse parameter ${JSON.stringify(line)}`);
    cur.params.push({ name, typeId: Number(p[1]) });
    return;
  }
  throw new Error(`bpftool output line ${lineNo}: unexpected line under ${cur.kind}`);
}
