import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// Tests import "corral", "corral/testing", ... by name; the "corral-source" export condition maps them to the
// TypeScript sources, so tests exercise exactly the public entry points users import. (Not "source": some bundlers
// and monorepos set that one, and it would send them to files the package does not publish.)
export default defineConfig({
  resolve: { conditions: ["corral-source"] },
  ssr: { resolve: { conditions: ["corral-source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    // No timeout a slow or loaded machine trips: a test that takes long is slow, not failed. Ten minutes only ends
    // a test that hangs, well inside CI's own limit.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // A worker per core: vitest's default leaves one core free, which on a 2-core machine runs the files one at a
    // time. The golden fixtures are split over several files (test/codemods/fixtures/) to spread over them too.
    maxWorkers: availableParallelism(),
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
