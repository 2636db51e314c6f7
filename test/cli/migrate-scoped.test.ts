import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { corralIn, type Ran } from "../support/cli.ts";


function corral(cwd: string, ...args: string[]): Promise<Ran> {
  return corralIn(cwd, args);
}

/** A project of three files: a scoped-to-be function, a legacy caller in another file, an async caller. */
const FILES: Record<string, string> = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, module: "nodenext", target: "es2022", noEmit: true, allowImportingTsExtensions: true }, include: ["src"] }),
  "src/users.ts": `export interface Api {
  get(id: string): Promise<string>;
}

export async function loadUser(api: Api, id: string): Promise<string> {
  const name = await api.get(id);
  return name.trim();
}
`,
  "src/routes.ts": `import { loadUser, type Api } from "./users.ts";

export function route(api: Api, id: string): Promise<string> {
  return loadUser(api, id);
}

export async function page(api: Api, ids: string[]): Promise<string[]> {
  return Promise.all(ids.map((id) => loadUser(api, id)));
}
`,
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "corral-scoped-"));
  mkdirSync(path.join(dir, "src"));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(path.join(dir, name), text);
  // corral installed, as a user's project has it: the type gate checks the rewrites against its types.
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(fileURLToPath(new URL("../../", import.meta.url)), path.join(dir, "node_modules/corral"), "dir");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const read = (name: string): string => readFileSync(path.join(dir, name), "utf8");

describe("corral migrate --to scoped across a project", () => {
  test("one function with --callers: its callers in other files are bridged with toPromise, and corral is imported there", async () => {
    const { code, stdout } = await corral(dir, "migrate", "src/users.ts:loadUser", "--to", "scoped", "--callers", "--write", "--json");
    expect(code).toBe(0);
    const { results, files } = JSON.parse(stdout) as { results: { function: string; outcome: string; notes: string[] }[]; files: string[] };
    expect(results.map((r) => [r.function, r.outcome])).toEqual([["loadUser", "changed"]]);
    expect(results[0]!.notes).toContainEqual(expect.stringMatching(/legacy callers go through toPromise\(loadUser\) \(src\/routes\.ts:4, src\/routes\.ts:8\)/));
    expect(results[0]!.notes).toContainEqual(expect.stringMatching(/call sites outside the targets were rewritten too, as --callers allows \(src\/routes\.ts:4, src\/routes\.ts:8\)/));
    expect([...files].sort()).toEqual(["src/routes.ts", "src/users.ts"]);
    expect(read("src/users.ts")).toContain("export async function loadUser(cx: Cx, api: Api, id: string): Promise<string> {");
    expect(read("src/users.ts")).toContain("const name = await fromPromise(cx, api.get(id));");
    expect(read("src/routes.ts")).toContain("return toPromise(loadUser)(api, id);");
    expect(read("src/routes.ts")).toContain('import { toPromise } from "corral";');
  });

  test("a JSDoc reference ({@link}, @see) is no caller: left as written, not listed in the notes", async () => {
    const routes = `import { loadUser, type Api } from "./users.ts";

/**
 * Hands back what {@link loadUser} gives.
 * @see loadUser
 */
export function route(api: Api, id: string): Promise<string> {
  return loadUser(api, id);
}
`;
    writeFileSync(path.join(dir, "src/routes.ts"), routes);
    const { code, stdout } = await corral(dir, "migrate", "src/users.ts:loadUser", "--to", "scoped", "--callers", "--write", "--json");
    expect(code).toBe(0);
    const { results } = JSON.parse(stdout) as { results: { function: string; outcome: string; notes: string[] }[] };
    expect(results.map((r) => [r.function, r.outcome])).toEqual([["loadUser", "changed"]]);
    expect(results[0]!.notes).toContainEqual(expect.stringMatching(/legacy callers go through toPromise\(loadUser\) \(src\/routes\.ts:8\)/));
    expect(read("src/routes.ts")).toBe(routes.replace("return loadUser(api, id);", "return toPromise(loadUser)(api, id);").replace("\n\n/**", '\nimport { toPromise } from "corral";\n\n/**'));
  });

  test("without --callers a function used outside the targets is refused, and no file changes", async () => {
    const { code, stdout } = await corral(dir, "migrate", "src/users.ts:loadUser", "--to", "scoped", "--write", "--json");
    expect(code).toBe(0);
    const { results, files } = JSON.parse(stdout) as { results: { function: string; outcome: string; reason: { code: string; message: string } }[]; files: string[] };
    expect(results.map((r) => [r.function, r.outcome, r.reason.code])).toEqual([["loadUser", "refused", "callers-outside-targets"]]);
    expect(results[0]!.reason.message).toMatch(/used outside the targets \(src\/routes\.ts:4, src\/routes\.ts:8\).*pass --callers.*or --keep-legacy-export/);
    expect(files).toEqual([]);
    expect(read("src/users.ts")).toBe(FILES["src/users.ts"]);
    expect(read("src/routes.ts")).toBe(FILES["src/routes.ts"]);
  });

  test("without --callers, --keep-legacy-export keeps the old signature for callers outside the targets, untouched", async () => {
    const { code, stdout } = await corral(dir, "migrate", "src/users.ts", "--to", "scoped", "--keep-legacy-export", "--write", "--json");
    expect(code).toBe(0);
    expect(JSON.parse(stdout).files).toEqual(["src/users.ts"]);
    expect(read("src/users.ts")).toContain("export function loadUser(api: Api, id: string): Promise<string> {");
    expect(read("src/routes.ts")).toBe(FILES["src/routes.ts"]);
  });

  test("a later run: scoped callers of an old signature kept by --keep-legacy-export call the scoped version natively", async () => {
    expect((await corral(dir, "migrate", "src/users.ts", "--to", "scoped", "--keep-legacy-export", "--write")).code).toBe(0);
    expect(read("src/routes.ts")).toBe(FILES["src/routes.ts"]);
    expect((await corral(dir, "migrate", "src/routes.ts", "--to", "scoped", "--write")).code).toBe(0);
    const routes = read("src/routes.ts");
    expect(routes).toContain('import { loadUserScoped, type Api } from "./users.ts";');
    expect(routes).toContain("return loadUserScoped(cx, api, id);");
    expect(routes).toMatch(/return all\(\s*cx,\s*ids\.map\(\(id\) => \(cx\) => loadUserScoped\(cx, api, id\)\),?\s*\);/);
  });

  test("every function: scoped callers call natively, Promise.all becomes all", async () => {
    const { code } = await corral(dir, "migrate", "src", "--to", "scoped", "--write");
    expect(code).toBe(0);
    const routes = read("src/routes.ts");
    expect(routes).toContain("export async function route(cx: Cx, api: Api, id: string): Promise<string> {");
    expect(routes).toContain("return loadUser(cx, api, id);");
    expect(routes).toMatch(/return all\(\s*cx,\s*ids\.map\(\(id\) => \(cx\) => loadUser\(cx, api, id\)\),?\s*\);/);
    const again = await corral(dir, "migrate", "src", "--to", "scoped", "--json");
    expect(JSON.parse(again.stdout).results.every((r: { outcome: string }) => r.outcome === "unchanged")).toBe(true);
  });

  test("--keep-legacy-export: the old signature stays for outside callers; scoped callers import the scoped version", async () => {
    const { code } = await corral(dir, "migrate", "src", "--to", "scoped", "--keep-legacy-export", "--write");
    expect(code).toBe(0);
    const users = read("src/users.ts");
    expect(users).toContain("export async function loadUserScoped(cx: Cx, api: Api, id: string): Promise<string> {");
    expect(users).toContain("export function loadUser(api: Api, id: string): Promise<string> {");
    expect(users).toContain("return toPromise((cx: Cx) => loadUserScoped(cx, api, id))();");
    const routes = read("src/routes.ts");
    expect(routes).toContain('import { loadUserScoped, type Api } from "./users.ts";'); // loadUser, unused now, is dropped
    expect(routes).toContain("return loadUserScoped(cx, api, id);");
  });

  test("--entry wraps the main call in run(); usage errors exit 2", async () => {
    writeFileSync(path.join(dir, "src/main.ts"), `async function main(): Promise<void> {}\n\nmain().catch(() => process.exit(1));\n`);
    const { code } = await corral(dir, "migrate", "src/main.ts", "--entry", "--write");
    expect(code).toBe(0);
    expect(read("src/main.ts")).toContain("installLoopHooks();\nrun(() => main(), { signals: true }).catch(() => process.exit(1));");
    expect((await corral(dir, "migrate", "src", "--entry", "--to", "scoped")).code).toBe(2);
    const bad = await corral(dir, "migrate", "src", "--to", "async", "--keep-legacy-export");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--keep-legacy-export goes with --to scoped");
    const callers = await corral(dir, "migrate", "src", "--to", "async", "--callers");
    expect(callers.code).toBe(2);
    expect(callers.stderr).toContain("--callers goes with --to scoped");
  });
});
