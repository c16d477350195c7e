import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Oracle tests spawn clang, bpftool and go; two cores are all CI has.
    maxWorkers: 2,
    // The summary ends the run: what was skipped, and how to install what it needs.
    reporters: ["default", "./test/oracles/skip-summary.ts"],
  },
});
