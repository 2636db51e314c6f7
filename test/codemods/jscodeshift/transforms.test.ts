/**
 * The jscodeshift transforms of `transforms/`, run as users run them: jscodeshift's own bin, forking its worker
 * (which loads the transform with `require` through its babel hook), in a project that installed the packed
 * package. The same golden cases are copied three times: `corral migrate --to async --write` runs over one copy,
 * `npx jscodeshift -t node_modules/corral/transforms/to-async.cjs` over another, once each over every case, and the
 * two must agree: the same text for every file, the same refusals and notes (jscodeshift's `report` lines), a refused
 * file byte-identical. The third copy is for `--dry` (nothing written, the same report) and then to-scoped.cjs.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { cases, fixturesRoot, type Case } from "../../support/fixture-cases.ts";
import { installPacked } from "../../support/packed.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const jscodeshiftBin = path.join(root, "node_modules/jscodeshift/bin/jscodeshift.js");

/** Changed in TypeScript, JavaScript and CommonJS, one with notes, and refused ones (their whole files). */
const NAMES = [
  "nested-chain-in-handler",
  "js-nested-chain-in-handler",
  "wrapper-commonjs-require",
  "err-first-options-swap",
  "refuse-filtered-catch",
  "refuse-js-function-handler-this",
];
const chosen: Case[] = NAMES.map((name) => cases.find((c) => c.stage === "to-async" && c.name === name)!);

/** The project's own settings, as the golden cases are checked with (their inputs import `.ts` files). */
const TSCONFIG = {
  compilerOptions: { target: "es2022", module: "nodenext", strict: true, allowImportingTsExtensions: true, noEmit: true, types: ["node"], skipLibCheck: true },
};

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cwd: string, args: readonly string[]): Promise<Ran> {
  return new Promise((resolve) => {
    // NO_COLOR: jscodeshift colours its report when CI is set.
    execFile(process.execPath, args, { cwd, env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

/** A file under the folder both tools are run on that corral must leave alone. */
const DEPENDENCY = "to-async/node_modules/dependency/index.ts";

/** A case's input as copied into a project: `to-async/<case>/input.<ext>`, relative to the project. */
const inputOf = (c: Case): string => path.join("to-async", c.name, c.input);

/** jscodeshift's `report` lines, as `file message`. */
const reported = (stdout: string): string[] => stdout.split("\n").flatMap((line) => (line.startsWith(" REP ") ? [line.slice(5)] : []));

interface CliResult {
  file: string;
  function: string;
  line: number;
  outcome: string;
  reason: { code: string; message: string } | null;
  notes: string[];
}

let dir: string;
let cli: { ran: Ran; results: CliResult[] };
let jscodeshift: Ran;
let dry: Ran;
let scoped: Ran;
let applied: Ran;

/**
 * jscodeshift's test helper, as a team's own transform tests call it: `applyTransform(transform, options, { path,
 * source })` for each file named, printing the outputs (trimmed, as the helper gives them) as JSON. Its API has no
 * `report`: the transform says its lines on stderr.
 */
const APPLY = `const { readFileSync } = require("node:fs");
const { applyTransform } = require(${JSON.stringify(path.join(root, "node_modules/jscodeshift/src/testUtils.js"))});
const transform = require("corral/transforms/to-async.cjs");
Promise.all(process.argv.slice(2).map((file) => applyTransform(transform, {}, { path: file, source: readFileSync(file, "utf8") })))
  .then((outputs) => process.stdout.write(JSON.stringify(outputs)));
`;

/** `npx jscodeshift -t node_modules/corral/transforms/<transform> ...args` in the copy named `copy`. */
const jscodeshiftIn = (copy: string, transform: string, args: readonly string[]): Promise<Ran> =>
  run(path.join(dir, copy), [jscodeshiftBin, "-t", `node_modules/corral/transforms/${transform}`, "--cpus=1", ...args]);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "corral-jscodeshift-"));
  installPacked(path.join(dir, "install"));
  for (const copy of ["cli", "jscodeshift", "dry"]) {
    const project = path.join(dir, copy);
    mkdirSync(project);
    symlinkSync(path.join(dir, "install/node_modules"), path.join(project, "node_modules"), "dir");
    writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify(TSCONFIG));
    cpSync(path.join(fixturesRoot, "support"), path.join(project, "support"), { recursive: true });
    for (const c of chosen) {
      mkdirSync(path.join(project, "to-async", c.name), { recursive: true });
      cpSync(path.join(c.dir, c.input), path.join(project, inputOf(c)));
    }
    // A dependency with code the stage would change: corral's walk does not enter node_modules, jscodeshift's does.
    mkdirSync(path.join(project, path.dirname(DEPENDENCY)), { recursive: true });
    cpSync(path.join(chosen[0]!.dir, chosen[0]!.input), path.join(project, DEPENDENCY));
  }
  const bin = path.join(dir, "install/node_modules/corral/dist/cli/main.js");
  const refused = inputOf(chosen.find((c) => c.spec.expect === "refused")!);
  const changed = inputOf(chosen.find((c) => c.spec.expect === "changed")!);
  writeFileSync(path.join(dir, "dry", "apply.cjs"), APPLY);
  [cli, jscodeshift, [dry, scoped], applied] = await Promise.all([
    run(path.join(dir, "cli"), [bin, "migrate", "to-async", "--to", "async", "--write", "--json"]).then((ran) => ({
      ran,
      results: (JSON.parse(ran.stdout) as { results: CliResult[] }).results,
    })),
    jscodeshiftIn("jscodeshift", "to-async.cjs", ["to-async"]),
    jscodeshiftIn("dry", "to-async.cjs", ["--dry", "to-async"]).then(async (ran) => [ran, await jscodeshiftIn("dry", "to-scoped.cjs", ["--fail-on-error", changed, refused])] as const),
    run(path.join(dir, "dry"), ["apply.cjs", changed, refused]),
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("to-async.cjs: corral's --to async as a jscodeshift transform", () => {
  test("the installed package has the transform where the README points jscodeshift, and its exports map resolves it", () => {
    const project = path.join(dir, "jscodeshift");
    const resolved = createRequire(path.join(project, "package.json")).resolve("corral/transforms/to-async.cjs");
    expect(resolved).toBe(realpathSync(path.join(project, "node_modules/corral/transforms/to-async.cjs")));
  });

  test("jscodeshift runs it over every file without an error", () => {
    expect(cli.ran.code, cli.ran.stderr).toBe(0);
    expect(jscodeshift.code, jscodeshift.stdout + jscodeshift.stderr).toBe(0);
    expect(jscodeshift.stdout).toMatch(/^0 errors$/m);
  });

  test.each(chosen.map((c) => [c.name, c] as const))("%s: the file as corral migrate writes it", (_name, c) => {
    const input = readFileSync(path.join(c.dir, c.input), "utf8");
    const byCli = readFileSync(path.join(dir, "cli", inputOf(c)), "utf8");
    const byJscodeshift = readFileSync(path.join(dir, "jscodeshift", inputOf(c)), "utf8");
    expect(byJscodeshift).toBe(byCli);
    // Neither test is empty: a changed case's golden output, a refused case's input, byte for byte.
    if (c.spec.expect === "changed") expect(byJscodeshift).toBe(readFileSync(path.join(c.dir, c.input.replace("input", "output")), "utf8"));
    else expect(byJscodeshift).toBe(input);
  });

  test("every refusal and every note corral migrate gives is reported through api.report, with its reason code", () => {
    const expected = cli.results.flatMap((r) => [
      ...r.notes.map((note) => `${r.file} note: ${r.function} (${r.file}:${r.line}): ${note}`),
      ...(r.outcome === "refused" ? [`${r.file} refused: ${r.function} (${r.file}:${r.line}): [${r.reason!.code}] ${r.reason!.message}`] : []),
    ]);
    expect(expected.filter((line) => line.includes(" refused: ")).length).toBeGreaterThanOrEqual(2);
    expect(expected.filter((line) => line.includes(" note: ")).length).toBeGreaterThanOrEqual(1);
    expect(reported(jscodeshift.stdout).filter((line) => !line.startsWith(`${DEPENDENCY} skipped: `)).sort()).toEqual(expected.sort());
    for (const c of chosen.filter((c) => c.spec.expect === "refused")) {
      expect(reported(jscodeshift.stdout).some((line) => line.startsWith(`${inputOf(c)} refused: `) && line.includes(`[${c.spec.reason}]`)), c.name).toBe(true);
    }
  });

  test("a file in node_modules is left alone, as corral migrate's walk leaves it, and the report says why", () => {
    const original = readFileSync(path.join(chosen[0]!.dir, chosen[0]!.input), "utf8");
    for (const copy of ["cli", "jscodeshift"]) expect(readFileSync(path.join(dir, copy, DEPENDENCY), "utf8"), copy).toBe(original);
    expect(reported(jscodeshift.stdout)).toContainEqual(expect.stringMatching(new RegExp(`^${DEPENDENCY} skipped: inside node_modules/, which corral leaves alone`)));
  });

  test("--dry writes nothing, and reports and counts the same", () => {
    for (const c of chosen) expect(readFileSync(path.join(dir, "dry", inputOf(c)), "utf8"), c.name).toBe(readFileSync(path.join(c.dir, c.input), "utf8"));
    expect(reported(dry.stdout).sort()).toEqual(reported(jscodeshift.stdout).sort());
    const changed = chosen.filter((c) => c.spec.expect === "changed").length;
    // (the dependency is one more file unmodified)
    for (const ran of [dry, jscodeshift]) expect(ran.stdout).toContain(`0 errors\n${chosen.length - changed + 1} unmodified\n0 skipped\n${changed} ok\n`);
  });

  test("through jscodeshift's applyTransform (no `report` there): the same text, and the lines on stderr", () => {
    const [changed, refused] = [chosen.find((c) => c.spec.expect === "changed")!, chosen.find((c) => c.spec.expect === "refused")!];
    expect(applied.code, applied.stderr).toBe(0);
    const byCli = [changed, refused].map((c) => readFileSync(path.join(dir, "cli", inputOf(c)), "utf8").trim());
    expect(JSON.parse(applied.stdout)).toEqual(byCli);
    expect(applied.stderr).toMatch(new RegExp(`^${inputOf(refused)}: refused: .*\\[${refused.spec.reason}\\]`, "m"));
  });
});

describe("to-scoped.cjs", () => {
  test("fails each file with what to run instead, and leaves it untouched", () => {
    expect(scoped.code, "--fail-on-error").toBe(1);
    const errors = scoped.stdout.split("\n").filter((line) => line.startsWith(" ERR "));
    expect(errors).toHaveLength(2);
    for (const line of errors) {
      expect(line).toMatch(/Transformation error \(corral's --to scoped is decided across the project .* run `npx corral migrate <paths> --to scoped` instead/);
    }
    for (const c of chosen) expect(readFileSync(path.join(dir, "dry", inputOf(c)), "utf8"), c.name).toBe(readFileSync(path.join(c.dir, c.input), "utf8"));
  });
});
