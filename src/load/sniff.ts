import { extname } from "node:path";

export type InputKind = "elf" | "btf" | "c" | "go" | "python" | "typescript";

/** What a file is, from its first bytes and then its name. */
export function sniff(path: string, head: Uint8Array): InputKind | undefined {
  if (head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) return "elf";
  if ((head[0] === 0x9f && head[1] === 0xeb) || (head[0] === 0xeb && head[1] === 0x9f)) return "btf";
  switch (extname(path)) {
    case ".c":
    case ".h":
      return "c";
    case ".go":
      return "go";
    case ".py":
      return "python";
    case ".ts":
    case ".mts":
    case ".cts":
      return "typescript";
  }
  // BCC tools are Python programs without an extension.
  const firstLine = Buffer.from(head.subarray(0, 128)).toString("latin1").split("\n")[0] ?? "";
  if (/^#!.*\bpython/.test(firstLine)) return "python";
  return undefined;
}
