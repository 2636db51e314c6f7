import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";
import { corralIn } from "../support/cli.ts";

/**
 * `--to scoped` across files: exports by assignment (CommonJS) and class methods, their callers in other files,
 * `--keep-legacy-export`, and files outside the targets (written only with `--callers`). Each project is written to a
 * temporary folder, migrated by the built CLI, and then run (JavaScript) or type-checked (TypeScript).
 */
const root = fileURLToPath(new URL("../../", import.meta.url));

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A project in a temporary folder, with `corral` resolvable from it as an installed package. */
function project(files: Record<string, string>): void {
  dir = mkdtempSync(path.join(os.tmpdir(), "corral-scoped-exports-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(root, path.join(dir, "node_modules/corral"), "dir");
}

const read = (name: string): string => readFileSync(path.join(dir, name), "utf8");
const node = (script: string): string => execFileSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8" });

interface Report {
  results: { file: string; function: string; outcome: string; reason: { code: string; message: string } | null; notes: string[] }[];
  files: string[];
}

async function migrate(...args: string[]): Promise<Report> {
  const { code, stdout, stderr } = await corralIn(dir, ["migrate", ...args, "--to", "scoped", "--write", "--json"]);
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout) as Report;
}

const outcomes = (report: Report) => report.results.filter((r) => r.outcome !== "unchanged").map((r) => [r.file, r.function, r.outcome, r.reason?.code ?? null]);

/** fs-extra's shapes: functions made by assignment, passed on as values, called through require. */
const FS_LIKE: Record<string, string> = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { allowJs: true, module: "commonjs", target: "es2022", noEmit: true }, include: ["lib", "test"] }),
  "lib/mkdirs.js": `const fs = require("fs/promises");

module.exports.ensureDir = async (dir, mode) => {
  await fs.mkdir(dir, { recursive: true });
  await fs.chmod(dir, mode);
};

exports.remove = async function remove(dir) {
  await fs.rm(dir, { recursive: true, force: true });
};
`,
  "lib/index.js": `const { ensureDir: _ensureDir } = require("./mkdirs");
const m = require("./mkdirs");

function wrap(fn) {
  return (...args) => fn(...args);
}

module.exports.ensureDir = wrap(_ensureDir);

async function copy(src, dest, mode) {
  await m.ensureDir(dest, mode);
  await require("./mkdirs").remove(src);
}

module.exports.copy = copy;
`,
  "test/copy.js": `const { copy } = require("../lib");

copy("a", "b", 0o755).then(() => console.log("copied"));
`,
};

/** Calls the library as its users do, and prints what happened (a failing chmod must reach the caller). */
const USE_FS_LIKE = `
const path = require("path");
const lib = require("./lib");
(async () => {
  const made = path.join(process.cwd(), "made");
  await lib.ensureDir(made, 0o700);
  console.log("ensureDir", require("fs").statSync(made).mode & 0o777);
  await lib.ensureDir(path.join(made, "x"), "not a mode").then(() => console.log("no error"), (e) => console.log("error reaches the caller:", e.code));
  await lib.copy(made, path.join(process.cwd(), "copy"), 0o700);
  console.log("copy removed the source:", !require("fs").existsSync(made));
})();
`;

describe("exports by assignment (CommonJS)", () => {
  test("callers through require are bridged or native; a caller outside the targets refuses its callee", async () => {
    project(FS_LIKE);
    const report = await migrate("lib");
    expect(outcomes(report)).toEqual([
      ["lib/index.js", "copy", "refused", "callers-outside-targets"],
      ["lib/mkdirs.js", "module.exports.ensureDir", "changed", null],
      ["lib/mkdirs.js", "remove", "changed", null],
    ]);
    expect(report.results.find((r) => r.function === "copy")!.reason!.message).toMatch(/`copy` is used outside the targets \(test\/copy\.js:3\).*--callers.*--keep-legacy-export/);
    expect([...report.files].sort()).toEqual(["lib/index.js", "lib/mkdirs.js"]);
    expect(read("test/copy.js")).toBe(FS_LIKE["test/copy.js"]);
    expect(read("lib/mkdirs.js")).toContain("module.exports.ensureDir = async (cx, dir, mode) => {");
    const index = read("lib/index.js");
    expect(index).toContain("module.exports.ensureDir = wrap(toPromise(_ensureDir));"); // passed on as a value: bridged
    expect(index).toContain("await toPromise(m.ensureDir)(dest, mode);");
    expect(index).toContain('await toPromise(require("./mkdirs").remove)(src);');
    expect(node(USE_FS_LIKE)).toBe("ensureDir 448\nerror reaches the caller: ERR_INVALID_ARG_VALUE\ncopy removed the source: true\n");
  });

  test("with --callers the caller becomes scoped and calls natively through require; the test file is bridged and in the report", async () => {
    project(FS_LIKE);
    const report = await migrate("lib", "--callers");
    expect(outcomes(report).map((o) => o[2])).toEqual(["changed", "changed", "changed"]);
    expect([...report.files].sort()).toEqual(["lib/index.js", "lib/mkdirs.js", "test/copy.js"]);
    expect(report.results.find((r) => r.function === "copy")!.notes).toContainEqual(expect.stringContaining("call sites outside the targets were rewritten too, as --callers allows (test/copy.js:3)"));
    const index = read("lib/index.js");
    expect(index).toContain("await m.ensureDir(cx, dest, mode);");
    expect(index).toContain('await require("./mkdirs").remove(cx, src);');
    expect(read("test/copy.js")).toContain('toPromise(copy)("a", "b", 0o755)');
    expect(node(USE_FS_LIKE.replace("lib.copy(", 'require("corral").toPromise(lib.copy)('))).toBe(
      "ensureDir 448\nerror reaches the caller: ERR_INVALID_ARG_VALUE\ncopy removed the source: true\n",
    );
  });

  test("--keep-legacy-export keeps the old names with the old calling form; scoped callers use fScoped; outside files untouched", async () => {
    project(FS_LIKE);
    const report = await migrate("lib", "--keep-legacy-export");
    expect(outcomes(report).map((o) => o[2])).toEqual(["changed", "changed", "changed"]);
    expect([...report.files].sort()).toEqual(["lib/index.js", "lib/mkdirs.js"]);
    const mkdirs = read("lib/mkdirs.js");
    expect(mkdirs).toContain("module.exports.ensureDirScoped = async (cx, dir, mode) => {");
    expect(mkdirs).toContain("module.exports.ensureDir = function ensureDir(dir, mode) {\n  return toPromise((cx) => module.exports.ensureDirScoped(cx, dir, mode))();\n};");
    const index = read("lib/index.js");
    expect(index).toContain("module.exports.ensureDir = wrap(_ensureDir);"); // the old form, as before
    expect(index).toContain("await m.ensureDirScoped(cx, dest, mode);");
    expect(index).toContain('await require("./mkdirs").removeScoped(cx, src);');
    expect(index).toContain("module.exports.copyScoped = copyScoped;");
    expect(read("test/copy.js")).toBe(FS_LIKE["test/copy.js"]);
    expect(node(USE_FS_LIKE)).toBe("ensureDir 448\nerror reaches the caller: ERR_INVALID_ARG_VALUE\ncopy removed the source: true\n");
    const again = await migrate("lib", "--keep-legacy-export");
    expect(again.files).toEqual([]);
  });

  const SIGNING: Record<string, string> = {
    "tsconfig.json": FS_LIKE["tsconfig.json"]!,
    "lib/crypto.js": `async function sign(key, data) {
  return \`\${key}:\${data}\`;
}

module.exports = { sign };
`,
    "lib/token.js": `const crypto = require("./crypto");
const { sign } = require("./crypto");

async function token(key, data) {
  return [await crypto.sign(key, data), await sign(key, data)].join(" ");
}

module.exports = { token };
`,
  };

  test("a scoped caller calls the scoped function, never the legacy form with cx: module.exports = { sign }, destructured too", async () => {
    project(SIGNING);
    await migrate("lib");
    expect(read("lib/crypto.js")).toContain("module.exports = { sign };");
    expect(read("lib/token.js")).toContain('return [await crypto.sign(cx, key, data), await sign(cx, key, data)].join(" ");');
    expect(node(`require("corral").run((cx) => require("./lib/token").token(cx, "k", "d")).then(console.log)`)).toBe("k:d k:d\n");
  });

  test("--keep-legacy-export: module.exports = { sign } exports signScoped beside it, and scoped callers take that", async () => {
    project(SIGNING);
    await migrate("lib", "--keep-legacy-export");
    expect(read("lib/crypto.js")).toContain("module.exports = { sign, signScoped };");
    expect(read("lib/token.js")).toContain('const { signScoped } = require("./crypto");');
    expect(read("lib/token.js")).toContain('return [await crypto.signScoped(cx, key, data), await signScoped(cx, key, data)].join(" ");');
    expect(node(`require("corral").run((cx) => require("./lib/token").tokenScoped(cx, "k", "d")).then(console.log)`)).toBe("k:d k:d\n");
    expect(node(`require("./lib/token").token("k", "d").then(console.log)`)).toBe("k:d k:d\n");
  });

  const MODULE_IS_THE_FUNCTION: Record<string, string> = {
    "tsconfig.json": FS_LIKE["tsconfig.json"]!,
    "lib/sign.js": `async function sign(key, data) {\n  return \`\${key}:\${data}\`;\n}\n\nmodule.exports = sign;\n`,
    "lib/token.js": `const sign = require("./sign");\n\nasync function token(key, data) {\n  return [await sign(key, data), await require("./sign")(key, data)].join(" ");\n}\n\nfunction later(key, data) {\n  setTimeout(() => require("./sign")(key, data).then(console.log), 0);\n}\n\nmodule.exports = { token, later };\n`,
  };

  test("module.exports = f: the module called, as itself or through a name, is native in scoped code and bridged elsewhere", async () => {
    project(MODULE_IS_THE_FUNCTION);
    await migrate("lib");
    const token = read("lib/token.js");
    expect(token).toContain('return [await sign(cx, key, data), await require("./sign")(cx, key, data)].join(" ");');
    expect(token).toContain('setTimeout(() => toPromise(require("./sign"))(key, data).then(console.log), 0);');
    expect(node(`require("corral").run((cx) => require("./lib/token").token(cx, "k", "d")).then(console.log)`)).toBe("k:d k:d\n");
    expect(node(`require("./lib/token").later("k", "d")`)).toBe("k:d\n");
  });

  test("module.exports = f with --keep-legacy-export: the module stays the old form, and carries fScoped for scoped callers", async () => {
    project(MODULE_IS_THE_FUNCTION);
    await migrate("lib", "--keep-legacy-export");
    expect(read("lib/sign.js")).toContain("module.exports = sign;\nmodule.exports.signScoped = signScoped;");
    const token = read("lib/token.js");
    expect(token).toContain('return [await sign.signScoped(cx, key, data), await require("./sign").signScoped(cx, key, data)].join(" ");');
    expect(token).toContain('setTimeout(() => require("./sign")(key, data).then(console.log), 0);');
    expect(node(`require("./lib/token").token("k", "d").then(console.log)`)).toBe("k:d k:d\n");
    expect(node(`require("./lib/token").later("k", "d")`)).toBe("k:d\n");
  });

  test("a later run: scoped callers of the old form kept by an earlier --keep-legacy-export call fScoped natively", async () => {
    project(SIGNING);
    await migrate("lib/crypto.js", "--keep-legacy-export");
    expect(read("lib/token.js")).toBe(SIGNING["lib/token.js"]);
    await migrate("lib/token.js");
    expect(read("lib/token.js")).toContain('const { signScoped } = require("./crypto");');
    expect(read("lib/token.js")).toContain('return [await crypto.signScoped(cx, key, data), await signScoped(cx, key, data)].join(" ");');
    expect(node(`require("corral").run((cx) => require("./lib/token").token(cx, "k", "d")).then(console.log)`)).toBe("k:d k:d\n");
  });
});

/** A class-based TypeScript service whose tests (outside the targets) call its methods. */
const SERVICE: Record<string, string> = {
  "tsconfig.json": JSON.stringify({
    compilerOptions: { strict: true, module: "nodenext", target: "es2022", noEmit: true, allowImportingTsExtensions: true, skipLibCheck: true },
    include: ["src", "test"],
  }),
  "package.json": JSON.stringify({ type: "module" }),
  "src/repo.ts": `export interface Api {
  get(id: string): Promise<string>;
}

export class Repo {
  constructor(private readonly api: Api) {}

  async load(id: string): Promise<string> {
    const name = await this.api.get(id);
    return name.trim();
  }

  static async open(api: Api): Promise<Repo> {
    await api.get("ping");
    return new Repo(api);
  }
}
`,
  "test/repo.test.ts": `import { Repo } from "../src/repo.ts";

export async function check(): Promise<string> {
  const repo = await Repo.open({ get: async (id: string) => \` \${id} \` });
  return repo.load("a");
}
`,
};

function typeErrors(): string {
  try {
    execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", dir], { encoding: "utf8" });
    return "";
  } catch (error) {
    return String((error as { stdout: string }).stdout);
  }
}

describe("class methods and callers outside the targets (TypeScript)", () => {
  test("without options the methods are refused, naming the test's file:line; nothing is written", async () => {
    project(SERVICE);
    const report = await migrate("src");
    expect(outcomes(report)).toEqual([
      ["src/repo.ts", "Repo.load", "refused", "callers-outside-targets"],
      ["src/repo.ts", "Repo.open", "refused", "callers-outside-targets"],
    ]);
    expect(report.results[0]!.reason!.message).toContain("(test/repo.test.ts:5)");
    expect(report.files).toEqual([]);
  });

  test("--keep-legacy-export keeps m(...) beside mScoped(cx, ...); the tests, untouched, still type-check", async () => {
    project(SERVICE);
    const report = await migrate("src", "--keep-legacy-export");
    expect(outcomes(report).map((o) => o[2])).toEqual(["changed", "changed"]);
    expect(report.files).toEqual(["src/repo.ts"]);
    const repo = read("src/repo.ts");
    expect(repo).toContain("async loadScoped(cx: Cx, id: string): Promise<string> {");
    expect(repo).toContain("  load(id: string): Promise<string> {\n    return toPromise((cx: Cx) => this.loadScoped(cx, id))();\n  }");
    expect(repo).toContain("  static open(api: Api): Promise<Repo> {\n    return toPromise((cx: Cx) => this.openScoped(cx, api))();\n  }");
    expect(read("test/repo.test.ts")).toBe(SERVICE["test/repo.test.ts"]);
    expect(typeErrors()).toBe("");
  });

  const REPO_BY_FACTORY = `${SERVICE["src/repo.ts"]!.replace("export class Repo", "class Repo")}\nexport function openRepo(api: Api): Promise<Repo> {\n  return Repo.open(api);\n}\n`;

  test("--keep-legacy-export keeps the old form of a method used outside the targets even when its class is not exported", async () => {
    project({
      ...SERVICE,
      "src/repo.ts": REPO_BY_FACTORY,
      "test/repo.test.ts": `import { openRepo } from "../src/repo.ts";\n\nexport async function check(): Promise<string> {\n  const repo = await openRepo({ get: async (id: string) => \` \${id} \` });\n  return repo.load("a");\n}\n`,
    });
    expect(outcomes(await migrate("src")).map((o) => [o[1], o[3]])).toEqual([
      ["Repo.load", "callers-outside-targets"],
      ["Repo.open", null], // its one caller, refused, bridges it
      ["openRepo", "callers-outside-targets"],
    ]);
    expect(typeErrors()).toBe("");
    rmSync(path.join(dir, "src"), { recursive: true });
    mkdirSync(path.join(dir, "src"));
    writeFileSync(path.join(dir, "src/repo.ts"), REPO_BY_FACTORY);
    await migrate("src", "--keep-legacy-export");
    const repo = read("src/repo.ts");
    expect(repo).toContain("  load(id: string): Promise<string> {\n    return toPromise((cx: Cx) => this.loadScoped(cx, id))();\n  }");
    expect(repo).toContain("static async open(cx: Cx, api: Api): Promise<Repo> {"); // used inside the targets only: no old form
    expect(typeErrors()).toBe("");
  });

  test("--callers rewrites the test file, reports it, and the result type-checks", async () => {
    project(SERVICE);
    const report = await migrate("src", "--callers");
    expect([...report.files].sort()).toEqual(["src/repo.ts", "test/repo.test.ts"]);
    expect(read("test/repo.test.ts")).toContain("toPromise(Repo.open.bind(Repo))");
    expect(typeErrors()).toBe("");
  });
});
