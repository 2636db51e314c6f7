/**
 * `--keep-legacy-export`: a function callable from outside made scoped keeps its old signature for those callers.
 * The scoped version takes the name `fScoped`; `f` stays, with the same parameters, and runs it through `toPromise`
 * (in the current loop, or a fresh run). Scoped callers in the project call `fScoped(cx, ...)`. The same for the
 * exports by assignment (`module.exports = { f }` gains `fScoped`) and the methods of an exported class
 * (`m(...)` stays beside `mScoped(cx, ...)`).
 */
import { Node, type FunctionDeclaration, type MethodDeclaration, type VariableDeclaration } from "ts-morph";
import type { FunctionNode } from "../engine/functions.ts";
import { refuseUnless } from "../engine/refusal.ts";
import { assignedExportAt, assignedExportsOf, type AssignedExport } from "./assigned-exports.ts";
import { corral, type Scope } from "./body.ts";
import { NOTES } from "./notes.ts";
import { hasExportKeyword } from "./exported.ts";
import { isStrictlyCheckedJs } from "./world.ts";

export function legacyExport(fn: FunctionNode, scope: Scope, cx: string): void {
  const scoped = scope.world.scopedName.get(fn)!;
  const holder = Node.isFunctionDeclaration(fn) || Node.isMethodDeclaration(fn) ? fn : fn.getParent();
  const assigned = assignedExportAt(fn);
  refuseUnless(
    (Node.isFunctionDeclaration(holder) && !holder.isDefaultExport()) ||
      Node.isVariableDeclaration(holder) ||
      (Node.isMethodDeclaration(holder) && !Node.isObjectLiteralExpression(holder.getParent())) ||
      (assigned !== undefined && assigned.name !== undefined && Node.isBinaryExpression(assigned.site)),
    "legacy-export-shape",
    "only a named exported function or const, a method of an exported class, or a function assigned to `module.exports.f` can keep its old signature beside the scoped one",
    fn,
  );
  const shim = shimOf(fn, scope, cx);
  const summary = `The old signature of {@link ${scoped}}, for callers outside corral: runs it in the current loop, or a fresh run.`;
  const doc = shim.paramTags.length === 0 ? `/** ${summary} */` : ["/**", ` * ${summary}`, ...shim.paramTags.map((t) => ` * ${t}`), " */"].join("\n");
  if (assigned !== undefined && Node.isBinaryExpression(assigned.site)) {
    // `module.exports.f = async (...) => ...`: the scoped function is assigned to `fScoped`, `f` is the old form.
    const left = assigned.site.getLeft() as import("ts-morph").PropertyAccessExpression;
    const name = left.getName();
    scope.edits.add({ start: left.getNameNode().getStart(), end: left.getNameNode().getEnd(), text: scoped, format: false });
    const body = `return ${shim.call(`${assigned.object}.${scoped}`)};`;
    scope.edits.insert(assigned.statement.getEnd(), `\n\n${doc}\n${assigned.object}.${name} = function ${name}(${shim.params})${shim.returnType} {\n  ${body}\n};`);
    scope.notes.add(NOTES.legacyExport(name, scoped));
    return;
  }
  const nameNode = (holder as FunctionDeclaration | VariableDeclaration | MethodDeclaration).getNameNode()!;
  const name = nameNode.getText();
  scope.edits.add({ start: nameNode.getStart(), end: nameNode.getEnd(), text: scoped, format: false });
  if (Node.isMethodDeclaration(holder)) {
    const indent = " ".repeat(holder.getIndentationLevel() * 2);
    const modifiers = holder.getModifiers().filter((m) => !Node.isDecorator(m) && m.getText() !== "async").map((m) => `${m.getText()} `).join("");
    const body = `return ${shim.call(`this.${scoped}`)};`;
    scope.edits.insert(holder.getEnd(), `\n\n${indent}${doc.split("\n").join(`\n${indent}`)}\n${indent}${modifiers}${name}${shim.typeParams}(${shim.params})${shim.returnType} {\n${indent}  ${body}\n${indent}}`);
  } else {
    const exported = hasExportKeyword(fn) ? "export " : "";
    const statement = Node.isFunctionDeclaration(holder) ? holder : (holder as VariableDeclaration).getVariableStatementOrThrow();
    scope.edits.insert(statement.getEnd(), `\n\n${doc}\n${exported}function ${name}${shim.typeParams}(${shim.params})${shim.returnType} {\n  return ${shim.call(scoped)};\n}`);
    for (const site of assignedExportsOf(fn)) exportScoped(scope, site, scoped);
  }
  scope.notes.add(NOTES.legacyExport(name, scoped));
}

/** `module.exports = { f }` also exports `fScoped`; `exports.f = f` is followed by `exports.fScoped = fScoped`. */
function exportScoped(scope: Scope, site: AssignedExport, scoped: string): void {
  const name = site.name === undefined ? scoped : `${site.name}Scoped`;
  if (Node.isBinaryExpression(site.site)) scope.edits.insert(site.statement.getEnd(), `\n${site.object}.${name} = ${scoped};`);
  else scope.edits.insert(site.site.getEnd(), name === scoped ? `, ${scoped}` : `, ${name}: ${scoped}`, false);
}

/** The old signature's parts: its parameters, and the call of the scoped version through `toPromise`. */
function shimOf(fn: FunctionNode, scope: Scope, cx: string): { params: string; paramTags: string[]; typeParams: string; returnType: string; call: (scoped: string) => string } {
  const typed = /\.[cm]?tsx?$/.test(fn.getSourceFile().getFilePath());
  const checkedJs = !typed && isStrictlyCheckedJs(fn.getSourceFile());
  const dropped = scope.world.droppedSignal.get(fn);
  const checker = fn.getProject().getTypeChecker().compilerObject;
  const params = fn.getParameters().map((p) => {
    refuseUnless(Node.isIdentifier(p.getNameNode()), "legacy-export-shape", "a destructured parameter cannot be passed on by name", p);
    const rest = p.isRestParameter() ? "..." : "";
    // `x?`, `x = 1`, and in JavaScript a JSDoc `[x]`: the checker says.
    const optional = p.hasQuestionToken() || p.hasInitializer() || checker.isOptionalParameter(p.compilerNode);
    const type = p.getTypeNode()?.getText() ?? p.getType().getText(p);
    // TypeScript: `name?: T`; strictly checked JavaScript: a JSDoc `@param {T} [name]` (else an implicit any).
    const decl = typed ? `${rest}${p.getName()}${optional && rest === "" ? "?" : ""}: ${type}` : `${rest}${p.getName()}`;
    const jsDoc = !checkedJs ? undefined : `@param {${rest}${type.replace(/\[\]$/, rest === "" ? "[]" : "")}} ${optional && rest === "" ? `[${p.getName()}]` : p.getName()}`;
    return { decl, jsDoc, arg: `${rest}${p.getName()}`, dropped: p === dropped };
  });
  const passed = params.filter((p) => !p.dropped).map((p) => p.arg);
  const signal = params.find((p) => p.dropped);
  // An optional signal is passed only when given: `{ signal: undefined }` is no ToPromiseOptions under exactOptionalPropertyTypes.
  const options = signal === undefined ? "" : dropped!.hasQuestionToken() ? `, ${signal.arg} === undefined ? {} : { signal: ${signal.arg} }` : `, { signal: ${signal.arg} }`;
  const typeParams = fn.getTypeParameters().map((t) => t.getText());
  const cxParam = typed ? `${cx}: ${scope.imports.take(scope.needed, "corral", "Cx", "Cx", true)}` : cx;
  const toPromise = corral(scope, "toPromise");
  return {
    params: params.map((p) => p.decl).join(", "),
    paramTags: params.flatMap((p) => (p.jsDoc === undefined ? [] : [p.jsDoc])),
    typeParams: typeParams.length === 0 ? "" : `<${typeParams.join(", ")}>`,
    returnType: typed && fn.getReturnTypeNode() !== undefined ? `: ${fn.getReturnTypeNode()!.getText()}` : "",
    call: (scoped) => `${toPromise}((${cxParam}) => ${scoped}(${[cx, ...passed].join(", ")})${options})()`,
  };
}
