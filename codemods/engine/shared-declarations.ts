/**
 * Declaration files parsed and bound once per thread, shared by every project the engine opens there.
 *
 * A run opens several projects: the stage's, one per round of the type gate, a worker's next chunk; the golden
 * fixtures open four per case. Each would parse and bind the standard library and `@types` again (lib.dom.d.ts
 * and @types/node are megabytes), which is most of the time a small run takes. A declaration file's tree is the
 * same for the same text and the same compiler options, and neither the compiler nor ts-morph changes a tree once
 * made (the checker keeps what it learns in tables of its own), so projects can share it: the language service's
 * document registry shares files between projects the same way. Only `.d.ts` files are shared; the files the
 * engine reads and rewrites stay each project's own.
 *
 * ts-morph has no option for a shared registry, so {@link shareDeclarations} wraps the methods of the project's
 * own registry that make a file (the compiler host and the language service both get their files through them).
 */
import type { Project, ts } from "ts-morph";

/** The methods of ts-morph's document registry that make or fetch a file's tree (its `DocumentRegistry`). */
interface Registry {
  createOrUpdateSourceFile(fileName: string, settings: ts.CompilerOptions, snapshot: ts.IScriptSnapshot, kind?: ts.ScriptKind): ts.SourceFile;
  acquireDocument(fileName: string, settings: ts.CompilerOptions, snapshot: ts.IScriptSnapshot, version: string, kind?: ts.ScriptKind): ts.SourceFile;
}

interface Shared {
  text: string;
  file: ts.SourceFile;
}

/** By compiler options (all of them, so no option that changes a tree is missed), then by file and script kind. */
const shared = new Map<string, Map<string, Shared>>();

/** Option sets kept: a run uses two or three (the project's, the type gate's); an older one is dropped whole. */
const OPTION_SETS = 4;

/** Make `project` take its declaration files from the ones already parsed in this thread, and add the ones it parses. */
export function shareDeclarations(project: Project): void {
  const registry = (project as unknown as { _context?: { compilerFactory?: { documentRegistry?: Registry } } })._context?.compilerFactory?.documentRegistry;
  // A ts-morph that keeps its registry elsewhere only runs slower (test/codemods/shared-declarations.test.ts fails).
  if (typeof registry?.createOrUpdateSourceFile !== "function" || typeof registry.acquireDocument !== "function") return;
  const create = registry.createOrUpdateSourceFile.bind(registry);
  const acquire = registry.acquireDocument.bind(registry);
  registry.createOrUpdateSourceFile = (fileName, settings, snapshot, kind) =>
    fileName.endsWith(".d.ts") ? reuse(fileName, settings, snapshot, kind, () => create(fileName, settings, snapshot, kind)) : create(fileName, settings, snapshot, kind);
  registry.acquireDocument = (fileName, settings, snapshot, version, kind) =>
    fileName.endsWith(".d.ts") ? reuse(fileName, settings, snapshot, kind, () => acquire(fileName, settings, snapshot, version, kind)) : acquire(fileName, settings, snapshot, version, kind);
}

/** The shared tree of this file's text under these options, made by `make` the first time. */
function reuse(fileName: string, settings: ts.CompilerOptions, snapshot: ts.IScriptSnapshot, kind: ts.ScriptKind | undefined, make: () => ts.SourceFile): ts.SourceFile {
  const options = optionsKey(settings);
  let files = shared.get(options);
  if (files === undefined) {
    files = new Map();
    if (shared.size >= OPTION_SETS) shared.delete(shared.keys().next().value!);
  } else shared.delete(options);
  shared.set(options, files);
  const key = `${kind ?? ""}:${fileName}`;
  const text = snapshot.getText(0, snapshot.getLength());
  const found = files.get(key);
  if (found !== undefined && found.text === text) return found.file;
  const file = make();
  files.set(key, { text, file });
  return file;
}

/** Every option, in a stable order (ts-morph hands a fresh copy of the options each time). */
function optionsKey(settings: ts.CompilerOptions): string {
  return JSON.stringify(Object.keys(settings).sort().map((name) => [name, settings[name]]));
}
