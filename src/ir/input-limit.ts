// The one size limit on what is read, for inputs named on the command line
// and for the headers they include alike: a file of hundreds of megabytes
// grows a parse tree past the memory of the machine.

/** The input size limit in bytes: 64 MiB, or `ABIDRIFT_MAX_INPUT_MB`. */
export function maxInputBytes(): number {
  const asked = Number(process.env.ABIDRIFT_MAX_INPUT_MB);
  return (Number.isFinite(asked) && asked > 0 ? asked : 64) * 1024 * 1024;
}

/** Why a file of `size` bytes is refused, in one line that says how to raise the limit; undefined within it. */
export function overInputLimit(size: number): string | undefined {
  const limit = maxInputBytes();
  return size > limit ? `is ${mib(size)} MiB, over the ${mib(limit)} MiB input limit (set ABIDRIFT_MAX_INPUT_MB to raise it)` : undefined;
}

function mib(n: number): string {
  return (n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1);
}
