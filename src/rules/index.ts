import { archDependentType } from "./arch-dependent-type.js";
import { binaryReadPadding } from "./binary-read-padding.js";
import { DRIFT_RULES } from "../drift/rules.js";
import { mapKeySize } from "./map-key-size.js";
import { mapValueSize } from "./map-value-size.js";
import type { Rule } from "./rule.js";
import { staleGenerated } from "./stale-generated.js";
import { staleObject } from "./stale-object.js";
import { structMismatch } from "./struct-mismatch.js";
import { timeVaryingMapKey } from "./time-varying-map-key.js";
import { unknownMap } from "./unknown-map.js";

/** Every rule, in the order reports list them. */
export const RULES: readonly Rule[] = [mapKeySize, mapValueSize, structMismatch, binaryReadPadding, archDependentType, timeVaryingMapKey, unknownMap, staleGenerated, staleObject, ...DRIFT_RULES];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}

export type { Rule, RuleContext, ClockKeyWrite } from "./rule.js";
export type { Finding, Severity, FindingLocation, Fix } from "./finding.js";
