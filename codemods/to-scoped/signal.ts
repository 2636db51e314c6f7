/**
 * Passing the scope's `AbortSignal` to legacy work that takes one: `fetch(url)` -> `(signal) => fetch(url, { signal })`,
 * read from the callee's types (an options parameter with a `signal` property: `fetch`, `timers/promises`,
 * `events.once`, `fs/promises`, `stream/promises`, a promisified `child_process`, or the project's own functions).
 */
import { Node, SyntaxKind, type CallExpression, type Expression, type Type } from "ts-morph";
import { waits } from "../to-async/analysis.ts";
import type { Scope } from "./body.ts";

/** The work as `signal => work` with the signal passed, or undefined when the call takes none (or it is unclear). */
export function signalForm(scope: Scope, node: Expression): { signal: string; text: string } | undefined {
  if (waits(node)) return undefined; // an `await` cannot move into the `(signal) => ...` function
  if (losesNarrowing(node)) return undefined;
  let call: Node = node;
  while (Node.isCallExpression(call) && isChainLink(call)) call = (call.getExpression() as import("ts-morph").PropertyAccessExpression).getExpression();
  if (!Node.isCallExpression(call)) return undefined;
  const index = signalParameter(call);
  if (index === undefined || call.getArguments().some((a) => Node.isSpreadElement(a))) return undefined; // `f(...args)`: no place for it
  const dropped = new Set(scope.world.droppedSignal.values());
  const signal = freeName(node, (id) => {
    const parent = id.getParent();
    const symbol = Node.isShorthandPropertyAssignment(parent) ? parent.getValueSymbol() : id.getSymbol();
    return (symbol?.getDeclarations() ?? []).some((d) => dropped.has(d as never));
  });
  const args = call.getArguments();
  const prop = signal === "signal" ? "signal" : `signal: ${signal}`;
  if (index < args.length) {
    const arg = args[index]!;
    if (Node.isObjectLiteralExpression(arg)) {
      const existing = arg.getProperties().find((p) => (Node.isPropertyAssignment(p) || Node.isShorthandPropertyAssignment(p)) && p.getName() === "signal");
      if (existing !== undefined) {
        // The caller's own signal (an AbortController of theirs, AbortSignal.timeout) must keep working: no signal form.
        if (!readsDroppedSignal(scope, existing)) return undefined;
        scope.edits.replace(existing, prop);
      }
      else {
        const parts = arg.getProperties().map((p) => scope.edits.textOf(p));
        scope.edits.replace(arg, `{ ${[...parts, prop].join(", ")} }`);
      }
    } else if (isObjectTyped(arg.getType())) scope.edits.replace(arg, `{ ...${scope.edits.textOf(arg)}, ${prop} }`);
    else return undefined;
  } else {
    const open = call.getFirstChildByKindOrThrow(SyntaxKind.OpenParenToken);
    const at = args.length === 0 ? open.getEnd() : args.at(-1)!.getEnd();
    const fill = "undefined, ".repeat(index - args.length);
    scope.edits.insert(at, `${args.length === 0 ? "" : ", "}${fill}{ ${prop} }`, false);
  }
  return { signal, text: scope.edits.textOf(node) };
}

/**
 * Whether moving the work into `(signal) => ...` would lose a narrowing the compiler made here: a `let`, `var` or
 * parameter whose type at this point is narrower than declared (`if (api === undefined) throw ...; api.get()`)
 * is widened again inside a new function when it may be assigned elsewhere. The bare bridge keeps the types.
 */
function losesNarrowing(node: Node): boolean {
  return node.getDescendants().some((id) => {
    if (!Node.isIdentifier(id)) return false;
    const parent = id.getParent();
    if (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === id) return false;
    const declaration = id.getSymbol()?.getValueDeclaration();
    const mutable =
      (Node.isVariableDeclaration(declaration) && declaration.getVariableStatement()?.getDeclarationKind() !== "const" && declaration.getParent()?.getText().startsWith("const") !== true) ||
      Node.isParameterDeclaration(declaration);
    if (!mutable) return false;
    return id.getType().getText() !== declaration.getType().getText();
  });
}

/** `signal` or `signal: signal` where that is the dropped `AbortSignal` parameter (becoming `cx.signal`). */
function readsDroppedSignal(scope: Scope, property: Node): boolean {
  const symbol = Node.isShorthandPropertyAssignment(property)
    ? property.getValueSymbol()
    : Node.isPropertyAssignment(property)
      ? property.getInitializer()?.getSymbol()
      : undefined;
  const declaration = symbol?.getValueDeclaration();
  return declaration !== undefined && [...scope.world.droppedSignal.values()].includes(declaration as never);
}

function isChainLink(call: CallExpression): boolean {
  const callee = call.getExpression();
  return Node.isPropertyAccessExpression(callee) && ["then", "catch", "finally"].includes(callee.getName());
}

/** The index of the parameter whose options object takes a `signal: AbortSignal`. */
function signalParameter(call: CallExpression): number | undefined {
  const signature = call.getProject().getTypeChecker().getResolvedSignature(call);
  if (signature === undefined) return undefined;
  const params = signature.getParameters();
  for (let i = params.length - 1; i >= 0; i--) {
    const declaration = params[i]!.getValueDeclaration();
    if (declaration !== undefined && Node.isParameterDeclaration(declaration) && declaration.isRestParameter()) continue;
    const type = params[i]!.getTypeAtLocation(call).getNonNullableType();
    const parts = type.isUnion() ? type.getUnionTypes() : [type];
    if (parts.some((part) => /AbortSignal/.test(part.getProperty("signal")?.getTypeAtLocation(call).getText() ?? ""))) return i;
  }
  return undefined;
}

function isObjectTyped(type: Type): boolean {
  if (type.isAny() || type.isUnknown()) return false;
  const parts = type.getNonNullableType().isUnion() ? type.getNonNullableType().getUnionTypes() : [type.getNonNullableType()];
  return parts.every((p) => p.isObject() && !p.isArray());
}


/** `signal`, or `signal2`... when the work already reads a `signal` of its own. */
function freeName(node: Node, replaced: (id: Node) => boolean): string {
  // A read of a dropped AbortSignal parameter is becoming `cx.signal`: its name is free.
  const used = new Set(node.getDescendants().filter((id) => Node.isIdentifier(id) && !replaced(id)).map((id) => id.getText()));
  let name = "signal";
  for (let i = 2; used.has(name) && i < 100; i++) name = `signal${i}`;
  return name;
}
