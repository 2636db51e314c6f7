/** Which functions code outside their file can call: the ones `--keep-legacy-export` keeps an old signature for. */
import { Node, SyntaxKind } from "ts-morph";
import type { FunctionNode } from "../engine/functions.ts";
import { assignedExportsOf } from "./assigned-exports.ts";

/**
 * Whether code outside the file can call the function: an exported declaration, an exported const holding it, one
 * exported by assignment (`module.exports.f = ...`, `module.exports = { f }`, `module.exports = f`), or a method
 * (neither private nor `#`) of a class exported either way.
 */
export function isExported(fn: FunctionNode): boolean {
  if (Node.isMethodDeclaration(fn)) {
    const owner = fn.getParent();
    if (!Node.isClassDeclaration(owner) || fn.hasModifier(SyntaxKind.PrivateKeyword) || Node.isPrivateIdentifier(fn.getNameNode())) return false;
    return owner.hasExportKeyword() || owner.isDefaultExport() || assignedExportsOf(owner).length > 0;
  }
  return hasExportKeyword(fn) || assignedExportsOf(fn).length > 0;
}

/** Exported by an `export` keyword (ESM): its declaration, or the const holding it. */
export function hasExportKeyword(fn: FunctionNode): boolean {
  if (Node.isFunctionDeclaration(fn)) return fn.hasExportKeyword() || fn.isDefaultExport();
  const holder = fn.getParent();
  return Node.isVariableDeclaration(holder) && holder.getVariableStatement()?.hasExportKeyword() === true;
}
