import { describe, expect, it } from "vitest";
import { HAVE_CLI, ROOT } from "../cli/run.js";

// The pool of reading threads, as built (its worker module exists only in
// dist/): every job it is asked settles, whatever happens to the check.
// Answers equal the check's own thread's, for C scans, C reads and Go reads;
// a pool closed with jobs still queued fails them rather than leaving them
// waiting; a job asked after close fails at once.

interface Built {
  ReadPool: new (threads: number, local: unknown, goFiles: () => [string, string][]) => Pool;
  ThreadReads: new (goTree: () => unknown) => Pool;
  sourceTree: (files: [string, string][]) => unknown;
  TARGETS: Record<string, unknown>;
}

interface Pool {
  scan(file: string, text: string): Promise<unknown>;
  read(file: string, request: unknown): Promise<{ graph: { count: number; type(id: number): unknown }; maps: unknown; problems: unknown; records: unknown }>;
  readGo(file: string, text: string, place: { module: string; afterOtherDir: boolean }): Promise<{ twins: unknown; layout(target: unknown, mode: string): { count: number; type(id: number): unknown } }>;
  close(): Promise<void>;
}

async function built(): Promise<Built> {
  const pool = (await import(`${ROOT}dist/check/read-pool.js`)) as Pick<Built, "ReadPool">;
  const reads = (await import(`${ROOT}dist/check/reads.js`)) as Pick<Built, "ThreadReads">;
  const tree = (await import(`${ROOT}dist/ir/source-tree.js`)) as Pick<Built, "sourceTree">;
  const targets = (await import(`${ROOT}dist/ir/targets.js`)) as Pick<Built, "TARGETS">;
  return { ...pool, ...reads, ...tree, ...targets };
}

const C = (i: number): string => `struct event_${i} { unsigned int pid; char comm[16]; unsigned long long ts; };
struct { int (*type)[27]; int (*max_entries)[4096]; } rb_${i} __attribute__((section(".maps")));
unsigned long long bpf_ktime_get_ns(void);
long bpf_ringbuf_output(void *rb, void *data, unsigned long long size, unsigned long long flags);
int prog_${i}(void *ctx) { struct event_${i} e = {}; e.ts = bpf_ktime_get_ns(); bpf_ringbuf_output(&rb_${i}, &e, sizeof(e), 0); return 0; }
`;
const GO: [string, string][] = [
  ["m/go.mod", "module example.com/m\n"],
  ["m/a/a.go", "package a\n\nconst N = 8\n\ntype Ev struct {\n\tPid  uint32\n\tComm [N * 2]int8\n\tTs   uint64\n}\n"],
];

const graph = (g: { count: number; type(id: number): unknown }): unknown[] => Array.from({ length: g.count }, (_, id) => g.type(id));

describe.skipIf(!HAVE_CLI)("the pool of reading threads (needs `npm run build`)", () => {
  it("answers C scans, C reads and Go reads as the check's own thread does", async () => {
    const b = await built();
    const goTree = b.sourceTree(GO);
    const here = new b.ThreadReads(() => goTree);
    const pool = new b.ReadPool(2, new b.ThreadReads(() => b.sourceTree(GO)), () => GO);
    try {
      for (let i = 0; i < 6; i++) {
        const file = `p${i}.bpf.c`;
        const request = { target: b.TARGETS.bpfel, includeDirs: [], defines: {}, files: { [file]: C(i) }, partial: true };
        const [s1, s2] = await Promise.all([here.scan(file, C(i)), pool.scan(file, C(i))]);
        expect(s2).toEqual(s1);
        expect((s1 as { records: unknown[] }).records.length).toBe(1);
        const [r1, r2] = await Promise.all([here.read(file, request), pool.read(file, request)]);
        expect(graph(r2.graph)).toEqual(graph(r1.graph));
        expect({ maps: r2.maps, problems: r2.problems, records: r2.records }).toEqual({ maps: r1.maps, problems: r1.problems, records: r1.records });
      }
      const place = { module: "m", afterOtherDir: true };
      const [g1, g2] = await Promise.all([here.readGo("m/a/a.go", GO[1]![1], place), pool.readGo("m/a/a.go", GO[1]![1], place)]);
      expect(g2.twins).toEqual(g1.twins);
      for (const mode of ["native", "packed"]) expect(graph(g2.layout(b.TARGETS.i386, mode))).toEqual(graph(g1.layout(b.TARGETS.i386, mode)));
    } finally {
      await Promise.all([pool.close(), here.close()]);
    }
  }, 120_000);

  it("fails the jobs still queued when it is closed, and every job asked after", async () => {
    const b = await built();
    const pool = new b.ReadPool(1, new b.ThreadReads(() => b.sourceTree([])), () => []);
    // Taken after the close, as a check takes its answers after asking for all of them.
    const asked = Array.from({ length: 40 }, (_, i) => {
      const p = pool.scan(`q${i}.bpf.c`, C(i));
      p.catch(() => {});
      return p;
    });
    await pool.close();
    const settled = await Promise.allSettled(asked);
    // Some may have been answered before the close; none is left waiting, and those not answered say why.
    expect(settled.length).toBe(40);
    const failed = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected");
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) expect(String(f.reason)).toContain("after the check closed them");
    await expect(pool.scan("late.bpf.c", C(0))).rejects.toThrow("after the check closed them");
  }, 120_000);
});
