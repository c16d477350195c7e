// `abidrift maps` as a subprocess: JSON valid against schemas/maps.schema.json
// and equal to what libbpf reads from the same object.
import { describe, expect, it } from "vitest";
import { mapTypeName } from "../../src/ir/map-types.js";
import { HAVE_LIBBPF, libbpfMaps } from "../oracles/libbpf.js";
import { HAVE_CLI, ROOT, runCli, schemaValidator } from "./run.js";

interface MapsJson {
  maps: { name: string; type: string; keySize: number; valueSize: number; maxEntries: number; keyType: string | null; valueType: string | null; flags: number }[];
}

describe.skipIf(!HAVE_CLI)("abidrift maps (skipped until `npm run build` has made dist/)", () => {
  const validate = schemaValidator("maps.schema.json");

  for (const target of ["bpfel", "bpfeb"]) {
    const obj = `fixtures/objects/dns_key.${target}.o`;
    it.skipIf(!HAVE_LIBBPF)(`lists the maps of ${obj} as libbpf reads them, in schema-valid JSON (skipped without gcc or libbpf-dev)`, () => {
      const r = runCli(["maps", obj, "--format", "json"]);
      expect(r.status, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout) as MapsJson;
      expect(validate(json)).toBe("");
      // libbpf opens only the host's byte order; the big-endian twin has the same maps.
      const theirs = libbpfMaps(`${ROOT}fixtures/objects/dns_key.bpfel.o`);
      expect(json.maps.map((m) => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries, m.flags])).toEqual(
        theirs.map((m) => [m.name, mapTypeName(m.type), m.key_size, m.value_size, m.max_entries, m.map_flags]),
      );
      expect(json.maps.find((m) => m.name === "dns_queries")?.keyType).toBe("struct dns_key");
    });
  }

  it("prints text by default", () => {
    const r = runCli(["maps", "fixtures/objects/dns_key.bpfel.o"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("dns_queries");
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });
});
