import { parentPort } from "node:worker_threads";
import { ThreadReads } from "./c-reads.js";
import { errorToWire, readToWire, type Answer, type Job } from "./read-wire.js";

// A reading thread of a check (read-pool.ts): answers the jobs it is sent,
// one at a time in order and with one header cache for all of them, as the
// check's own thread would (ThreadReads).

const reads = new ThreadReads();
const port = parentPort;
if (!port) throw new Error("read-worker.js runs as a worker thread of a check");

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
    if (job.kind === "scan") return { id: job.id, scan: await reads.scan(job.file, job.text) };
    return { id: job.id, read: readToWire(await reads.read(job.file, job.request)) };
  } catch (e) {
    return { id: job.id, error: errorToWire(e) };
  }
}
