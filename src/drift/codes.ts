import type { DriftClass } from "./classify.js";

/** The finding code of each class of drift. */
export const DRIFT_CODES: Record<DriftClass, string> = { breaking: "abi-break", compatible: "abi-change" };
