// Colour for people at a terminal, nothing for files, pipes and NO_COLOR.

export interface Style {
  keyword(s: string): string;
  type(s: string): string;
  member(s: string): string;
  comment(s: string): string;
  warning(s: string): string;
  error(s: string): string;
}

const id = (s: string): string => s;

export const plain: Style = { keyword: id, type: id, member: id, comment: id, warning: id, error: id };

const sgr = (code: string) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;

export const ansi: Style = {
  keyword: sgr("35"),
  type: sgr("1"),
  member: id,
  comment: sgr("2"),
  warning: sgr("33"),
  error: sgr("1;31"),
};

/** Colour only when writing to a terminal and the user has not said NO_COLOR. */
export function styleFor(stream: NodeJS.WriteStream): Style {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "";
  return stream.isTTY && !noColor && process.env.TERM !== "dumb" ? ansi : plain;
}
