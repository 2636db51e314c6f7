/**
 * The published package as users' projects resolve it: `npm pack` (the built `dist/`, as npm would publish it),
 * unpacked into a temporary project's `node_modules`, then every entry point imported under each module resolution
 * still in use, and required from CommonJS. No network: npm packs locally and `@types/node` is linked from here.
 *
 * `moduleResolution: node10` ("node") ignores the `exports` map: it reads `types` for "corral" and `typesVersions`
 * for "corral/testing" and the other subpaths. TypeScript 7 no longer has node10, so that case is compiled with
 * TypeScript 6 (the one ts-morph bundles), as the projects that still use it do.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Project } from "ts-morph";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { installPacked } from "./support/packed.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsc = path.join(root, "node_modules/.bin/tsc");

/**
 * Every entry point of the package's `exports` map, as users import it. `corral/tsserver` is not imported by code:
 * tsserver loads it (test/editor/plugin.test.ts); nor are the transforms: jscodeshift loads them.
 */
const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { exports: Record<string, unknown> };
const entryPoints = Object.keys(manifest.exports)
  .filter((key) => key !== "./package.json" && key !== "./tsserver" && !key.startsWith("./transforms/"))
  .map((key) => (key === "." ? "corral" : `corral/${key.slice(2)}`));

/**
 * A file that imports every entry point and uses its types. Each `@ts-expect-error` fails the compilation if the
 * names it uses resolved to `any` (which a declaration file that does not resolve gives, under `skipLibCheck`).
 */
const USE = `import { run, sleep, type Cx } from "corral";
import { MockClock } from "corral/testing";
import { currentLoop } from "corral/node";
import "corral/register";

export async function main(): Promise<number> {
  const slept: number = await run(async (cx: Cx) => {
    await sleep(cx, 1000);
    return cx.now();
  }, { clock: new MockClock({ autojump: true }) });
  // @ts-expect-error: sleep takes the context first
  await run((cx: Cx) => sleep(1000, cx));
  // @ts-expect-error: autojump is a boolean or a number of ms
  new MockClock({ autojump: "yes" });
  // @ts-expect-error: currentLoop takes no argument
  currentLoop(slept);
  return currentLoop() === undefined ? -1 : slept;
}
`;

/** The same from a CommonJS program, run by Node (>= 20.19 loads the ES modules through require). */
const REQUIRE = `require("corral/register");
const { run, sleep } = require("corral");
const { MockClock } = require("corral/testing");
const { currentLoop } = require("corral/node");
run(async (cx) => {
  await sleep(cx, 1000);
  return cx.now();
}, { clock: new MockClock({ autojump: true }) }).then((slept) => console.log(\`slept \${slept} ms, loop \${currentLoop() === undefined ? "missing" : "found"}\`));
`;

/**
 * One user project per resolution: its module settings and the file it compiles. One of them also checks the
 * package's declaration files themselves (`skipLibCheck: false`, which costs a check of `@types/node` too).
 */
const PROJECTS: Record<string, { file: string; module: string; moduleResolution?: string; skipLibCheck: boolean }> = {
  node10: { file: "use.ts", module: "commonjs", moduleResolution: "node10", skipLibCheck: true },
  node16: { file: "use.mts", module: "node16", skipLibCheck: true },
  bundler: { file: "use.ts", module: "esnext", moduleResolution: "bundler", skipLibCheck: false },
  "node20 (CommonJS requiring the ES modules)": { file: "use.cts", module: "node20", skipLibCheck: true },
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "corral-package-"));
  installPacked(dir);
  for (const file of new Set(Object.values(PROJECTS).map((p) => p.file))) writeFileSync(path.join(dir, file), USE);
  writeFileSync(path.join(dir, "require.cjs"), REQUIRE);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `tsconfig.<name>.json` for a project of {@link PROJECTS}; returns its path. */
function tsconfigFor(name: string): string {
  const { file, ...options } = PROJECTS[name]!;
  const config = path.join(dir, `tsconfig.${name.split(" ")[0]}.json`);
  const compilerOptions = { ...options, strict: true, noEmit: true, target: "es2022", types: ["node"], ...(name === "node10" ? { ignoreDeprecations: "6.0" } : {}) };
  writeFileSync(config, JSON.stringify({ compilerOptions, files: [file] }));
  return config;
}

function run(command: string, args: readonly string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: dir }, (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code), output: stdout + stderr }));
  });
}

describe("the packed package resolves in users' projects", () => {
  test("the test file imports every entry point of the exports map", () => {
    const imported = [...USE.matchAll(/from "([^"]+)"|^import "([^"]+)"/gm)].map((m) => m[1] ?? m[2]);
    expect(imported.sort()).toEqual([...entryPoints].sort());
  });

  test("moduleResolution node10: types through `types` and `typesVersions`", () => {
    const project = new Project({ tsConfigFilePath: tsconfigFor("node10") });
    const diagnostics = project.getPreEmitDiagnostics();
    expect(project.formatDiagnosticsWithColorAndContext(diagnostics)).toBe("");
  });

  for (const name of Object.keys(PROJECTS).filter((n) => n !== "node10")) {
    test(`${name}: tsc --noEmit is clean`, async () => {
      expect(await run(tsc, ["-p", tsconfigFor(name)])).toEqual({ code: 0, output: "" });
    });
  }

  test("a CommonJS program requires every entry point and runs scoped code", async () => {
    expect(await run(process.execPath, ["require.cjs"])).toEqual({ code: 0, output: "slept 1000 ms, loop found\n" });
  });

  // corral's own tests resolve it to its TypeScript sources through a condition of the exports map; a program or
  // bundler that sets the common "source" condition must still get the published files.
  test('with the "source" condition set, as some bundlers and monorepos do', async () => {
    expect(await run(process.execPath, ["--conditions=source", "require.cjs"])).toEqual({ code: 0, output: "slept 1000 ms, loop found\n" });
  });
});
