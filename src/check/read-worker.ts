import { parentPort } from "node:worker_threads";
import { sourceTree, type SourceTree } from "../ir/source-tree.js";
import { ThreadReads } from "./reads.js";
import { errorToWire, readToWire, type Answer, type Job } from "./read-wire.js";

// A reading thread of a check (read-pool.ts): answers the jobs it is sent,
// one at a time in order and with one header cache for all of them, as the
// check's own thread would (ThreadReads).

const port = parentPort;
if (!port) throw new Error("read-worker.js runs as a worker thread of a check");

let goTree: SourceTree | undefined;
const reads = new ThreadReads(() => {
  if (!goTree) throw new Error("a Go job came before the Go tree");
  return goTree;
});

port.on("message", (job: Job) => {
  void answer(job).then((a) => {
    try {
      port.postMessage(a);
    } catch (e) {
      // What cannot be cloned is our bug, and the check must hear of it rather than wait.
      port.postMessage({ id: job.id, error: errorToWire(e) } satisfies Answer);
    }
  });
});

async function answer(job: Job): Promise<Answer> {
  try {
    switch (job.kind) {
      case "scan":
        return { id: job.id, scan: await reads.scan(job.file, job.text) };
      case "read":
        return { id: job.id, read: readToWire(await reads.read(job.file, job.request)) };
      case "go-tree":
        goTree = sourceTree(job.files);
        return { id: job.id, done: true };
      case "go": {
        const { readGoPortable } = await import("../readers/go/index.js");
        return { id: job.id, go: await reads.inTurn(() => readGoPortable(job.file, job.text, reads.goTree(), job.afterOtherDir)) };
      }
    }
  } catch (e) {
    return { id: job.id, error: errorToWire(e) };
  }
}
