import { defineConfig } from "vitest/config";

// Tests import "corral", "corral/testing", ... by name; the "source" export condition maps them to the
// TypeScript sources, so tests exercise exactly the public entry points users import.
export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    // No timeout a slow or loaded machine trips: a test that takes long is slow, not failed. Ten minutes only ends
    // a test that hangs, well inside CI's own limit.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
