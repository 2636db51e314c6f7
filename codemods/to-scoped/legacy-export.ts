/**
 * `--keep-legacy-export`: an exported function made scoped keeps its old signature for callers outside the
 * project. The scoped version takes the name `fScoped`; `f` stays, with the same parameters, and runs it through
 * `toPromise` (in the current loop, or a fresh run). Scoped callers in the project call `fScoped(cx, ...)`.
 */
import { Node } from "ts-morph";
import type { FunctionNode } from "../engine/functions.ts";
import { refuseUnless } from "../engine/refusal.ts";
import { corral, type Scope } from "./body.ts";
import { NOTES } from "./notes.ts";

export function legacyExport(fn: FunctionNode, scope: Scope, cx: string): void {
  const scoped = scope.world.scopedName.get(fn)!;
  const holder = Node.isFunctionDeclaration(fn) ? fn : fn.getParent();
  refuseUnless(
    (Node.isFunctionDeclaration(holder) && !holder.isDefaultExport()) || Node.isVariableDeclaration(holder),
    "legacy-export-shape",
    "only a named exported function or const can keep its old signature beside the scoped one",
    fn,
  );
  const nameNode = (holder as import("ts-morph").FunctionDeclaration | import("ts-morph").VariableDeclaration).getNameNode()!;
  const name = nameNode.getText();
  const typed = /\.[cm]?tsx?$/.test(fn.getSourceFile().getFilePath());
  const dropped = scope.world.droppedSignal.get(fn);
  const params = fn.getParameters().map((p, i) => {
    refuseUnless(Node.isIdentifier(p.getNameNode()), "legacy-export-shape", "a destructured parameter cannot be passed on by name", p);
    const rest = p.isRestParameter() ? "..." : "";
    const optional = p.hasQuestionToken() || p.hasInitializer() ? "?" : "";
    const type = !typed ? "" : `: ${p.getTypeNode()?.getText() ?? p.getType().getText(p)}`;
    return { decl: `${rest}${p.getName()}${optional}${type}`, arg: `${rest}${p.getName()}`, dropped: p === dropped, i };
  });
  const passed = params.filter((p) => !p.dropped).map((p) => p.arg);
  const signal = params.find((p) => p.dropped);
  const typeParams = fn.getTypeParameters().map((t) => t.getText());
  const returnType = typed && fn.getReturnTypeNode() !== undefined ? `: ${fn.getReturnTypeNode()!.getText()}` : "";
  const cxParam = typed ? `${cx}: ${scope.imports.take(scope.needed, "corral", "Cx", "Cx", true)}` : cx;
  const toPromise = corral(scope, "toPromise");
  const call = `${toPromise}((${cxParam}) => ${scoped}(${[cx, ...passed].join(", ")})${signal === undefined ? "" : `, { signal: ${signal.arg} }`})()`;
  const shim =
    `\n\n/** The old signature of {@link ${scoped}}, for callers outside corral: runs it in the current loop, or a fresh run. */\n` +
    `export function ${name}${typeParams.length === 0 ? "" : `<${typeParams.join(", ")}>`}(${params.map((p) => p.decl).join(", ")})${returnType} {\n` +
    `  return ${call};\n}`;
  scope.edits.add({ start: nameNode.getStart(), end: nameNode.getEnd(), text: scoped, format: false });
  const statement = Node.isFunctionDeclaration(holder) ? holder : (holder as import("ts-morph").VariableDeclaration).getVariableStatementOrThrow();
  scope.edits.insert(statement.getEnd(), shim);
  scope.notes.add(NOTES.legacyExport(name, scoped));
}
