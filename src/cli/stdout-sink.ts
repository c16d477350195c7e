import { fstatSync, writeSync } from "node:fs";
import type { ChunkSink } from "../report/layout/byte-out.js";

// Where stdout is a file or a device such as /dev/null, node writes to it
// synchronously anyway; writing each chunk straight to the descriptor lets
// the layout reuse one buffer for every chunk. A pipe or a terminal goes
// through process.stdout, which may hold a chunk queued: the chunk is done
// with when its write's callback runs, and the layout waits for that
// rather than queue the whole output (6 MB of text for a kernel, 12 of
// JSON) behind a slow reader. Fresh memory is not free either: touching a
// megabyte of new pages costs about a millisecond, more in a virtual machine.

/** How chunks of output reach stdout. */
export function stdoutSink(): ChunkSink {
  if (writesInPlace()) {
    return (chunk) => {
      for (let done = 0; done < chunk.length; ) done += writeSync(1, chunk, done, chunk.length - done);
      return true;
    };
  }
  return (chunk) => new Promise<void>((resolve) => process.stdout.write(chunk, () => resolve()));
}

/** Whether writes to stdout complete before they return: a file, or a device that is not a terminal. */
function writesInPlace(): boolean {
  try {
    const st = fstatSync(1);
    // process.stdout says whether it is a terminal without loading node:tty for a file (styleFor has made it already).
    return st.isFile() || (st.isCharacterDevice() && !process.stdout.isTTY);
  } catch {
    return false;
  }
}
