import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { UserspaceModule } from "../ir/bindings.js";
import type { CSourceResult } from "../readers/c/index.js";
import { fromPortable } from "../readers/go/layout-spec.js";
import { errorFromWire, readFromWire, type Answer, type Job, type JobBody } from "./read-wire.js";
import type { CReadRequest, CScan, GoPlace, Reads, ThreadReads } from "./reads.js";

// The parsing of a check on worker threads and on the check's own thread
// together: a tree of a thousand programs spends most of its time parsing
// C and Go, one file at a time, while the other cores wait. Jobs wait in one
// queue and go to whichever reader is free, so a slow file holds up no
// other; a Go file goes where its module's other files went, whose packages
// that reader has parsed already. Each reader keeps its own header cache, so
// vmlinux.h is indexed once per reader.

const WORKER = new URL("./read-worker.js", import.meta.url);
// Jobs a thread holds at once: one to work on, one waiting, so it never idles while an answer crosses.
const THREAD_DEPTH = 2;

/** Whether threads can be started here: the built package has its worker module; sources run by a test runner do not. */
export function threadsAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER));
}

interface Task {
  body: JobBody;
  /** Jobs of one key go to one reader. */
  key?: string;
  local(reads: ThreadReads): Promise<unknown>;
  remote(a: Answer): unknown;
  resolve(v: unknown): void;
  reject(e: Error): void;
}

interface Reader {
  /** Jobs given it whose answers have not come back. */
  busy: number;
  depth: number;
  /** Jobs whose key is this reader's, waiting for it. */
  own: Task[];
  run(t: Task): void;
}

export class ReadPool implements Reads {
  private readonly readers: Reader[] = [];
  private readonly threads: { worker: Worker; inFlight: Map<number, Task> }[] = [];
  private readonly queue: Task[] = [];
  private head = 0;
  private readonly owner = new Map<string, Reader>();
  private nextId = 0;
  private failed: Error | undefined;
  private closing = false;

  /** `threads` worker threads besides `local`, the check's own thread's reads, which take jobs too. */
  constructor(
    threads: number,
    private readonly local: ThreadReads,
    goFiles: () => [string, string][],
  ) {
    const here: Reader = {
      busy: 0,
      depth: 1,
      own: [],
      // Each job in a turn of its own: run back to back as promise callbacks
      // they would keep the threads' answers, and so their next jobs, waiting.
      run: (t) =>
        setImmediate(() =>
          t.local(local).then(
            (v) => this.finish(here, t, v),
            (e: Error) => this.finish(here, t, undefined, e),
          ),
        ),
    };
    this.readers.push(here);
    for (let i = 0; i < threads; i++) this.readers.push(this.thread(goFiles));
  }

  private thread(goFiles: () => [string, string][]): Reader {
    const worker = new Worker(WORKER);
    worker.unref();
    const inFlight = new Map<number, Task>();
    this.threads.push({ worker, inFlight });
    let sentTree = false;
    const reader: Reader = {
      busy: 0,
      depth: THREAD_DEPTH,
      own: [],
      run: (t) => {
        const id = this.nextId++;
        inFlight.set(id, t);
        if (inFlight.size === 1) worker.ref();
        try {
          if (t.body.kind === "go" && !sentTree) {
            sentTree = true;
            worker.postMessage({ kind: "go-tree", files: goFiles(), id: -1 } satisfies Job);
          }
          worker.postMessage({ ...t.body, id } satisfies Job);
        } catch (e) {
          // A job that cannot be sent (what cannot be cloned is our bug) fails alone, after the pump that sent it.
          inFlight.delete(id);
          queueMicrotask(() => this.finish(reader, t, undefined, e instanceof Error ? e : new Error(String(e))));
        }
      },
    };
    worker.on("message", (a: Answer) => {
      const t = inFlight.get(a.id);
      if (!t) return;
      inFlight.delete(a.id);
      if (inFlight.size === 0) worker.unref();
      if ("error" in a) return this.finish(reader, t, undefined, errorFromWire(a.error));
      let value: unknown;
      try {
        value = t.remote(a);
      } catch (e) {
        return this.finish(reader, t, undefined, e instanceof Error ? e : new Error(String(e)));
      }
      this.finish(reader, t, value);
    });
    // A thread that dies takes its jobs with it: each fails with why, and so does every later one.
    worker.on("error", (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
    // Only close() ends a thread; any other end fails what is left, since jobs may still be queued for it.
    worker.on("exit", (code) => {
      if (!this.closing) this.fail(new Error(`a reading thread exited with code ${code} before the check was done`));
    });
    return reader;
  }

  private finish(r: Reader, t: Task, value: unknown, error?: Error): void {
    r.busy--;
    if (error) t.reject(error);
    else t.resolve(value);
    this.pump();
  }

  private fail(e: Error): void {
    this.failed ??= e;
    const waiting = [...this.queue.slice(this.head), ...this.readers.flatMap((r) => r.own.splice(0))];
    this.queue.length = this.head = 0;
    for (const th of this.threads) {
      waiting.push(...th.inFlight.values());
      th.inFlight.clear();
      th.worker.unref();
    }
    for (const t of waiting) t.reject(e);
  }

  /** Gives free readers jobs: their own first, then the queue's. */
  private pump(): void {
    for (const r of this.readers) {
      while (r.busy < r.depth) {
        const t = r.own.shift() ?? this.next(r);
        if (!t) break;
        r.busy++;
        r.run(t);
      }
    }
  }

  /** The queue's next job `r` may take; a keyed one whose key has a reader goes to that reader's own list. */
  private next(r: Reader): Task | undefined {
    while (this.head < this.queue.length) {
      const t = this.queue[this.head++]!;
      if (this.head === this.queue.length) this.queue.length = this.head = 0;
      if (t.key === undefined) return t;
      const owner = this.owner.get(t.key);
      if (owner === undefined || owner === r) {
        this.owner.set(t.key, r);
        return t;
      }
      owner.own.push(t);
    }
    return undefined;
  }

  private ask<T>(body: JobBody, key: string | undefined, local: (reads: ThreadReads) => Promise<T>, remote: (a: Answer) => T): Promise<T> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ body, ...(key !== undefined ? { key } : {}), local, remote, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  scan(file: string, text: string): Promise<CScan> {
    return this.ask({ kind: "scan", file, text }, undefined, (r) => r.scan(file, text), (a) => answerOf(a, "scan").scan);
  }

  read(file: string, request: CReadRequest): Promise<CSourceResult> {
    return this.ask({ kind: "read", file, request }, undefined, (r) => r.read(file, request), (a) => readFromWire(answerOf(a, "read").read, request.target));
  }

  readGo(file: string, text: string, place: GoPlace): Promise<UserspaceModule> {
    return this.ask({ kind: "go", file, text, afterOtherDir: place.afterOtherDir }, `go\0${place.module}`, (r) => r.readGo(file, text, place), (a) => fromPortable(answerOf(a, "go").go));
  }

  async close(): Promise<void> {
    this.closing = true;
    // A check that failed still has jobs asked for: they fail, and nothing more is read.
    this.fail(new Error("reads asked for after the check closed them"));
    await Promise.all([...this.threads.map((t) => t.worker.terminate()), this.local.close()]);
  }
}

/** The answer, as the kind of job asked. */
function answerOf<K extends "scan" | "read" | "go">(a: Answer, kind: K): Extract<Answer, Record<K, unknown>> {
  if (!(kind in a)) throw new Error(`reading thread: a ${kind} job answered with no ${kind}`);
  return a as Extract<Answer, Record<K, unknown>>;
}
