import { readFile } from "node:fs/promises";
import { InputError } from "../ir/errors.js";
import { formatPython, OLDEST_PYTHON, parsePythonVersion, type PythonVersion } from "../ir/layout/ctypes.js";
import { isTargetName, type TargetName } from "../ir/targets.js";
import type { ExplicitPair } from "../match/pair.js";
import type { Severity } from "../rules/finding.js";
import { ruleById } from "../rules/index.js";

// abidrift.config.json, checked field by field against what
// schemas/config.schema.json says (test/check/config.test.ts keeps the two in
// step), so a typo is an error with its line rather than a silent default.

export const CONFIG_FILE = "abidrift.config.json";

export type RuleSetting = Severity | "off";

export interface Config {
  include: string[];
  exclude: string[];
  pairs: ExplicitPair[];
  targets?: TargetName[];
  rules: Record<string, RuleSetting>;
  /** Include directories for C sources, relative to the config. */
  includeDirs: string[];
  /** `python.version`: the CPython whose ctypes rules lay out the Python twins. */
  python?: PythonVersion;
  /** The config file, when there is one. */
  file?: string;
}

export const DEFAULT_CONFIG: Config = { include: [], exclude: [], pairs: [], rules: {}, includeDirs: [] };

const SETTINGS = new Set(["error", "warning", "note", "off"]);
const KEYS = new Set(["$schema", "include", "exclude", "pairs", "targets", "rules", "includeDirs", "python"]);

/** Reads the config at `path`; undefined when the file does not exist. */
export async function loadConfig(path: string): Promise<Config | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  return parseConfig(path, text);
}

export function parseConfig(file: string, text: string): Config {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const pos = /position (\d+)/.exec((e as Error).message)?.[1];
    throw new InputError(file, `not valid JSON: ${(e as Error).message.split("\n")[0]}`, pos ? lineAt(text, Number(pos)) : {});
  }
  const fail = (key: string, detail: string): never => {
    throw new InputError(file, `${key}: ${detail}`, lineOfKey(text, key.split(/[.[]/)[0]!));
  };
  if (!isObject(raw)) throw new InputError(file, "the config must be a JSON object", { line: 1 });
  for (const key of Object.keys(raw)) if (!KEYS.has(key)) fail(key, `unknown setting (known: ${[...KEYS].filter((k) => k !== "$schema").join(", ")})`);
  const strings = (key: string): string[] => {
    const v = raw[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) return fail(key, "must be an array of strings");
    return v as string[];
  };
  const config: Config = { include: strings("include"), exclude: strings("exclude"), pairs: [], rules: {}, includeDirs: strings("includeDirs"), file };
  if (raw.targets !== undefined) {
    const targets = strings("targets");
    for (const t of targets) if (!isTargetName(t)) fail("targets", `unknown target "${t}" (x86_64, aarch64, i386, armhf)`);
    if (targets.length === 0) fail("targets", "name at least one target");
    config.targets = targets as TargetName[];
  }
  if (raw.python !== undefined) {
    const p = raw.python;
    if (!isObject(p) || Object.keys(p).some((k) => k !== "version")) return fail("python", `must be { "version": "3.x" }`);
    const v = typeof p.version === "string" ? parsePythonVersion(p.version) : undefined;
    if (!v) return fail("python", `version must be a CPython release "3.x" from ${formatPython(OLDEST_PYTHON)} on, not ${JSON.stringify(p.version)}`);
    config.python = v;
  }
  const pairs = raw.pairs ?? [];
  if (!Array.isArray(pairs)) fail("pairs", "must be an array");
  (pairs as unknown[]).forEach((p, i) => {
    if (!isObject(p) || typeof p.c !== "string" || typeof p.twin !== "string") return fail(`pairs[${i}]`, `needs "c" and "twin" strings`);
    if (p.file !== undefined && typeof p.file !== "string") return fail(`pairs[${i}]`, `"file" must be a string`);
    for (const k of Object.keys(p)) if (!["c", "twin", "file"].includes(k)) fail(`pairs[${i}]`, `unknown key "${k}"`);
    config.pairs.push({ c: p.c, twin: p.twin, ...(p.file ? { file: p.file as string } : {}), loc: { file, ...lineOfKey(text, "pairs") } });
  });
  const rules = raw.rules ?? {};
  if (!isObject(rules)) return fail("rules", "must be an object of rule ids to error, warning, note or off");
  for (const [id, setting] of Object.entries(rules)) {
    if (!ruleById(id)) fail("rules", `unknown rule "${id}"`);
    if (typeof setting !== "string" || !SETTINGS.has(setting)) fail("rules", `${id}: must be error, warning, note or off`);
    config.rules[id] = setting as RuleSetting;
  }
  return config;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function lineAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

function lineOfKey(text: string, key: string): { line: number; column: number } | Record<string, never> {
  const i = text.indexOf(`"${key}"`);
  return i >= 0 ? lineAt(text, i) : {};
}
