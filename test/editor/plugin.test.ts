/**
 * corral/tsserver through tsserver's protocol, as an editor uses it: TypeScript 5's tsserver in a project whose
 * tsconfig names the plugin and whose node_modules/corral is this (built) package. The edits of an action must be
 * what `corral migrate <file>:<function> --to <stage>` writes; a refused function's action carries the reason; and
 * `corral check`'s hazards are among the file's semantic diagnostics. Run `npm run build` first.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { corralIn } from "../support/cli.ts";
import { TsServer } from "../support/tsserver.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

const SOURCE = `import type { Cx } from "corral";

export interface Api {
  get(id: string): Promise<string>;
}

export function loadUser(api: Api, id: string): Promise<number> {
  return api.get(id).then((user) => user.length);
}

export function loadLegacy(api: Api, id: string): PromiseLike<number> {
  return api.get(id).then((user) => user.length);
}

export async function fetchName(api: Api, id: string): Promise<string> {
  const name = await api.get(id);
  return name.trim();
}

export async function refresh(cx: Cx, api: Api): Promise<void> {
  api.get("floating");
}

export class Users {
  constructor(private readonly api: Api) {}

  count(id: string): Promise<number> {
    return this.api.get(id).then((user) => user.length * 2);
  }
}

export const lengthOf = (api: Api, id: string): Promise<number> => api.get(id).then((user) => user.length + 1);

export const readers = {
  load(api: Api): Promise<number> { return api.get("a").then((user) => user.length); },
};

export const writers = {
  load(api: Api): Promise<number> { return api.get("b").then((user) => user.length); },
};
`;

const JAVASCRIPT = `/**
 * @param {{ get(id: string): Promise<string> }} api
 * @param {string} id
 */
export function loadName(api, id) {
  return api.get(id).then((name) => name.trim());
}
`;

/** The project's files, by path, and each action to try: where the cursor is, and the function corral names. */
const FILES: Record<string, string> = { "src/users.ts": SOURCE, "src/legacy.js": JAVASCRIPT };
const CONVERTED = [
  { what: "a function's Promise chain", file: "src/users.ts", at: "api.get(id).then", target: "loadUser", stage: "async" },
  { what: "an async function", file: "src/users.ts", at: "name.trim()", target: "fetchName", stage: "scoped" },
  { what: "a method's Promise chain", file: "src/users.ts", at: "user.length * 2", target: "Users.count", stage: "async" },
  { what: "an arrow's Promise chain", file: "src/users.ts", at: "user.length + 1", target: "lengthOf", stage: "async" },
  { what: "a JavaScript function's Promise chain", file: "src/legacy.js", at: "name.trim()", target: "loadName", stage: "async" },
] as const;

interface Location {
  line: number;
  offset: number;
}
interface RefactorInfo {
  name: string;
  actions: { name: string; description: string; notApplicableReason?: string }[];
}
interface FileEdits {
  fileName: string;
  textChanges: { start: Location; end: Location; newText: string }[];
}
interface Diagnostic {
  start: Location;
  text: string;
  code: number;
  category: string;
  source?: string;
}

let dir: string;
let server: TsServer;
const file = (name = "src/users.ts") => path.join(dir, "project", name);

/** A user's project: the plugin in its tsconfig, corral in its node_modules (a link to this package). */
function makeProject(at: string): void {
  mkdirSync(path.join(at, "src"), { recursive: true });
  mkdirSync(path.join(at, "node_modules"));
  symlinkSync(root, path.join(at, "node_modules/corral"), "dir");
  writeFileSync(path.join(at, "package.json"), JSON.stringify({ name: "users", type: "module" }));
  const compilerOptions = { target: "es2022", module: "nodenext", strict: true, skipLibCheck: true, noEmit: true, allowJs: true, types: [], plugins: [{ name: "corral/tsserver" }] };
  writeFileSync(path.join(at, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["src"] }, null, 2));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(path.join(at, name), text);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "corral-tsserver-"));
  makeProject(path.join(dir, "project"));
  // As VS Code's "typescript.tsserver.pluginPaths" does: tsserver looks for plugins in the project's node_modules.
  server = new TsServer(path.join(dir, "project"), ["--pluginProbeLocations", path.join(dir, "project")], path.join(dir, "tsserver.log"));
  for (const name of Object.keys(FILES)) server.notify("open", { file: file(name), projectRootPath: path.join(dir, "project") });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The line and offset (1-based) of the first `needle` in a file of the project. */
function at(needle: string, name = "src/users.ts"): Location {
  const text = FILES[name]!;
  expect(text).toContain(needle);
  const before = text.slice(0, text.indexOf(needle));
  const lines = before.split("\n");
  return { line: lines.length, offset: lines[lines.length - 1]!.length + 1 };
}

function corralActions(refactors: RefactorInfo[]): RefactorInfo["actions"] {
  return refactors.find((r) => r.name === "corral")?.actions ?? [];
}

/** `text` with tsserver's edits applied (each edit's positions are in the text before any edit). */
function applied(text: string, edits: FileEdits["textChanges"]): string {
  const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index + 1)];
  const offsetOf = (l: Location) => lineStarts[l.line - 1]! + l.offset - 1;
  return [...edits]
    .sort((a, b) => offsetOf(b.start) - offsetOf(a.start))
    .reduce((result, edit) => result.slice(0, offsetOf(edit.start)) + edit.newText + result.slice(offsetOf(edit.end)), text);
}

/** What the CLI writes for `target` in a fresh copy of the project. */
async function migrated(name: string, target: string, stage: string): Promise<string> {
  const copy = mkdtempSync(path.join(dir, "cli-"));
  makeProject(copy);
  const ran = await corralIn(copy, ["migrate", `${name}:${target}`, "--to", stage, "--write"]);
  expect(ran.stderr).toBe("");
  return readFileSync(path.join(copy, name), "utf8");
}

describe("corral/tsserver in TypeScript 5's tsserver", () => {
  for (const action of CONVERTED) {
    const title = action.stage === "async" ? "Convert to async (corral)" : "Convert to scoped (corral)";
    test(`${title} on ${action.what}: the edits corral migrate writes`, async () => {
      const where = { file: file(action.file), ...at(action.at, action.file) };
      const refactors = await server.request<RefactorInfo[]>("getApplicableRefactors", where);
      expect(corralActions(refactors)).toContainEqual({ name: action.stage, description: title, kind: `refactor.rewrite.function.corral.${action.stage}` });
      const { edits } = await server.request<{ edits: FileEdits[] }>("getEditsForRefactor", { ...where, refactor: "corral", action: action.stage });
      expect(edits.map((e) => e.fileName)).toEqual([file(action.file)]);
      const expected = await migrated(action.file, action.target, action.stage);
      expect(expected).not.toBe(FILES[action.file]);
      expect(applied(FILES[action.file]!, edits[0]!.textChanges)).toBe(expected);
    });
  }

  test("a refused function's action says why, and gives no edits", async () => {
    const refactors = await server.request<RefactorInfo[]>("getApplicableRefactors", { file: file(), ...at("PromiseLike<number>") });
    const action = corralActions(refactors).find((a) => a.name === "async");
    expect(action?.notApplicableReason).toMatch(/\(return-type-not-promise\)$/);
    expect(action?.description).toBe(`Convert to async (corral): ${action?.notApplicableReason}`);
    const answer = await server.send("getEditsForRefactor", { file: file(), ...at("PromiseLike<number>"), refactor: "corral", action: "async" });
    expect(answer.success).toBe(false);
    expect(answer.message).toMatch(/corral refused loadLegacy: .*\(return-type-not-promise\)/);
  });

  test("a function corral migrate cannot name alone: the action says why", async () => {
    const where = { file: file(), ...at(`api.get("b")`) };
    const refactors = await server.request<RefactorInfo[]>("getApplicableRefactors", where);
    const action = corralActions(refactors).find((a) => a.name === "async");
    expect(action?.notApplicableReason).toMatch(/^load \(line \d+\) cannot be named alone: .*\(ambiguous-target\)$/);
    const answer = await server.send("getEditsForRefactor", { ...where, refactor: "corral", action: "async" });
    expect(answer.message).toMatch(/corral refused load: .*\(ambiguous-target\)/);
  });

  test("corral check's hazards are semantic diagnostics", async () => {
    const diagnostics = await server.request<Diagnostic[]>("semanticDiagnosticsSync", { file: file() });
    const floating = diagnostics.find((d) => d.text.includes("(corral floating-promise)"));
    expect(floating).toMatchObject({ start: at(`api.get("floating")`), code: 96003, category: "warning", source: "corral" });
  });

  // Last: it leaves the buffer unsaved.
  test("on unsaved changes, the actions say to save first and the hazards are the buffer's", async () => {
    const start = at("export function loadUser");
    await server.request("change", { file: file(), ...start, endLine: start.line, endOffset: start.offset, insertString: "// edited\n" });
    const refactors = await server.request<RefactorInfo[]>("getApplicableRefactors", { file: file(), line: at("api.get(id).then").line + 1, offset: 3 });
    expect(corralActions(refactors).map((a) => a.notApplicableReason)).toEqual([
      "save the file first: corral reads and migrates the file as saved",
      "save the file first: corral reads and migrates the file as saved",
    ]);
    const diagnostics = await server.request<Diagnostic[]>("semanticDiagnosticsSync", { file: file() });
    const floating = at(`api.get("floating")`);
    expect(diagnostics.filter((d) => d.source === "corral").map((d) => d.start)).toEqual([{ line: floating.line + 1, offset: floating.offset }]);
  });
});
