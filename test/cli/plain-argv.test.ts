// A plain `layout FILE [--format F]` or `check [PATH...] [--format F]
// [--no-lock]` runs without commander (src/cli/plain-argv.ts): it must reach
// runLayout or runCheck with the options commander would have given, and
// every other shape must go to commander.
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { registerLayout, type LayoutOptions } from "../../src/cli/commands/layout.js";
import { registerCheck, type CheckCliOptions } from "../../src/cli/commands/check.js";
import { plainCheckArgs, plainLayoutArgs } from "../../src/cli/plain-argv.js";

/** What commander hands the layout action for `args`. */
async function viaCommander(args: string[]): Promise<{ file: string; opts: LayoutOptions }> {
  const program = new Command("abidrift").exitOverride();
  registerLayout(program);
  let got: { file: string; opts: LayoutOptions } | undefined;
  program.commands[0]!.action((file: string, opts: LayoutOptions) => {
    got = { file, opts };
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
  ]) {
    it(`${args.join(" ")}: the options commander gives`, async () => {
      const plain = plainLayoutArgs(args);
      expect(plain).toBeDefined();
      expect(plain).toStrictEqual(await viaCommander(args));
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
    ["layout", "--", "prog.o"],
    ["maps", "prog.o"],
    ["--version"],
    [],
  ]) {
    it(`${args.join(" ") || "(nothing)"}: left to commander`, () => {
      expect(plainLayoutArgs(args)).toBeUndefined();
    });
  }
});

/** What commander hands the check action for `args`. */
async function checkViaCommander(args: string[]): Promise<{ paths: string[]; opts: CheckCliOptions }> {
  const program = new Command("abidrift").exitOverride();
  registerCheck(program);
  let got: { paths: string[]; opts: CheckCliOptions } | undefined;
  program.commands[0]!.action((paths: string[], opts: CheckCliOptions) => {
    got = { paths, opts };
  });
  await program.parseAsync(args, { from: "user" });
  return got!;
}

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
      expect(plain).toStrictEqual(await checkViaCommander(args));
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
