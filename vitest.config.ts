import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Oracle tests spawn clang, bpftool and go; two cores are all CI has.
    maxWorkers: 2,
    // One temporary folder per run, removed at its end.
    globalSetup: ["./test/oracles/scratch-dir.ts"],
    // The summary ends the run: what was skipped, and how to install what it needs.
    reporters: ["default", "./test/oracles/skip-summary.ts"],
  },
});
