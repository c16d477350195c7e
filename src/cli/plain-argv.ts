import type { CheckCliOptions } from "./commands/check.js";
import type { LayoutOptions } from "./commands/layout.js";

// `abidrift layout FILE` and `abidrift check [PATH...]`, with or without
// `--format` (and `--no-lock`, a C program's `-I` and `-D`, or `--type`), are what
// scripts, CI jobs and benchmarks run most, and loading commander and every
// command's registration costs a third of node's own start. main.ts
// recognises those plain shapes here and runs them without it; anything
// else, help and errors included, goes through commander (a test holds the
// two to the same options).

const FORMATS: readonly string[] = ["text", "json"];

/**
 * The file and options of a plain `layout FILE [-t|--type NAME...]... [-f|--format text|json] [-I|--include DIR]...
 * [-D|--define NAME=VALUE]...` argv, else undefined.
 */
export function plainLayoutArgs(args: readonly string[]): { file: string; opts: LayoutOptions } | undefined {
  if (args[0] !== "layout") return undefined;
  let file: string | undefined;
  let format: string | undefined;
  let type: string[] | undefined;
  const include: string[] = [];
  const define: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    const value = args[i + 1];
    if ((a === "-f" || a === "--format") && format === undefined && FORMATS.includes(value ?? "")) format = args[++i];
    // Variadic as commander reads it: every word up to the next flag is a name, so a file after the names would be one.
    else if ((a === "-t" || a === "--type") && value !== undefined && !value.startsWith("-")) {
      type ??= [];
      while (i + 1 < args.length && !args[i + 1]!.startsWith("-")) type.push(args[++i]!);
    }
    // A C program's -I and -D, each word apart from its flag: a value that looks like a flag is left to commander.
    else if ((a === "-I" || a === "--include") && value !== undefined && !value.startsWith("-")) include.push(args[++i]!);
    else if ((a === "-D" || a === "--define") && value !== undefined && !value.startsWith("-")) define.push(args[++i]!);
    else if (!a.startsWith("-") && file === undefined) file = a;
    else return undefined;
  }
  if (file === undefined) return undefined;
  return { file, opts: { ...(type ? { type } : {}), format: format === "json" ? "json" : "text", include, define, cachelineSize: 64 } };
}

const CHECK_FORMATS: readonly string[] = ["text", "json", "sarif", "github"];

/** The paths and options of a plain `check [PATH...] [-f|--format F] [--no-lock]` argv, else undefined. */
export function plainCheckArgs(args: readonly string[]): { paths: string[]; opts: CheckCliOptions } | undefined {
  if (args[0] !== "check") return undefined;
  const paths: string[] = [];
  let format: string | undefined;
  let noLock = false;
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if ((a === "-f" || a === "--format") && format === undefined && CHECK_FORMATS.includes(args[i + 1] ?? "")) format = args[++i];
    else if (a === "--no-lock" && !noLock) noLock = true;
    else if (!a.startsWith("-")) paths.push(a);
    else return undefined;
  }
  return { paths, opts: { format: (format ?? "text") as CheckCliOptions["format"], ...(noLock ? { lock: false as const } : {}) } };
}
