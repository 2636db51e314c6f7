import type { SourceFile } from "ts-morph";
import { functionsOf, nameOf, type FunctionNode } from "./functions.ts";

/** A target as given on the command line: `file:functionName`, `file:Class.method`, `file:LINE`, or a path. */
export interface Target {
  file: string;
  /** A function name, `Class.method`, or a line number; undefined means every function in the file or folder. */
  selector?: string | number;
}

/** Parse `file:selector` (the last colon splits, so Windows drive letters survive). */
export function parseTarget(spec: string): Target {
  const colon = spec.lastIndexOf(":");
  if (colon <= 1) return { file: spec };
  const file = spec.slice(0, colon);
  const selector = spec.slice(colon + 1);
  if (selector === "") return { file };
  return { file, selector: /^\d+$/.test(selector) ? Number(selector) : selector };
}

/**
 * The functions `target` names in `file`. A line selects the innermost function containing it; a name selects
 * every function with that name (a declaration, a variable or property holding one, a method).
 */
export function select(file: SourceFile, selector: string | number | undefined): FunctionNode[] {
  const all = functionsOf(file);
  if (selector === undefined) return all;
  if (typeof selector === "number") {
    const containing = all.filter((fn) => fn.getStartLineNumber() <= selector && selector <= fn.getEndLineNumber());
    return containing.length === 0 ? [] : [containing[containing.length - 1]!];
  }
  return all.filter((fn) => nameOf(fn) === selector);
}

