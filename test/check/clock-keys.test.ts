import { describe, expect, it } from "vitest";
import { findClockKeys, mentionsClock } from "../../src/check/clock-keys.js";

// The cheap test before a text is parsed for clock keys must pass every text
// whose tree holds a call of a clock helper, however the call is spelled, and
// may turn away a kernel header that only names the helpers.

const PROGRAM = (call: string) => `struct key { unsigned long long ts; };
struct { int (*type)[1]; struct key *key; } m __attribute__((section(".maps")));
int f(void *ctx)
{
	struct key k = {};
	k.ts = ${call};
	bpf_map_update_elem(&m, &k, &k, 0);
	return 0;
}
`;

describe("the test before a search for clock keys", () => {
  for (const call of ["bpf_ktime_get_ns()", "bpf_ktime_get_boot_ns ( )", "bpf_jiffies64 /* now */ ()", "bpf_ktime_get_tai_ns\n\t()", "bpf_ktime_get_coarse_ns// c\n()"]) {
    it(`lets through \`${call.replace(/\s+/g, " ")}\`, whose key the search finds`, async () => {
      const text = PROGRAM(call);
      expect(mentionsClock(text)).toBe(true);
      expect(await findClockKeys("p.bpf.c", text)).toHaveLength(1);
    });
  }

  it("turns away a header that names the helpers in types only, as bpftool's vmlinux.h does", () => {
    expect(mentionsClock("typedef u64 (*btf_bpf_ktime_get_ns)(void);\ntypedef u64 (*btf_bpf_jiffies64)(void);\nstruct bpf_ktime_get_ns_args { int x; };\n")).toBe(false);
  });
});
