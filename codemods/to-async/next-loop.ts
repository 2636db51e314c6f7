/**
 * `next()` loops in err-first functions: a named function started at once, which calls itself from the callbacks
 * of the steps it takes, once per item, until a path answers the function's callback:
 *
 *     var i = 0;
 *     (function next() {
 *       if (i === files.length) return cb(null);
 *       fs.unlink(files[i++], (err) => {
 *         if (err) return cb(err);
 *         next();
 *       });
 *     })();
 *
 * becomes `next: for (;;) { ... }`, each `next()` a `continue next;`: the same steps in the same order, each awaited.
 * Each call of `next` ran its body afresh, as each turn of the loop does (its `const`/`let` are the turn's own).
 */
import { Node, SyntaxKind, type FunctionExpression, type Statement } from "ts-morph";
import { refuseUnless } from "../engine/refusal.ts";

/** The function `statement` starts at once (`(function next() {...})()` or `(function next() {...}())`), if any. */
export function startedLoop(statement: Statement): FunctionExpression | undefined {
  if (!Node.isExpressionStatement(statement)) return undefined;
  let call = statement.getExpression();
  if (Node.isParenthesizedExpression(call)) call = call.getExpression();
  if (!Node.isCallExpression(call) || call.getArguments().length > 0) return undefined;
  const called = call.getExpression();
  const callee = Node.isParenthesizedExpression(called) ? called.getExpression() : called;
  return Node.isFunctionExpression(callee) && callee.getName() !== undefined ? callee : undefined;
}

/** Refuses a loop function whose body cannot be a loop's: parameters, its own `this`/`arguments`, `var`. */
export function checkLoop(fn: FunctionExpression): void {
  const name = fn.getName()!;
  refuseUnless(fn.getParameters().length === 0, "next-loop-parameters", `\`${name}\` takes parameters; a loop's turn takes none: keep the state in variables outside it`, fn);
  refuseUnless(!fn.isAsync() && !fn.isGenerator(), "next-loop-parameters", `\`${name}\` is async or a generator`, fn);
  const own = (node: Node): boolean => node.getFirstAncestor((a) => Node.isFunctionExpression(a) || Node.isFunctionDeclaration(a) || Node.isMethodDeclaration(a)) === fn;
  const body = fn.getBody();
  const self = body.getDescendants().find((d) => (d.getKind() === SyntaxKind.ThisKeyword || (Node.isIdentifier(d) && d.getText() === "arguments")) && own(d));
  refuseUnless(self === undefined, "handler-this-would-change", `\`${name}\` uses its own \`this\` or \`arguments\`; a loop's turn has none`, self ?? fn);
  const scope = (node: Node): Node | undefined => node.getFirstAncestor((a) => Node.isFunctionExpression(a) || Node.isArrowFunction(a) || Node.isFunctionDeclaration(a));
  const hoisted = body.getDescendantsOfKind(SyntaxKind.VariableDeclarationList).find((list) => list.getDeclarationKind() === "var" && scope(list) === fn);
  refuseUnless(
    hoisted === undefined,
    "next-loop-var",
    `\`${name}\` declares \`var\`s, fresh at each call but shared by every turn of a loop: declare them with \`let\` or \`const\` and run again`,
    hoisted ?? fn,
  );
}
