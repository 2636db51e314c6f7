/**
 * Whether a call goes to corral's runtime. `isCorralCall` (to-scoped) knows names imported or required from
 * "corral"; `corral check` must also know methods of corral's objects (`n.start(f)`, `loop.expose(f)`), which it
 * finds by where their declarations live: the `runtime/` (or built `dist/runtime/`) folder of the package named
 * "corral", wherever it is installed or linked. Without corral's types at hand (nothing installed), the parameters
 * of a callback given to corral (`withNursery(cx, (n) => ...)`) count as corral's objects.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Node, type CallExpression } from "ts-morph";
import { isCorralCall } from "../to-scoped/body.ts";

/** Whether `call` calls corral: a function imported from it, or a method of one of its objects. */
export function isCorralCallee(call: CallExpression): boolean {
  if (isCorralCall(call)) return true;
  const callee = call.getExpression();
  const name = Node.isPropertyAccessExpression(callee) ? callee.getNameNode() : callee;
  let symbol = name.getSymbol();
  if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
  if ((symbol?.getDeclarations() ?? []).some(isCorralDeclaration)) return true;
  return Node.isPropertyAccessExpression(callee) && isCorralCallbackParameter(callee.getExpression());
}

/** A declaration in corral's runtime. */
export function isCorralDeclaration(declaration: Node): boolean {
  const file = declaration.getSourceFile().getFilePath();
  const root = corralRootOf(path.dirname(file));
  return root !== undefined && /^(dist[\\/])?runtime[\\/]/.test(path.relative(root, file));
}

/** `n` in `withNursery(cx, (n) => n.start(f))`: a parameter of a function passed to a corral call. */
function isCorralCallbackParameter(node: Node): boolean {
  if (!Node.isIdentifier(node)) return false;
  return (node.getSymbol()?.getDeclarations() ?? []).some((d) => {
    const call = Node.isParameterDeclaration(d) ? d.getParent().getParent() : undefined;
    return call !== undefined && Node.isCallExpression(call) && isCorralCall(call);
  });
}

const roots = new Map<string, string | undefined>();

/** The folder of the package named "corral" that `dir` is in, if it is in one (the nearest package.json decides). */
function corralRootOf(dir: string): string | undefined {
  if (roots.has(dir)) return roots.get(dir);
  let found: string | undefined;
  const manifest = path.join(dir, "package.json");
  if (existsSync(manifest)) {
    try {
      found = (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "corral" ? dir : undefined;
    } catch {
      found = undefined;
    }
  } else {
    const parent = path.dirname(dir);
    found = parent === dir ? undefined : corralRootOf(parent);
  }
  roots.set(dir, found);
  return found;
}
