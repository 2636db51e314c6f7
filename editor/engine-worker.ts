/**
 * The engine's side of the editor plugin, on a worker thread of tsserver's process (loaded by engine-thread.ts). tsserver asks synchronously and
 * the engine is asynchronous (prettier, worker threads, dynamic imports), so the plugin blocks on a shared counter
 * while this thread works, with the compiler and the engine loaded once for the editor's session
 * (`engine-client.cts`). Each answer goes out on the port first, then the counter moves: the plugin reads the port
 * once the counter says an answer is there.
 *
 * `migrate` and `scan` read files from disk, so an action is about the buffer only when the buffer is the saved file
 * (`stale` otherwise); `check` reads the buffer. The verdicts (a `scan` of the file) and the hazards (a `check` of
 * it) are kept per file text; a file seen with a new text on disk drops them all (and the project the hazards are
 * checked in), since a callee's change can change a caller's verdict. Edits are never kept: they are what `corral migrate <file>:<function> --to <stage>` writes,
 * computed when asked.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { workerData, type MessagePort } from "node:worker_threads";
import { Project } from "ts-morph";
import { checkFiles } from "../codemods/engine/check.ts";
import { functionsOf, lineOf, nameOf, selectAmong, type FunctionNode } from "../codemods/engine/functions.ts";
import { migrate } from "../codemods/engine/migrate.ts";
import { openProject } from "../codemods/engine/project.ts";
import { scan, type ScannedFunction, type StageVerdict } from "../codemods/engine/scan.ts";
import type { EngineRequest, EngineResponse, FunctionActions } from "./protocol.ts";

const { port, state } = workerData as { port: MessagePort; state: SharedArrayBuffer };
/** [0]: answers posted so far; [1]: 1 once this thread is gone (engine-thread.ts). */
const counter = new Int32Array(state);

/** One request at a time, in the order asked: a later one may use what an earlier one cached. */
let queue = Promise.resolve();
port.on("message", ({ id, request }: { id: number; request: EngineRequest }) => {
  queue = queue.then(async () => {
    const response = await answer(request).catch((error: unknown): EngineResponse => ({ kind: "failed", message: error instanceof Error ? error.message : String(error) }));
    port.postMessage({ id, response });
    Atomics.add(counter, 0, 1);
    Atomics.notify(counter, 0);
    // tsserver asks for diagnostics after each change: the verdicts of the saved file are decided then, before the
    // editor asks which actions a position has (it asks as the cursor moves, and should not wait for a scan).
    if (request.kind === "hazards" && saved(path.resolve(request.file), request.text)) await verdicts(path.resolve(request.file), request.text, request.tsconfig).catch(() => undefined);
  });
});

async function answer(request: EngineRequest): Promise<EngineResponse> {
  const file = path.resolve(request.file);
  if (request.kind === "hazards") {
    // Of the buffer as it is: check reads the buffer's text where the file's would be.
    saved(file, request.text);
    const hazards = await kept(`hazards\0${file}\0${request.tsconfig}`, request.text, () => hazardsOf(file, request.text, request.tsconfig));
    return { kind: "hazards", hazards };
  }
  const parsed = parse(file, request.text);
  const candidates = functionsOf(parsed).filter((fn) => fn.getStart() <= request.position && request.position <= fn.getEnd()).reverse();
  if (!candidates.some((fn) => nameOf(fn) !== "<anonymous>")) return { kind: "actions", found: undefined };
  if (!saved(file, request.text)) return { kind: "stale" };
  const scanned = await verdicts(file, request.text, request.tsconfig);
  // The innermost named function around the position: what `scan` and `migrate` can name.
  const [fn, found] = candidates.map((c) => [c, verdictOf(scanned, file, c)] as const).find(([, v]) => v !== undefined) ?? [];
  if (fn === undefined || found === undefined) return { kind: "actions", found: undefined };
  const selector = selectorOf(fn, functionsOf(parsed));
  if (selector === undefined) {
    const message = `${found.function} (line ${found.line}) cannot be named alone: another function is named ${found.function} too, and a function inside it starts on its first line; migrate the whole file, or give it a name of its own`;
    const reason = { code: "ambiguous-target", message };
    if (request.kind === "edits") return { kind: "refused", function: found.function, reason };
    const refused = (verdict: StageVerdict): StageVerdict => (verdict.outcome === "changed" ? { outcome: "refused", reason } : verdict);
    return { kind: "actions", found: { ...found, verdicts: { async: refused(found.verdicts.async), scoped: refused(found.verdicts.scoped) } } };
  }
  if (request.kind === "actions") return { kind: "actions", found };
  const report = await migrate({ targets: [`${file}:${selector}`], to: request.to, ...(request.tsconfig === undefined ? {} : { tsconfig: request.tsconfig }) });
  const result = report.results.find((r) => path.resolve(r.file) === file && r.function === found.function && r.line === found.line);
  if (result !== undefined && (result.outcome === "refused" || result.outcome === "error")) {
    return { kind: "refused", function: found.function, reason: result.reason ?? { code: result.outcome, message: `${found.function} was not migrated` } };
  }
  return { kind: "edits", changes: report.changes.map((c) => ({ ...c, file: path.resolve(c.file) })) };
}

/**
 * One project per tsconfig for the hazards, kept while no file is saved anew: each check sets the buffer's text into
 * it, and the compiler reuses what did not change (a check of a 50-line file of a small service: about 0.3 s instead
 * of 0.6 s for a project opened anew).
 */
const checked = new Map<string, Project>();

/** `corral check` of the buffer. */
function hazardsOf(file: string, text: string, tsconfig: string | undefined) {
  const key = String(tsconfig);
  const project = checked.get(key) ?? openProject([file], tsconfig, false, {}, new Map([[file, text]]));
  checked.set(key, project);
  const source = project.getSourceFile(file) ?? project.createSourceFile(file, text);
  if (source.getFullText() !== text) source.replaceWithText(text);
  return checkFiles(project, [file]).hazards;
}

/** What `corral scan` says of each function of the saved file. */
function verdicts(file: string, text: string, tsconfig: string | undefined): Promise<ScannedFunction[]> {
  return kept(`scan\0${file}\0${tsconfig}`, text, async () => (await scan([file], tsconfig)).functions);
}

/** The function as `scan` reported it, with both stages' verdicts. */
function verdictOf(scanned: readonly ScannedFunction[], file: string, fn: FunctionNode): FunctionActions | undefined {
  const name = nameOf(fn);
  const line = lineOf(fn);
  const found = scanned.find((s) => path.resolve(s.file) === file && s.function === name && s.line === line);
  return found === undefined ? undefined : { function: name, line, verdicts: { async: found.async, scoped: found.scoped } };
}

/** How `corral migrate` names exactly this function: its name when no other has it, else its first line. */
function selectorOf(fn: FunctionNode, all: FunctionNode[]): string | number | undefined {
  if (selectAmong(all, nameOf(fn)).length === 1) return nameOf(fn);
  const [byLine] = selectAmong(all, lineOf(fn));
  return byLine === fn ? lineOf(fn) : undefined;
}

const parser = new Project({ useInMemoryFileSystem: true, compilerOptions: { allowJs: true } });

/** The buffer's syntax tree, to find the function at a position (no types: nothing else is read). */
function parse(file: string, text: string) {
  return parser.createSourceFile(file, text, { overwrite: true });
}

/** The text of each file when last read from disk. */
const onDisk = new Map<string, string>();
const cache = new Map<string, { text: string; value: unknown }>();

/** Whether the buffer is the file as saved; a file saved anew drops every cached answer. */
function saved(file: string, text: string): boolean {
  let disk: string;
  try {
    disk = readFileSync(file, "utf8");
  } catch {
    return false;
  }
  if (onDisk.has(file) && onDisk.get(file) !== disk) {
    cache.clear();
    checked.clear();
  }
  onDisk.set(file, disk);
  return disk === text;
}

/** The answer kept for `key` while the file's text is `text`, else a new one. */
async function kept<T>(key: string, text: string, compute: () => T | Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit !== undefined && hit.text === text) return hit.value as T;
  const value = await compute();
  cache.set(key, { text, value });
  return value;
}
