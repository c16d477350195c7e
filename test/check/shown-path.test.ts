import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { shownLoc, shownPath } from "../../src/check/shown-path.js";

// Reports print paths relative to where check runs, as it discovers files,
// also those found through an absolute include directory.

describe("paths as reports print them", () => {
  it("makes a path under the working directory relative and leaves others alone", () => {
    expect(shownPath(join(process.cwd(), "bpf/lib/generic.h"))).toBe("bpf/lib/generic.h");
    expect(shownPath("bpf/lib/generic.h")).toBe("bpf/lib/generic.h");
    const outside = join(dirname(process.cwd()), "elsewhere", "bpf.h");
    expect(shownPath(outside)).toBe(outside);
    expect(shownLoc({ file: join(process.cwd(), "a.h"), line: 3 })).toEqual({ file: "a.h", line: 3 });
  });
});
