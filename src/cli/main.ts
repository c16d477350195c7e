#!/usr/bin/env node
// The command line: parse flags, call the library, print, set the exit code.
// Each command's module is imported only when that command runs, and each
// module here imports only the API modules it uses rather than all of
// src/index.ts, so `abidrift layout x.o` loads the BTF reader and the
// layout formatter and not tree-sitter, ts-morph or the other readers; a
// plain `layout FILE` or `check [PATH...]` does not load commander either
// (plain-argv.ts).
import { setFlagsFromString } from "node:v8";
import { exitWithError } from "./exit.js";
import { plainCheckArgs, plainLayoutArgs } from "./plain-argv.js";

// V8 recompiles a wasm function with its optimizing compiler once it has run
// for a budget of bytes. tree-sitter's lexers are huge, and their loops
// spend even the largest budget V8 takes within one program's parse: the
// recompiles run on the other core, and node waits for them at its next
// turn (100 to 230 ms idle in a bcc tool's `layout`) for code that runs a
// few milliseconds if at all. Wasm is left to the baseline compiler, whose
// code is ready at once. Measured against the largest budget, interleaved:
// a bcc tool's layout 12 % less wall time, one program's check and a
// thousand programs no slower, a whole vmlinux.h's layout 5 % slower.
// Set before web-tree-sitter compiles its modules, which it does on first
// use; reading threads share the process's flags.
setFlagsFromString("--liftoff-only");
// The optimizing compiler's own work is a third of what reading one program
// with vmlinux.h costs: the scans of a 3 MB header are hot for a few
// milliseconds each, and inlining every helper into them makes each compile
// (and each recompile after a deopt) large. Inlining only the smallest
// functions costs less than it saves: against V8's default, a kernel's BTF
// layout takes 20 % less time and one program's check 10 % less; against a
// limit of 60, they and a thousand programs are the same.
// Flags are set here, once, before any of our code has run hot, and never
// changed later: V8's compile threads read the inlining limit while they
// work, and a limit changed under a compile in flight trips a CHECK in its
// inliner and aborts the process (the layout command lowered it after
// reading the BTF, and 3 of 1,300 kernel layouts died with SIGTRAP).
setFlagsFromString("--max-inlined-bytecode-size=20");

// `abidrift layout x | head` closes the pipe early; that is not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

const args = process.argv.slice(2);
// V8 doubles the young generation once enough objects have survived its
// collections. What survives in a layout is mostly the modules it loads;
// its own allocations (each type's spelling, a C parse's nodes) die young.
// Kept at its first size, a kernel's BTF layout peaks 2.4 MB lower in the
// same time, and a whole vmlinux.h 15 MB lower and 6 % faster. A check of
// 10,000 programs was no better and perhaps slower, so check keeps V8's
// default.
if (args[0] === "layout") setFlagsFromString("--semi-space-growth-factor=1");
const plainLayout = plainLayoutArgs(args);
const plainCheck = plainLayout ? undefined : plainCheckArgs(args);
try {
  if (plainLayout) {
    const { runLayout } = await import("./layout.js");
    await runLayout(plainLayout.file, plainLayout.opts);
  } else if (plainCheck) {
    const { runCheck } = await import("./check.js");
    await runCheck(plainCheck.paths, plainCheck.opts);
  } else {
    await runCommands();
  }
} catch (e) {
  exitWithError(e);
}

async function runCommands(): Promise<void> {
  const { Command, CommanderError } = await import("commander");
  const { commands } = await import("./commands/index.js");
  const { VERSION } = await import("../version.js");
  const program = new Command("abidrift")
    .description("Keeps the binary layout of data shared between eBPF programs and their userspace in agreement")
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    // Help and version exit 0; every usage error is exit 2.
    if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? 0 : 2;
    else throw e;
  }
}
