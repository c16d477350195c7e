import { describe, it } from "vitest";
import { clangAvailable } from "../../oracles/clang.js";
import { expectLaidOutAsClang } from "./as-clang.js";

// Tokens a macro puts side by side are not one token: `a/b` with `*p` for b
// is `8/ *p` to a compiler, not a comment opening, and `-a` with `-3` for a
// is `- -3`, not a decrement. Each record after such an expansion is laid
// out as clang lays it out.

const SOURCE = `#define DIV(a, b) a/b
#define NEG(a) -a
#define PLUS(a) +a

enum { WIDTH = NEG(-3), MORE = 1 PLUS(+2) };

static int ratio(int *p)
{
	return DIV(8, *p);
}

struct after_comment { char a; long b; };
struct negated { char x[WIDTH]; int y; };
struct summed { char x[MORE]; short y; };
`;

const RECORDS = ["struct after_comment", "struct negated", "struct summed"];

describe("tokens a macro puts side by side", () => {
  it.skipIf(!clangAvailable)("are read apart, as clang reads them (skipped without clang-16)", async () => {
    await expectLaidOutAsClang(SOURCE, "paste.bpf.c", RECORDS);
  });
});
