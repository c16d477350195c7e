import { fstatSync, writeSync } from "node:fs";

// Where stdout is a file or a device such as /dev/null, node writes to it
// synchronously anyway; writing each chunk straight to the descriptor lets
// the layout reuse one buffer for every chunk, where a stream that may keep
// a chunk queued (a pipe, a terminal) needs a fresh one each time. Fresh
// memory is not free: touching a megabyte of new pages costs about a
// millisecond, more in a virtual machine.

/** How chunks reach stdout, and whether a chunk's buffer may be written again once `write` returns. */
interface StdoutChunks {
  write: (chunk: Buffer) => void;
  reusable: boolean;
}

export function stdoutChunks(): StdoutChunks {
  if (writesInPlace()) {
    return {
      write: (chunk) => {
        for (let done = 0; done < chunk.length; ) done += writeSync(1, chunk, done, chunk.length - done);
      },
      reusable: true,
    };
  }
  return { write: (chunk) => process.stdout.write(chunk), reusable: false };
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
