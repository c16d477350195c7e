// A plain `layout FILE [--format F]` or `check [PATH...] [--format F]
// [--no-lock]` runs without commander (src/cli/plain-argv.ts): it must reach
// runLayout or runCheck with the options commander would have given, and
// every other shape must go to commander.
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { registerLayout } from "../../src/cli/commands/layout.js";
import { registerCheck } from "../../src/cli/commands/check.js";
import { plainCheckArgs, plainLayoutArgs } from "../../src/cli/plain-argv.js";

/** The two arguments commander hands a command's action for `args`: what it was given, and its options. */
async function viaCommander(register: (program: Command) => void, args: string[]): Promise<[unknown, unknown]> {
  const program = new Command("abidrift").exitOverride();
  register(program);
  let got: [unknown, unknown] | undefined;
  program.commands[0]!.action((given: unknown, opts: unknown) => {
    got = [given, opts];
  });
  await program.parseAsync(args, { from: "user" });
  return got!;
}

describe("plain layout argv", () => {
  for (const args of [
    ["layout", "prog.o"],
    ["layout", "/sys/kernel/btf/vmlinux", "--format", "json"],
    ["layout", "-f", "json", "prog.o"],
    ["layout", "prog.o", "-f", "text"],
    ["layout", "prog.bpf.c", "-I", "headers", "-D", "__TARGET_ARCH_x86=1"],
    ["layout", "--include", "a", "-I", "b", "prog.bpf.c", "--define", "DEBUG", "-D", "X=", "-f", "json"],
    ["layout", "/sys/kernel/btf/vmlinux", "-t", "task_struct"],
    ["layout", "prog.o", "-t", "dns_key", "struct event", "-f", "json"],
    ["layout", "prog.o", "--type", "a", "-t", "b", "c"],
  ]) {
    it(`${args.join(" ")}: the options commander gives`, async () => {
      const plain = plainLayoutArgs(args);
      expect(plain).toBeDefined();
      const [file, opts] = await viaCommander(registerLayout, args);
      expect(plain).toStrictEqual({ file, opts });
    });
  }

  for (const args of [
    ["layout"],
    ["layout", "prog.o", "extra.o"],
    ["layout", "prog.o", "-f", "xml"],
    ["layout", "prog.o", "-f"],
    ["layout", "prog.o", "--format=json"],
    ["layout", "prog.o", "-f", "json", "-f", "text"],
    ["layout", "prog.o", "--cachelines"],
    ["layout", "-t", "dns_key", "prog.o"],
    ["layout", "prog.o", "-t"],
    ["layout", "prog.o", "-t", "-f", "json"],
    ["layout", "prog.o", "--type=dns_key"],
    ["layout", "--", "prog.o"],
    ["layout", "prog.bpf.c", "-I"],
    ["layout", "prog.bpf.c", "-Iheaders"],
    ["layout", "prog.bpf.c", "--include=headers"],
    ["layout", "prog.bpf.c", "-D", "-I"],
    ["maps", "prog.o"],
    ["--version"],
    [],
  ]) {
    it(`${args.join(" ") || "(nothing)"}: left to commander`, () => {
      expect(plainLayoutArgs(args)).toBeUndefined();
    });
  }
});

describe("plain check argv", () => {
  for (const args of [
    ["check"],
    ["check", "."],
    ["check", "repo", "other/dir", "file.bpf.c"],
    ["check", ".", "--format", "json"],
    ["check", "-f", "sarif", "."],
    ["check", "--no-lock", "."],
    ["check", ".", "-f", "github", "--no-lock"],
  ]) {
    it(`${args.join(" ")}: the paths and options commander gives`, async () => {
      const plain = plainCheckArgs(args);
      expect(plain).toBeDefined();
      const [paths, opts] = await viaCommander(registerCheck, args);
      expect(plain).toStrictEqual({ paths, opts });
    });
  }

  for (const args of [
    ["check", ".", "-f", "xml"],
    ["check", ".", "-f"],
    ["check", ".", "--format=json"],
    ["check", ".", "-f", "json", "-f", "text"],
    ["check", ".", "--no-lock", "--no-lock"],
    ["check", ".", "--lock", "my.lock.json"],
    ["check", ".", "--update-lock"],
    ["check", ".", "--explain"],
    ["check", ".", "--verbose"],
    ["check", "-c", "cfg.json", "."],
    ["check", "-o", "out.sarif", "."],
    ["check", "--python-version", "3.8", "."],
    ["check", "--", "."],
    ["check", "--help"],
    ["checks", "."],
    ["layout", "prog.o", "extra.o"],
  ]) {
    it(`${args.join(" ")}: left to commander`, () => {
      expect(plainCheckArgs(args)).toBeUndefined();
    });
  }
});
