/**
 * A scoped function used where nothing awaits it on the spot, by legacy code or by scoped code: a call goes
 * through `toPromise(f)(...)`, a value (`arr.forEach(f)`, `emitter.on("x", f)`) becomes `toPromise(f)`, and
 * `callbackify(f)` becomes `toCallback(f)`. Each runs the function as a task of its own, in the current loop.
 */
import { Node, SyntaxKind, type CallExpression } from "ts-morph";
import type { FunctionNode } from "../engine/functions.ts";
import { bindsOrReads } from "../engine/identifiers.ts";
import { refuseUnless } from "../engine/refusal.ts";
import { corral, isBridgeCall, type Scope } from "./body.ts";
import { NOTES } from "./notes.ts";
import { functionOf } from "./world.ts";
import { isModuleValue } from "./assigned-exports.ts";

/** `f(args)` -> `toPromise(f)(args)` (or with `{ signal }` for the `AbortSignal` argument `f` no longer takes). */
export function bridged(scope: Scope, call: CallExpression, callee: FunctionNode): void {
  if (scope.world.scopedName.has(callee)) return; // its old signature is kept: the call stays as it is
  const target = call.getExpression();
  const dropped = scope.world.droppedSignal.get(callee);
  const index = dropped === undefined ? -1 : callee.getParameters().indexOf(dropped);
  const args = call.getArguments();
  const signal = index >= 0 && index < args.length ? args[index]! : undefined;
  const options = signal === undefined ? "" : `, { signal: ${scope.edits.textOf(signal)} }`;
  scope.notes.add(NOTES.bridgedCall(target.getText()));
  const fn = `${corral(scope, "toPromise")}(${callable(scope, target)}${options})`;
  if (signal === undefined) return scope.edits.add({ start: target.getStart(), end: target.getEnd(), text: fn, format: false });
  const kept = args.filter((a) => a !== signal).map((a) => scope.edits.textOf(a));
  scope.edits.replace(call, `${fn}(${kept.join(", ")})`);
}

/**
 * A reference to a scoped function that is not called here: bridged with `toPromise`, or `toCallback` when it is
 * `callbackify`'s argument. Returns whether `node` was one (its parts are not visited further).
 */
export function bridgedReference(scope: Scope, node: Node): boolean {
  if (Node.isIdentifier(node)) {
    const parent = node.getParent();
    if (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === node) return false;
    if (!bindsOrReads(node) || isDeclarationName(node)) return false;
  }
  if (Node.isPropertyAccessExpression(node) && !Node.isIdentifier(node.getNameNode())) return false;
  const parent = node.getParent();
  if (Node.isCallExpression(parent) && parent.getExpression() === node) return false;
  const fn = functionOf(node);
  if (fn === undefined || !scope.world.isScoped(fn)) return false;
  // Already bridged: the argument of corral's own toPromise/toCallback (or of a `.bind` inside one).
  const holder = Node.isCallExpression(parent) && parent.getExpression() !== node ? parent : undefined;
  const bindHolder = holder === undefined && Node.isPropertyAccessExpression(parent) && parent.getName() === "bind" ? parent.getParent()?.getParent() : undefined;
  const bridge = holder ?? bindHolder;
  if (bridge !== undefined && isBridgeCall(bridge, true)) return true;
  if (scope.world.scopedName.has(fn)) return true; // the old signature is kept under the old name
  if (Node.isCallExpression(parent) && /(^|\.)callbackify$/.test(parent.getExpression().getText()) && parent.getArguments().length === 1) {
    scope.notes.add(NOTES.callbackified(node.getText()));
    const withThis = calledWithThis(parent);
    if (withThis !== undefined && isPrototypeMember(node)) {
      // A kept method shape: `callbackify(C.prototype.mAsync).call(this, a, cb)`. toCallback passes no `this` on, so
      // the method is bound to the instance, not to its prototype.
      const [self, ...rest] = withThis.getArguments();
      const args = rest.map((a) => scope.edits.textOf(a)).join(", ");
      scope.edits.replace(withThis, `${corral(scope, "toCallback")}(${scope.edits.textOf(node)}.bind(${self!.getText()}))(${args})`);
      return true;
    }
    scope.edits.replace(parent, `${corral(scope, "toCallback")}(${callable(scope, node)})`);
    return true;
  }
  scope.notes.add(NOTES.bridgedCall(node.getText()));
  const text = `${corral(scope, "toPromise")}(${callable(scope, node)})`;
  if (Node.isShorthandPropertyAssignment(parent)) scope.edits.replace(parent, `${node.getText()}: ${text}`);
  else scope.edits.replace(node, text);
  return true;
}

/** `callbackify(f).call(self, ...)`: the call that passes `self` as `this`, if `wrapped` is called so. */
function calledWithThis(wrapped: CallExpression): CallExpression | undefined {
  const access = wrapped.getParent();
  if (!Node.isPropertyAccessExpression(access) || access.getName() !== "call" || access.getExpression() !== wrapped) return undefined;
  const call = access.getParent();
  return Node.isCallExpression(call) && call.getExpression() === access && call.getArguments().length > 0 ? call : undefined;
}

/** `C.prototype.m`: a method read from a prototype, whose `this` is whoever calls it. */
function isPrototypeMember(node: Node): boolean {
  return Node.isPropertyAccessExpression(node) && /(^|\.)prototype$/.test(node.getExpression().getText());
}

/**
 * The function as a value: `f`, a method bound to its receiver (`this.load.bind(this)`), or a function of a
 * required module (`m.load`, `require("./x").load`: a module is no receiver to bind).
 */
function callable(scope: Scope, target: Node): string {
  if (!Node.isPropertyAccessExpression(target)) return scope.edits.textOf(target);
  const receiver = target.getExpression();
  if (isModuleValue(receiver)) return scope.edits.textOf(target);
  refuseUnless(
    isPlainReceiver(receiver),
    "method-receiver",
    `the method is called on \`${receiver.getText()}\`, which would have to be evaluated apart from the call; store it in a variable first`,
    target,
  );
  return `${scope.edits.textOf(target)}.bind(${receiver.getText()})`;
}

function isPlainReceiver(node: Node): boolean {
  if (node.getKind() === SyntaxKind.ThisKeyword || Node.isIdentifier(node)) return true;
  return Node.isPropertyAccessExpression(node) && isPlainReceiver(node.getExpression());
}

function isDeclarationName(id: Node): boolean {
  const parent = id.getParent();
  if (parent === undefined) return false;
  if (Node.isImportSpecifier(parent) || Node.isExportSpecifier(parent) || Node.isImportClause(parent) || Node.isNamespaceImport(parent)) return true;
  if (Node.isExportAssignment(parent)) return true;
  const named = parent as { getNameNode?: () => Node | undefined };
  return typeof named.getNameNode === "function" && named.getNameNode() === id && !Node.isPropertyAccessExpression(parent) && !Node.isShorthandPropertyAssignment(parent);
}
