import { defineConfig } from "vitest/config";

// Tests import "corral", "corral/testing", ... by name; the "corral-source" export condition maps them to the
// TypeScript sources, so tests exercise exactly the public entry points users import. (Not "source": some bundlers
// and monorepos set that one, and it would send them to files the package does not publish.)
export default defineConfig({
  resolve: { conditions: ["corral-source"] },
  ssr: { resolve: { conditions: ["corral-source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    // The CLI tests run the built command several times each; a loaded machine needs more than the default 5 s.
    testTimeout: 30_000,
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
