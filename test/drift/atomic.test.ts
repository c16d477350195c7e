// A run killed at any moment leaves the lock whole: the old one or the new
// one, never a prefix. `snapshot` and `check --update-lock` are killed with
// SIGKILL after seeded random delays spread over a whole run (the seed is
// printed on failure; ABIDRIFT_SEED=N replays it).
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, HAVE_CLI } from "../cli/run.js";
import { freshSeed, rng } from "../oracles/random.js";
import { buildObjects, clangAvailable, program } from "./build.js";

const EVENT = "struct event { __u32 pid; __u32 tgid; __u64 ts; };\nstruct key { __u32 ifindex; __u16 proto; };";
const WIDE = EVENT.replace("__u32 tgid", "__u64 tgid");
const KILLS = 4;

function killedAfter(cwd: string, args: readonly string[], ms: number): Promise<void> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("exit", () => {
      clearTimeout(timer);
      done();
    });
  });
}

describe.skipIf(!HAVE_CLI || !clangAvailable)("a killed run never leaves half a lock (needs `npm run build` and clang-16)", () => {
  for (const [name, args] of [
    ["snapshot", ["snapshot"]],
    ["check --update-lock", ["check", "--update-lock"]],
  ] as const) {
    it.each([20261123, freshSeed()])(`${name}, seed %i`, async (seed) => {
      const dir = buildObjects({ ringbuf: program(EVENT) });
      const lock = join(dir, "abidrift.lock.json");
      spawnSync(process.execPath, [CLI, "snapshot"], { cwd: dir });
      const old = readFileSync(lock, "utf8");
      // The tree changes under the lock, so a finished run writes other text.
      buildObjects({ ringbuf: program(WIDE) }, dir);
      const started = Date.now();
      spawnSync(process.execPath, [CLI, ...args], { cwd: dir });
      const full = Date.now() - started;
      const now = readFileSync(lock, "utf8");
      expect(now, "the finished run changed nothing").not.toBe(old);
      const aside = join(mkdtempSync(join(tmpdir(), "abidrift-old-lock-")), "lock.json");
      writeFileSync(aside, old);
      const random = rng(seed);
      for (let i = 0; i < KILLS; i++) {
        copyFileSync(aside, lock);
        const ms = Math.floor(random() * full * 1.2);
        await killedAfter(dir, args, ms);
        const text = readFileSync(lock, "utf8");
        expect([old, now].includes(text), `seed ${seed}: killed after ${ms} ms of ${full}, the lock is neither old nor new`).toBe(true);
      }
    });
  }
});
