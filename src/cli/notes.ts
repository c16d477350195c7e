// Notes on stderr: what a run read only in part or kept from the lock. A
// few are read; many (81 over /usr/sbin) would bury the report, so then one
// line counts them and --verbose lists each.

/** Notes a run shows in full without --verbose. */
export const NOTES_SHOWN = 3;

export function writeNotes(notes: readonly string[], verbose: boolean, stream: { write(s: string): boolean } = process.stderr): void {
  if (verbose || notes.length <= NOTES_SHOWN) {
    for (const n of notes) stream.write(`abidrift: note: ${n}\n`);
    return;
  }
  stream.write(`abidrift: ${notes.length} notes on inputs read in part (macros not expanded, headers not found, code not parsed); --verbose lists them\n`);
}
