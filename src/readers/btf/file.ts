import { readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import type { Target } from "../../ir/targets.js";
import { Btf } from "./btf.js";

const KERNEL_BTF_DIR = "/sys/kernel/btf";

export interface ReadBtfFileOptions {
  /** Base BTF for a split file; kernel modules in /sys/kernel/btf default to vmlinux. */
  base?: Btf;
  target?: Target;
}

/** A raw BTF file (`/sys/kernel/btf/vmlinux`, or one a tool dumped). */
export function readBtfFile(path: string, opts: ReadBtfFileOptions = {}): Btf {
  let base = opts.base;
  if (!base && dirname(path) === KERNEL_BTF_DIR && basename(path) !== "vmlinux") {
    base = readBtfFile(`${KERNEL_BTF_DIR}/vmlinux`, { target: opts.target });
  }
  return new Btf(readFileSync(path), { file: path, base, target: opts.target });
}
