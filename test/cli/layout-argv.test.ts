// A plain `layout FILE [--format F]` runs without commander (src/cli/layout-argv.ts):
// it must reach runLayout with the options commander would have given, and
// every other shape must go to commander.
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { registerLayout, type LayoutOptions } from "../../src/cli/commands/layout.js";
import { plainLayoutArgs } from "../../src/cli/layout-argv.js";

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
