/**
 * `--entry`: trio-asyncio's first step. The program's main call (`main()`, `main().catch(...)`, `void main()`,
 * `await main()` at the top level of the entry file) runs inside `run()`, with the loop hooks installed so the
 * legacy timers, rejections and handles it makes belong to the run, and Ctrl-C cancels it.
 */
import { Node, type CallExpression, type SourceFile } from "ts-morph";
import { nameOf } from "../engine/functions.ts";
import { Refusal } from "../engine/refusal.ts";
import { corral, isBridgeCall, isCorralCall, type Scope } from "./body.ts";
import { NOTES } from "./notes.ts";
import { isCandidate } from "./plan.ts";
import { functionOf } from "./world.ts";

/** Wrap the entry's main call; returns the main function's name and line, or undefined if it runs in `run()` already. */
export function planEntry(file: SourceFile, scope: Scope): { name: string; line: number } | undefined {
  const calls: CallExpression[] = [];
  for (const statement of file.getStatements()) {
    if (!Node.isExpressionStatement(statement)) continue;
    const call = mainCall(statement.getExpression());
    if (call === undefined) continue;
    if (isCorralCall(call)) return undefined;
    const fn = functionOf(calleeOf(call));
    if (fn !== undefined && (isCandidate(fn) || scope.world.isScoped(fn))) calls.push(call);
  }
  if (calls.length === 0) {
    throw new Refusal(
      "no-entry-call",
      "the file has no top-level call of an async main function to run inside run(); give the file that starts the program",
      file,
    );
  }
  if (calls.length > 1) {
    throw new Refusal("ambiguous-entry", `the file calls ${calls.length} async functions at its top level; wrap the one that is the program's main by hand`, calls[1]!);
  }
  const call = calls[0]!;
  const fn = functionOf(calleeOf(call))!;
  const args = call.getArguments().map((a) => a.getText());
  const run = corral(scope, "run");
  const hooks = scope.imports.take(scope.needed, "corral/node", "installLoopHooks");
  const body = scope.world.isScoped(fn)
    ? `(${scope.cx}) => ${calleeOf(call).getText()}(${[scope.cx, ...args].join(", ")})`
    : `() => ${call.getText()}`;
  scope.edits.replace(call, `${run}(${body}, { signals: true })`);
  const statement = call.getFirstAncestor((a) => Node.isExpressionStatement(a) && a.getParent() === file)!;
  scope.edits.insert(statement.getStart(), `${hooks}();\n`);
  scope.notes.add(NOTES.entry);
  return { name: nameOf(fn), line: statement.getStartLineNumber() };
}

/** The call an entry statement makes, under `void`, `await` and `.then`/`.catch`/`.finally` links. */
function mainCall(expression: Node): CallExpression | undefined {
  let node = expression;
  for (;;) {
    if (Node.isVoidExpression(node) || Node.isAwaitExpression(node)) node = node.getExpression();
    else if (Node.isCallExpression(node) && Node.isPropertyAccessExpression(node.getExpression()) && ["then", "catch", "finally"].includes((node.getExpression() as import("ts-morph").PropertyAccessExpression).getName())) {
      node = (node.getExpression() as import("ts-morph").PropertyAccessExpression).getExpression();
    } else break;
  }
  if (!Node.isCallExpression(node)) return undefined;
  const callee = node.getExpression();
  if (Node.isIdentifier(callee)) return node;
  // `toPromise(main)()`: what --to scoped wrote for the legacy call of a main it made scoped.
  return isBridgeCall(callee) && callee.getArguments().length === 1 && Node.isIdentifier(callee.getArguments()[0]!) ? node : undefined;
}

/** The function a main call calls: `main` of `main()` or of `toPromise(main)()`. */
function calleeOf(call: CallExpression): Node {
  const callee = call.getExpression();
  return Node.isCallExpression(callee) ? callee.getArguments()[0]! : callee;
}
