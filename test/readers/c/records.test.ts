import { describe, expect, it } from "vitest";
import { findRecordEmits } from "../../../src/readers/c/records.js";

// Each way BPF C hands a record to a ring or perf buffer, libbpf's helpers
// and BCC's map methods, in one program: the site found, the map it goes
// to and the record's type as the code declares it. Each call is marked
// with the answer in a comment on its line, so the expectation is read
// from the source, not kept beside it.

const SOURCE = `
struct event { int pid; long ts; };
typedef struct event event_t;
struct { int type; } rb SEC(".maps"), events SEC(".maps");
BPF_PERF_OUTPUT(perfev);
BPF_RINGBUF_OUTPUT(ring, 8);

SEC("tp") int libbpf(void *ctx) {
	struct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0); // rb struct event
	struct event ev;
	bpf_ringbuf_output(&rb, &ev, sizeof(ev), 0); // rb struct event
	event_t x;
	bpf_perf_event_output(ctx, &events, 0, &x, sizeof(x)); // events event_t
	struct event *p;
	p = (struct event *)bpf_ringbuf_reserve(&rb, sizeof(struct event), 0); // rb struct event
	bpf_perf_event_output(ctx, &events, 0, p, sizeof(*p)); // events struct event
	bpf_ringbuf_submit(e, 0);
	return 0;
}

int bcc(struct pt_regs *ctx, struct event *arg) {
	struct event data = {};
	perfev.perf_submit(ctx, &data, sizeof(data)); // perfev struct event
	ring.ringbuf_output(&data, sizeof(data), 0); // ring struct event
	struct event *r = ring.ringbuf_reserve(sizeof(struct event)); // ring struct event
	perfev.perf_submit(ctx, arg, sizeof(*arg)); // perfev struct event
	return 0;
}
`;

describe("emit sites", () => {
  it("finds every helper and BCC method call with its map and record type", async () => {
    const lines = SOURCE.split("\n");
    const marked = lines.flatMap((l, i) => {
      const m = /\/\/ (\w+) (.+)$/.exec(l);
      return m ? [{ line: i + 1, map: m[1]!, type: m[2]! }] : [];
    });
    const sites = await findRecordEmits("prog.bpf.c", SOURCE);
    expect(sites.map((s) => ({ line: s.loc.line, map: s.map, type: s.type }))).toEqual(marked);
    for (const s of sites) {
      // The column is the call's, 1-based.
      expect(lines[s.loc.line! - 1]!.slice(s.loc.column! - 1)).toMatch(new RegExp(`^${s.call.replace(".", "\\.")}\\(`));
    }
  });

  it("finds nothing in C that only looks a map up", async () => {
    expect(await findRecordEmits("x.c", "int f(void) { return bpf_map_lookup_elem(0, 0) != 0; }")).toEqual([]);
  });
});
