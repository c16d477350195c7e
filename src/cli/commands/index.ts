import type { Command } from "commander";
import { registerCheck } from "./check.js";
import { registerLayout } from "./layout.js";
import { registerMaps } from "./maps.js";

/** Every command, in the order `--help` lists them. */
export const commands: ((program: Command) => void)[] = [registerLayout, registerMaps, registerCheck];
import { registerSnapshot } from "./snapshot.js";
import { registerDiff } from "./diff.js";
commands.push(registerSnapshot, registerDiff);
import { registerGen } from "./gen.js";
commands.push(registerGen);
