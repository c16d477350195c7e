// snapshot and diff as users run them: built CLI, NO_COLOR, exit codes, the
// widened member reported at its C line, git:REV sides read from git, and
// every bad lock or revision one line and exit 2.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { badInputProblem, HAVE_CLI, runCli, schemaValidator, type CliResult } from "../cli/run.js";
import { buildObjects, clangAvailable, program } from "./build.js";

const run = (cwd: string, args: string[]): CliResult => runCli(args, { cwd });
const git = (cwd: string, ...args: string[]): string => {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" } });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
};

const EVENT = "struct event {\n\t__u32 pid;\n\t__u32 tgid;\n\t__u64 ts;\n\tchar comm[16];\n};";
const WIDE = EVENT.replace("__u32 tgid", "__u64 tgid");
const KEY = "struct key { __u32 ifindex; __u16 proto; };";
const HAVE_GIT = spawnSync("git", ["--version"]).status === 0;

describe.skipIf(!HAVE_CLI || !clangAvailable)("snapshot and diff through the CLI (needs `npm run build` and clang-16)", () => {
  const root = mkdtempSync(join(tmpdir(), "abidrift-drift-cli-"));
  const side = (name: string, event: string): string => {
    const dir = join(root, name);
    mkdirSync(dir);
    return buildObjects({ ringbuf: program(`${event}\n${KEY}`) }, dir);
  };
  // Built in beforeAll, not while collecting, so a missing clang skips rather than crashes.
  let before = "";
  let after = "";
  beforeAll(() => {
    before = side("before", EVENT);
    after = side("after", WIDE);
  });

  it("snapshot writes a lock the schema accepts, and leaves no temporary file", () => {
    const r = run(before, ["snapshot"]);
    expect(r.status, r.stderr).toBe(0);
    const lock = JSON.parse(readFileSync(join(before, "abidrift.lock.json"), "utf8"));
    expect(schemaValidator("lock.schema.json")(lock)).toBe("");
    expect(lock.types.map((t: { name: string }) => t.name)).toEqual(["event", "key"]);
    expect(readdirSync(before).filter((f) => f.includes(".tmp"))).toEqual([]);
    expect(run(before, ["snapshot", "-o", "-"]).stdout).toBe(readFileSync(join(before, "abidrift.lock.json"), "utf8"));
  });

  it("the tree against its own lock: no drift, exit 0", () => {
    const r = run(before, ["diff", "abidrift.lock.json", "."]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^no problems/m);
  });

  it("a widened event member: exit 1, reported at the member's line in the new C source", () => {
    const r = run(root, ["diff", "before/ringbuf.bpf.o", "after/ringbuf.bpf.o", "-f", "json"]);
    expect(r.status, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as { findings: { code: string; messageId: string; locations: { file: string; line: number | null }[]; data: Record<string, string> }[] };
    const tgid = doc.findings.find((f) => f.data.member === "tgid")!;
    expect(tgid.code).toBe("abi-break");
    const text = readFileSync(join(after, "ringbuf.bpf.c"), "utf8").split("\n");
    expect(tgid.locations[0]).toMatchObject({ file: "after/ringbuf.bpf.c", line: text.findIndex((l) => l.includes("__u64 tgid")) + 1 });
    // The lock side says the same as the object side.
    const fromLock = run(root, ["diff", "before/abidrift.lock.json", "after/ringbuf.bpf.o", "-f", "json"]);
    expect(fromLock.status).toBe(1);
    expect((JSON.parse(fromLock.stdout) as typeof doc).findings.map((f) => [f.messageId, f.data.member])).toEqual(doc.findings.map((f) => [f.messageId, f.data.member]));
  });

  it("sarif and github formats carry the same findings", () => {
    const sarif = JSON.parse(run(root, ["diff", "before/ringbuf.bpf.o", "after/ringbuf.bpf.o", "-f", "sarif"]).stdout) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarif.runs[0]!.results.length).toBeGreaterThan(0);
    expect(new Set(sarif.runs[0]!.results.map((x) => x.ruleId))).toEqual(new Set(["abi-break"]));
    const gh = run(root, ["diff", "before/ringbuf.bpf.o", "after/ringbuf.bpf.o", "-f", "github"]).stdout;
    expect(gh).toMatch(/^::error file=after\/ringbuf\.bpf\.c,line=\d+/m);
  });

  describe("bad locks: one line naming the lock, exit 2", () => {
    const good = () => readFileSync(join(before, "abidrift.lock.json"), "utf8");
    const cases: [string, () => string][] = [
      ["truncated.json", () => good().slice(0, Math.floor(good().length / 2))],
      ["empty.json", () => ""],
      ["not-json.json", () => "abidrift lock\n"],
      ["future-version.json", () => good().replace('"abidrift": 1', '"abidrift": 99')],
      ["negative-size.json", () => good().replace(/"size":\d+/, '"size":-4')],
      ["duplicate-type.json", () => good().replace(/("types": \[\n)(.*?\]\})/s, "$1$2,\n$2")],
      ["array.json", () => "[]"],
    ];
    for (const [name, text] of cases) {
      it(name, () => {
        writeFileSync(join(root, name), text());
        expect(badInputProblem(run(root, ["diff", name, "after/ringbuf.bpf.o"]), name)).toBe("");
      });
    }
  });

  it("a directory with no BPF object or source is one line, exit 2", () => {
    mkdirSync(join(root, "empty"));
    expect(badInputProblem(run(root, ["diff", "empty", "after"]), "empty")).toBe("");
  });

  describe.skipIf(!HAVE_GIT)("git:REV sides (git missing: skipped)", () => {
    const repo = join(root, "repo");
    beforeAll(() => {
      mkdirSync(repo);
      git(repo, "init", "-q");
      for (const [from, message] of [
        [before, "narrow"],
        [after, "wide"],
      ] as const) {
        for (const f of ["ringbuf.bpf.c", "ringbuf.bpf.o"]) copyFileSync(join(from, f), join(repo, f));
        git(repo, "add", "ringbuf.bpf.c", "ringbuf.bpf.o");
        git(repo, "commit", "-q", "-m", message);
      }
    });

    it("diff git:HEAD~1 git:HEAD reads both trees from git: breaking, exit 1", () => {
      const r = run(repo, ["diff", "git:HEAD~1", "git:HEAD", "-f", "json"]);
      expect(r.status, r.stderr).toBe(1);
      const doc = JSON.parse(r.stdout) as { findings: { data: Record<string, string>; locations: { file: string }[] }[] };
      expect(doc.findings.find((f) => f.data.member === "tgid")?.locations[0]?.file).toBe("git:HEAD:ringbuf.bpf.c");
    });

    it("the same revision on both sides: exit 0", () => {
      expect(run(repo, ["diff", "git:HEAD", "git:HEAD"]).status).toBe(0);
    });

    it("a revision that does not exist: one line, exit 2", () => {
      expect(badInputProblem(run(repo, ["diff", "git:no-such-rev", "git:HEAD"]), "git:no-such-rev")).toBe("");
    });

    it("git: outside a repository: one line, exit 2", () => {
      const outside = mkdtempSync(join(tmpdir(), "abidrift-not-git-"));
      const r = run(outside, ["diff", "git:HEAD", "git:HEAD"]);
      expect(r.status).toBe(2);
      expect(r.stderr.split("\n").filter(Boolean)).toEqual([expect.stringMatching(/^abidrift: .*not a git repository/)]);
    });
  });
});
