// The CI gate end to end, through the built CLI: a libbpf project with a
// ring-buffer event, a hash map and a Go loader is built with clang,
// snapshotted and checked clean; then one member of the event is widened and
// the program rebuilt, and `check`, `diff` of the two objects and `diff` of
// two git revisions must each fail on that member at its C line. Lines are
// found in the C text, never typed.
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileBpf, lineOf } from "../check/repo.js";
import { HAVE_CLI, runCli, badInputProblem, type CliResult } from "../cli/run.js";
import { clangAvailable } from "./build.js";

const HAVE_GIT = spawnSync("git", ["--version"]).status === 0;

const run = (cwd: string, args: string[]): CliResult => runCli(args, { cwd });

const build = (dir: string): void => compileBpf(join(dir, "exec.bpf.c"), join(dir, "exec.bpf.o"));

const git = (cwd: string, ...args: string[]): void => {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" } });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
};

const BPF = `// exec events to userspace through a ring buffer, and a count of execs per cgroup and user.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct exec_event {
	__u32 pid;
	__u32 ppid;
	__u64 start_ns;
	char comm[16];
};

struct cgroup_key {
	__u64 cgroup_id;
	__u32 uid;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct cgroup_key);
	__type(value, __u64);
} execs SEC(".maps");

const struct exec_event *unused_exec_event __attribute__((unused));

SEC("tp/sched/sched_process_exec")
int handle_exec(void *ctx)
{
	struct cgroup_key key = { .cgroup_id = bpf_get_current_cgroup_id(), .uid = (__u32)bpf_get_current_uid_gid() };
	struct exec_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->start_ns = bpf_ktime_get_ns();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	__u64 one = 1, *n = bpf_map_lookup_elem(&execs, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&execs, &key, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
`;

const LOADER = `// Loads exec.bpf.o, prints each exec event and the count per cgroup and user.
package main

import (
	"bytes"
	"encoding/binary"
	"log"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"
)

type execEvent struct {
	Pid     uint32
	Ppid    uint32
	StartNs uint64
	Comm    [16]byte
}

type cgroupKey struct {
	CgroupId uint64
	Uid      uint32
	_        [4]byte
}

func main() {
	coll, err := ebpf.LoadCollection("exec.bpf.o")
	if err != nil {
		log.Fatal(err)
	}
	rd, err := ringbuf.NewReader(coll.Maps["events"])
	if err != nil {
		log.Fatal(err)
	}
	for {
		record, err := rd.Read()
		if err != nil {
			log.Fatal(err)
		}
		var e execEvent
		if err := binary.Read(bytes.NewReader(record.RawSample), binary.LittleEndian, &e); err != nil {
			log.Fatal(err)
		}
		var count uint64
		key := cgroupKey{Uid: 0}
		if err := coll.Maps["execs"].Lookup(&key, &count); err == nil {
			log.Printf("%d %d %d", e.Pid, e.Ppid, count)
		}
	}
}
`;

const WIDENED = BPF.replace("__u32 ppid;", "__u64 ppid;");
// The loader fixed for the widened event: encoding/binary skips no padding, so the hole before ppid is spelled out.
const LOADER_WIDENED = LOADER.replace("Ppid    uint32", "_       [4]byte\n\tPpid    uint64");

type Doc = { findings: { code: string; messageId: string; data: Record<string, string>; locations: { file: string; line: number | null }[] }[] };
const json = (r: CliResult): Doc => JSON.parse(r.stdout) as Doc;
/** What a drift finding says, without where: the same drift from any two sides. */
const drift = (d: Doc): string[] =>
  d.findings
    .filter((f) => f.code.startsWith("abi-"))
    .map((f) => `${f.code} ${f.messageId} ${f.data.subject} ${f.data.member ?? ""} ${f.data.old} -> ${f.data.new}`)
    .sort();

describe.skipIf(!HAVE_CLI || !clangAvailable)("the drift gate on a libbpf project (needs `npm run build` and clang-16)", () => {
  const root = mkdtempSync(join(tmpdir(), "abidrift-gate-"));
  const project = join(root, "project");
  mkdirSync(project);
  // Built in beforeAll, not while collecting, so a missing clang skips rather than crashes.
  beforeAll(() => {
    writeFileSync(join(project, "exec.bpf.c"), BPF);
    writeFileSync(join(project, "main.go"), LOADER);
    build(project);
    // The release the lock describes, kept aside under another file name, as CI keeps an artifact.
    copyFileSync(join(project, "exec.bpf.o"), join(root, "exec-v1.bpf.o"));
  });

  it("snapshot, then a clean check: exit 0", () => {
    const snap = run(project, ["snapshot"]);
    expect(snap.status, snap.stderr).toBe(0);
    const r = run(project, ["check"]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^no problems/m);
  });

  it("gen ts from the lock gives the module gen ts gives from the object, but for the source it names", () => {
    const fromObject = run(project, ["gen", "ts", "exec.bpf.o", "--type", "exec_event"]);
    const fromLock = run(project, ["gen", "ts", "abidrift.lock.json", "--type", "exec_event"]);
    expect([fromObject.status, fromLock.status], fromLock.stderr).toEqual([0, 0]);
    expect(fromLock.stdout.split("abidrift.lock.json").join("SOURCE")).toBe(fromObject.stdout.split("exec.bpf.o").join("SOURCE"));
  });

  it("a widened event member, rebuilt: check exits 1 with abi-break at that member's C line, and diff of the objects agrees", () => {
    writeFileSync(join(project, "exec.bpf.c"), WIDENED);
    build(project);
    const r = run(project, ["check", "-f", "json"]);
    expect(r.status, r.stderr).toBe(1);
    const checked = json(r);
    const ppid = checked.findings.find((f) => f.code === "abi-break" && f.data.member === "ppid");
    expect(ppid?.messageId).toBe("member-moved");
    expect(ppid?.locations[0]).toMatchObject({ file: "exec.bpf.c", line: lineOf(WIDENED, "__u64 ppid;") });
    // The Go twin still has the old layout: check says that too.
    expect(checked.findings.map((f) => f.code)).toContain("struct-mismatch");

    const d = run(root, ["diff", "exec-v1.bpf.o", "project/exec.bpf.o", "-f", "json"]);
    expect(d.status, d.stderr).toBe(1);
    expect(drift(json(d))).toEqual(drift(checked));
    const moved = json(d).findings.find((f) => f.data.member === "ppid");
    expect(moved?.locations[0]).toMatchObject({ file: "project/exec.bpf.c", line: lineOf(WIDENED, "__u64 ppid;") });
    // The maps libbpf makes of .bss are named after the object: a renamed object is no map removed and added.
    expect(drift(json(d)).filter((s) => s.includes(" map-"))).toEqual([]);
  });

  it.skipIf(!HAVE_GIT)("diff git:HEAD~1 git:HEAD says the same, at the revision's lines", () => {
    const repo = join(root, "repo");
    mkdirSync(repo);
    git(repo, "init", "-q");
    for (const [text, message] of [
      [BPF, "exec events"],
      [WIDENED, "widen ppid"],
    ] as const) {
      writeFileSync(join(repo, "exec.bpf.c"), text);
      copyFileSync(join(project, "main.go"), join(repo, "main.go"));
      build(repo);
      git(repo, "add", "exec.bpf.c", "exec.bpf.o", "main.go");
      git(repo, "commit", "-q", "-m", message);
    }
    const r = run(repo, ["diff", "git:HEAD~1", "git:HEAD", "-f", "json"]);
    expect(r.status, r.stderr).toBe(1);
    expect(drift(json(r))).toEqual(drift(json(run(project, ["check", "-f", "json"]))));
    expect(json(r).findings.find((f) => f.data.member === "ppid")?.locations[0]).toMatchObject({ file: "git:HEAD:exec.bpf.c", line: lineOf(WIDENED, "__u64 ppid;") });
  });

  it("--update-lock accepts the drift and says what it accepted; the stale Go twin still fails until it is fixed", () => {
    const dir = join(root, "accept");
    cpSync(project, dir, { recursive: true });
    const before = drift(json(run(dir, ["check", "-f", "json"])));
    const r = run(dir, ["check", "--update-lock", "-f", "json"]);
    expect(r.status).toBe(1);
    expect(json(r).findings.map((f) => f.code)).not.toContain("abi-break");
    expect(r.stderr).toMatch(new RegExp(`accepting ${before.length} changes \\(${before.length} breaking, 0 compatible\\)`));
    expect(r.stderr).toContain("member ppid moved");
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(drift(json(run(dir, ["check", "-f", "json"])))).toEqual([]);
    writeFileSync(join(dir, "main.go"), LOADER_WIDENED);
    const fixed = run(dir, ["check"]);
    expect(fixed.status, fixed.stdout).toBe(0);
  });

  it("a suppression comment above the C line silences that finding only", () => {
    const dir = join(root, "suppressed");
    cpSync(project, dir, { recursive: true });
    writeFileSync(join(dir, "exec.bpf.c"), WIDENED.replace("\t__u64 ppid;", "\t// abidrift-ignore-next-line abi-break\n\t__u64 ppid;"));
    build(dir);
    const left = json(run(dir, ["check", "-f", "json"])).findings.filter((f) => f.code === "abi-break");
    expect(left.map((f) => f.data.member)).not.toContain("ppid");
    expect(left.map((f) => f.data.member)).toContain("start_ns");
  });

  it("--no-lock ignores the lock; --lock names another", () => {
    const dir = join(root, "no-lock");
    cpSync(project, dir, { recursive: true });
    writeFileSync(join(dir, "main.go"), LOADER_WIDENED);
    expect(run(dir, ["check"]).status).toBe(1);
    expect(run(dir, ["check", "--no-lock"]).status).toBe(0);
    const other = join(root, "other.lock.json");
    expect(run(dir, ["snapshot", "-o", other]).status).toBe(0);
    expect(run(dir, ["check", "--lock", other]).status).toBe(0);
  });

  describe("a bad lock or lock path: one line naming it, exit 2", () => {
    const dir = join(root, "bad");
    beforeAll(() => cpSync(project, dir, { recursive: true }));
    const good = (): string => readFileSync(join(project, "abidrift.lock.json"), "utf8");
    const cases: [string, () => string][] = [
      ["truncated", () => good().slice(0, Math.floor(good().length / 3))],
      ["not JSON", () => "lock\n"],
      ["future version", () => good().replace('"abidrift": 1', '"abidrift": 2')],
      ["a map without its key size", () => good().replace(/"keySize":\d+,/, "")],
    ];
    it.each(cases)("%s", (_, text) => {
      writeFileSync(join(dir, "abidrift.lock.json"), text());
      expect(badInputProblem(run(dir, ["check"]), "abidrift.lock.json")).toBe("");
      expect(badInputProblem(run(dir, ["gen", "ts", "abidrift.lock.json", "--type", "exec_event"]), "abidrift.lock.json")).toBe("");
    });
    it("--lock naming a file that is not there", () => {
      expect(badInputProblem(run(dir, ["check", "--lock", "missing.json"]), "missing.json")).toBe("");
    });
    it("--lock naming a directory", () => {
      expect(badInputProblem(run(dir, ["check", "--lock", "."]), ".")).toBe("");
    });
    it("--update-lock with --no-lock", () => {
      const r = run(dir, ["check", "--update-lock", "--no-lock"]);
      expect([r.status, r.stderr.split("\n").filter(Boolean).length]).toEqual([2, 1]);
    });
  });
});
