// Notes on stderr: what a run read only in part or kept from the lock. A
// tree of half-written files would bury the report under them, so a normal
// run shows the first few and counts the rest; --verbose shows every one.

/** Notes a run shows without --verbose. */
export const NOTES_SHOWN = 3;

export function writeNotes(notes: readonly string[], verbose: boolean, stream: { write(s: string): boolean } = process.stderr): void {
  const shown = verbose ? notes : notes.slice(0, NOTES_SHOWN);
  for (const n of shown) stream.write(`abidrift: note: ${n}\n`);
  const rest = notes.length - shown.length;
  if (rest > 0) stream.write(`abidrift: note: ${rest} more ${rest === 1 ? "note" : "notes"}; --verbose shows them\n`);
}
