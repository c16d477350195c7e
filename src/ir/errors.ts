// Bad input is the user's problem to fix, so it must say where: one line
// with the file and a byte offset (binaries) or line and column (text).
// Anything thrown that is not an InputError is our bug.

export interface InputPosition {
  offset?: number;
  line?: number;
  column?: number;
}

export class InputError extends Error {
  override readonly name = "InputError";
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly at: InputPosition = {},
  ) {
    super(formatInputError(file, detail, at));
  }

  /** The same error one level further out ("type 57: member 3: ..."). */
  within(context: string): InputError {
    return new InputError(this.file, `${context}: ${this.detail}`, this.at);
  }
}

export function formatInputError(file: string, detail: string, at: InputPosition): string {
  if (at.line !== undefined) return `${file}:${at.line}${at.column !== undefined ? `:${at.column}` : ""}: ${detail}`;
  if (at.offset !== undefined) return `${file}: offset 0x${at.offset.toString(16)}: ${detail}`;
  return `${file}: ${detail}`;
}
