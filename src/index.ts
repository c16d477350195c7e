// The abidrift library. The CLI (src/cli/) is a thin layer over these.
export * from "./ir/types.js";
export * from "./ir/graph.js";
export * from "./ir/targets.js";
export * from "./ir/errors.js";
export * from "./ir/maps.js";
export * from "./ir/map-types.js";
export * from "./ir/c-names.js";
export * from "./ir/layout/aggregate.js";
export * from "./ir/bindings.js";
