import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { CSourceResult } from "../readers/c/index.js";
import type { CReadRequest, CReads, CScan } from "./c-reads.js";
import { errorFromWire, readFromWire, type Answer, type Job, type JobBody } from "./read-wire.js";

// The C reads of a check on worker threads: a tree of a thousand programs
// spends most of its time parsing C, one program at a time, while the other
// cores wait. Each thread keeps its own header cache, so vmlinux.h is
// indexed once per thread. A file's jobs go to the thread that had its
// first, which still holds the file's syntax tree.

const WORKER = new URL("./read-worker.js", import.meta.url);

/** Whether threads can be started here: the built package has its worker module; sources run by a test runner do not. */
export function threadsAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER));
}

interface Pending {
  resolve: (a: Answer) => void;
  reject: (e: Error) => void;
}

class Thread {
  readonly pending = new Map<number, Pending>();
  constructor(readonly worker: Worker) {
    worker.unref();
  }
}

export class ReadPool implements CReads {
  private readonly threads: Thread[];
  private readonly byFile = new Map<string, Thread>();
  private nextId = 0;
  private failed: Error | undefined;

  constructor(count: number) {
    this.threads = Array.from({ length: Math.max(1, count) }, () => this.start());
  }

  private start(): Thread {
    const t = new Thread(new Worker(WORKER));
    t.worker.on("message", (a: Answer) => this.answered(t, a));
    // A thread that dies takes its jobs with it: each fails with why, and so does every later one.
    t.worker.on("error", (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
    t.worker.on("exit", (code) => {
      if (t.pending.size) this.fail(new Error(`a reading thread exited with code ${code} before answering`));
    });
    return t;
  }

  private answered(t: Thread, a: Answer): void {
    const p = t.pending.get(a.id);
    if (!p) return;
    t.pending.delete(a.id);
    if (t.pending.size === 0) t.worker.unref();
    if ("error" in a) p.reject(errorFromWire(a.error));
    else p.resolve(a);
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const t of this.threads) {
      for (const p of t.pending.values()) p.reject(e);
      t.pending.clear();
      t.worker.unref();
    }
  }

  private send(file: string, job: JobBody): Promise<Answer> {
    if (this.failed) return Promise.reject(this.failed);
    let t = this.byFile.get(file);
    if (!t) {
      t = this.threads.reduce((best, x) => (x.pending.size < best.pending.size ? x : best));
      this.byFile.set(file, t);
    }
    const id = this.nextId++;
    const thread = t;
    return new Promise<Answer>((resolve, reject) => {
      if (thread.pending.size === 0) thread.worker.ref();
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ ...job, id } satisfies Job);
    });
  }

  async scan(file: string, text: string): Promise<CScan> {
    const a = await this.send(file, { kind: "scan", file, text });
    if (!("scan" in a)) throw new Error("reading thread: a scan answered with no scan");
    return a.scan;
  }

  async read(file: string, request: CReadRequest): Promise<CSourceResult> {
    const a = await this.send(file, { kind: "read", file, request });
    if (!("read" in a)) throw new Error("reading thread: a read answered with no read");
    return readFromWire(a.read, request.target);
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}
