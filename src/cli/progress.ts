// A one-line progress bar on stderr for runs long enough to wonder about:
// drawn only on a terminal, only once the run has lasted a second, redrawn
// at most every 50 ms, and erased when the run ends, so a quick run or a
// redirected stderr never sees it.

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): boolean;
}

export interface ProgressOptions {
  /** Milliseconds before the bar first appears. */
  delay?: number;
  now?: () => number;
}

export interface Progress {
  update(done: number, total: number, file: string): void;
  /** Erases the bar if it was drawn. */
  end(): void;
}

const WIDTH = 24;
const REDRAW_MS = 50;

export function progressBar(stream: ProgressStream, opts: ProgressOptions = {}): Progress {
  if (stream.isTTY !== true) return { update() {}, end() {} };
  const now = opts.now ?? Date.now;
  const start = now();
  const delay = opts.delay ?? 1000;
  let drawn = false;
  let last = -Infinity;
  return {
    update(done, total, file) {
      const t = now();
      if (t - start < delay || (t - last < REDRAW_MS && done < total)) return;
      last = t;
      const filled = total > 0 ? Math.round((WIDTH * Math.min(done, total)) / total) : 0;
      const head = `[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${done}/${total} `;
      const room = Math.max(0, (stream.columns ?? 80) - head.length - 1);
      const name = file.length > room ? `…${file.slice(file.length - room + 1)}` : file;
      stream.write(`\r${head}${room > 1 ? name : ""}\x1b[K`);
      drawn = true;
    },
    end() {
      if (drawn) stream.write("\r\x1b[K");
      drawn = false;
    },
  };
}
