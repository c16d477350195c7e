import { describe, expect, it } from "vitest";
import { readGo } from "../../../src/readers/go/index.js";
import { sourceTree } from "../../../src/ir/source-tree.js";

// What the Go reader takes from cilium's alignchecker: the C struct each
// registered type mirrors, where the type is declared (another package of
// the module, found through go.mod), and the registration's line.

const GO_MOD = "module example.com/agent\n";
const MONITOR = "package monitor\n\ntype Note struct {\n\tA uint32 `align:\"a\"`\n}\n\ntype Trace struct{ B uint64 }\n";

function register(body: string, call = "check.CheckStructAlignments(path, toCheck, true)"): string {
  return `package checks\n\nimport (\n\t"reflect"\n\n\t"example.com/agent/pkg/monitor"\n)\n\nfunc Check(path string) error {\n\ttoCheck := ${body}\n\treturn ${call}\n}\n`;
}

async function read(text: string) {
  const tree = sourceTree([
    ["a/go.mod", GO_MOD],
    ["a/pkg/monitor/note.go", MONITOR],
    ["a/pkg/checks/checks.go", text],
  ]);
  return readGo("a/pkg/checks/checks.go", text, { tree });
}

describe("alignchecker registrations", () => {
  it("reads map[string][]reflect.Type and map[string]reflect.Type, values and pointers", async () => {
    const m = await read(register(`map[string][]reflect.Type{\n\t\t"note": {reflect.TypeOf(monitor.Note{})},\n\t\t"trace": {reflect.TypeOf(&monitor.Trace{})},\n\t}`));
    expect(m.registrations?.map((r) => [r.cName, r.twin.name, r.twin.loc.file, r.twin.loc.line, r.loc.line, r.via])).toEqual([
      ["note", "Note", "a/pkg/monitor/note.go", 3, 11, "alignchecker"],
      ["trace", "Trace", "a/pkg/monitor/note.go", 7, 12, "alignchecker"],
    ]);
    const single = await read(register(`map[string]reflect.Type{"note": reflect.TypeOf(monitor.Note{})}`));
    expect(single.registrations?.map((r) => r.twin.name)).toEqual(["Note"]);
    // tetragon's copy of the checker takes values, not reflect.Types.
    const values = await read(register(`map[string][]any{"note": {monitor.Note{}}, "trace": {&monitor.Trace{}}}`));
    expect(values.registrations?.map((r) => `${r.cName} ${r.twin.name}`)).toEqual(["note Note", "trace Trace"]);
  });

  it("takes no map of reflect types for a registration where the file runs no checker", async () => {
    const m = await read(register(`map[string][]reflect.Type{"note": {reflect.TypeOf(monitor.Note{})}}`, "nil"));
    expect(m.registrations).toBeUndefined();
  });

  it("names no type it cannot find: a package outside the tree", async () => {
    const text = register(`map[string][]reflect.Type{"note": {reflect.TypeOf(monitor.Note{})}}`).replace("example.com/agent/pkg/monitor", "example.com/other/monitor");
    const m = await read(text);
    expect(m.registrations).toBeUndefined();
  });
});
