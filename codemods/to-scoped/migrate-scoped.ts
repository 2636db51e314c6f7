/**
 * The `--to scoped` (and `--entry`) run over a project. Which functions become scoped is decided first, since every
 * rewrite depends on it (a call is native or bridged by what its callee becomes): candidates are checked, then
 * planned until no plan refuses; then call sites are bridged across the project and each function is written.
 */
import type { SourceFile } from "ts-morph";
import { EditSet } from "../engine/edit-set.ts";
import { FileImports, type Import } from "../engine/imports.ts";
import { lineOf, nameOf, type FunctionNode } from "../engine/functions.ts";
import { Refusal } from "../engine/refusal.ts";
import { functionKey, type FunctionResult, type Reason } from "../engine/result.ts";
import type { Scope } from "./body.ts";
import { rewriteCallSites, nameNodeOf, usedOutsideTargets } from "./call-sites.ts";
import { planEntry } from "./entry.ts";
import { isExported } from "./exported.ts";
import { checkScoped, isCandidate, planScoped, signalParameter } from "./plan.ts";
import { ScopedWorld } from "./world.ts";

/** One file's edits, imports and the imports its rewrites need. */
export interface FileState {
  edits: EditSet;
  imports: FileImports;
  needed: Import[];
}

export interface ScopedTarget {
  file: SourceFile;
  display: string;
  functions: FunctionNode[];
}

/**
 * Plan `--to scoped` for the selected functions (or `--entry` for the files): results per function, and each changed
 * file's state, for the engine to apply and format. Call sites outside the targets' files are rewritten only with
 * `callers`; otherwise a function that would need them keeps its old signature for them or is refused.
 */
export function planScopedRun(
  targets: readonly ScopedTarget[],
  options: { keepLegacyExport: boolean; entry: boolean; verdictsOnly?: boolean; callers?: boolean; refuse?: Readonly<Record<string, Reason>> },
  display: (file: SourceFile) => string,
): { results: FunctionResult[]; files: Map<SourceFile, FileState> } {
  const world = new ScopedWorld(options.keepLegacyExport, new Set(targets.map((t) => t.file)), options.callers === true);
  const results = new Map<FunctionNode | SourceFile, FunctionResult>();
  const base = (fn: FunctionNode, file: string) => ({ file, function: nameOf(fn), line: lineOf(fn), notes: [] as string[] });
  if (!options.entry) {
    for (const { functions, display: file } of targets) {
      for (const fn of functions) {
        if (!isCandidate(fn)) {
          if (nameOf(fn) !== "<anonymous>") results.set(fn, { ...base(fn, file), outcome: "unchanged" });
          continue;
        }
        try {
          checkScoped(fn);
          const forced = options.refuse?.[functionKey(base(fn, file))];
          if (forced !== undefined) throw new Refusal(forced.code, forced.message, fn);
          world.migrating.add(fn);
        } catch (error) {
          results.set(fn, refusedOrError(base(fn, file), error));
        }
      }
    }
  }
  for (const fn of world.migrating) {
    const signal = signalParameter(fn);
    if (signal !== undefined) world.droppedSignal.set(fn, signal);
    // Kept for callers outside: exported ones, and any used outside the targets (a method of a class handed out).
    const name = nameNodeOf(fn);
    if (options.keepLegacyExport && name !== undefined && (isExported(fn) || usedOutsideTargets(fn, world))) world.scopedName.set(fn, `${name.getText()}Scoped`);
  }
  // Until no plan refuses: a refused function stays legacy, which changes how its callers are written.
  for (;;) {
    const refused = new Map<FunctionNode, unknown>();
    const files = new Map<SourceFile, FileState>();
    world.thunks.clear();
    for (const fn of world.migrating) attempt(refused, fn, () => planScoped(fn, scopeFor(world, files, fn.getSourceFile())));
    // (Call sites can refuse too, a method called on a complex receiver; an inventory does without them.)
    if (options.verdictsOnly !== true) for (const fn of world.migrating) attempt(refused, fn, () => rewriteCallSites(fn, (file) => scopeFor(world, files, file)));
    if (refused.size === 0) break;
    for (const [fn, error] of refused) {
      world.migrating.delete(fn);
      const file = display(fn.getSourceFile());
      results.set(fn, refusedOrError(base(fn, file), error));
    }
  }
  if (options.verdictsOnly === true) {
    for (const fn of world.migrating) results.set(fn, { ...base(fn, display(fn.getSourceFile())), outcome: "changed" });
    return { results: [...results.values()], files: new Map() };
  }
  // The final edits: call sites first, so a rewrite that moves code (a thunk) carries the call sites inside it.
  const files = new Map<SourceFile, FileState>();
  const notes = new Map<FunctionNode, Set<string>>();
  for (const fn of world.migrating) {
    notes.set(fn, new Set(rewriteCallSites(fn, (file) => scopeFor(world, files, file))));
  }
  for (const fn of world.migrating) {
    const scope = { ...scopeFor(world, files, fn.getSourceFile()), notes: new Set<string>() };
    planScoped(fn, scope);
    results.set(fn, { ...base(fn, display(fn.getSourceFile())), outcome: "changed", notes: [...scope.notes, ...notes.get(fn)!] });
  }
  for (const [declaration, name] of world.scopedImports) {
    scopeFor(world, files, declaration.getSourceFile()).edits.insert(declaration.getEnd(), `, ${name}`, false);
  }
  if (options.entry) {
    for (const { file, display: shown } of targets) {
      const scope = { ...scopeFor(world, files, file), notes: new Set<string>() };
      try {
        const entry = planEntry(file, scope);
        if (entry !== undefined) results.set(file, { file: shown, function: entry.name, line: entry.line, outcome: "changed", notes: [...scope.notes] });
        else results.set(file, { file: shown, function: "<entry>", line: 0, outcome: "unchanged", notes: [] });
      } catch (error) {
        results.set(file, refusedOrError({ file: shown, function: "<entry>", line: 0, notes: [] }, error));
      }
    }
  }
  const ordered = [...results.values()].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { results: ordered, files };
}

function attempt(refused: Map<FunctionNode, unknown>, fn: FunctionNode, work: () => unknown): void {
  if (refused.has(fn)) return;
  try {
    work();
  } catch (error) {
    refused.set(fn, error);
  }
}

function scopeFor(world: ScopedWorld, files: Map<SourceFile, FileState>, file: SourceFile): Scope {
  let state = files.get(file);
  if (state === undefined) {
    state = { edits: new EditSet(file.getFullText()), imports: new FileImports(file), needed: [] };
    files.set(file, state);
  }
  return { world, ...state, notes: new Set(), cx: "cx" };
}

function refusedOrError(base: Omit<FunctionResult, "outcome">, error: unknown): FunctionResult {
  if (error instanceof Refusal) return { ...base, outcome: "refused", reason: error.reason() };
  const message = error instanceof Error ? error.message : String(error);
  return { ...base, outcome: "error", reason: { code: "internal-error", message } };
}
