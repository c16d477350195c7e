import type { Command } from "commander";
import { registerAudit } from "./audit.js";
import { registerCheck } from "./check.js";
import { registerDiff } from "./diff.js";
import { registerGen } from "./gen.js";
import { registerLayout } from "./layout.js";
import { registerMaps } from "./maps.js";
import { registerSnapshot } from "./snapshot.js";

/** Every command, in the order `--help` lists them. */
export const commands: readonly ((program: Command) => void)[] = [registerLayout, registerMaps, registerCheck, registerSnapshot, registerDiff, registerAudit, registerGen];
