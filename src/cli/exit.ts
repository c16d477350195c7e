import { InputError } from "../ir/errors.js";
import { fsProblem } from "../load/layout-sources.js";

/** One line on stderr and exit code 2: for bad input, and for our own bugs too. */
export function exitWithError(e: unknown): void {
  if (e instanceof InputError) {
    process.stderr.write(`abidrift: ${e.message}\n`);
  } else if (e instanceof Error && (e as NodeJS.ErrnoException).code && (e as NodeJS.ErrnoException).path) {
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(`abidrift: ${err.path}: ${fsProblem(err)}\n`);
  } else {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`abidrift: internal error: ${msg.split("\n")[0]} (please report it)\n`);
    if (process.env.ABIDRIFT_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  }
  process.exitCode = 2;
}
