import { Node, ts } from "ts-morph";
import { bindsOrReads } from "../engine/identifiers.ts";
import { findAll } from "../engine/walk.ts";

/**
 * Names for code moved into a function body: a handler's parameter becomes a `const` of the enclosing function,
 * so it must not capture or shadow anything there. Collisions get a fresh name (`user2`), never one used anywhere
 * in the file.
 */
export class Names {
  /** Names declared at the top of the file: a new local would shadow them for code added later. */
  private readonly topLevel: Set<string>;
  /** Names the rewrite already placed in the function. */
  private readonly introduced = new Set<string>();

  /**
   * @param fn - the function the code moves into
   * @param handlers - the handler functions being inlined: a name bound inside one of them is its own business
   */
  constructor(
    private readonly fn: Node,
    private readonly handlers: readonly Node[],
  ) {
    this.topLevel = new Set(
      fn
        .getSourceFile()
        .getStatements()
        .flatMap((s) => (Node.isVariableStatement(s) ? s.getDeclarations().map((d) => d.getName()) : [(s as { getName?: () => string | undefined }).getName?.() ?? ""])),
    );
  }

  /** Whether `name` may be declared in the function for code coming from `from` (a handler). */
  isFree(name: string, from: Node | undefined): boolean {
    if (this.introduced.has(name)) return false;
    const skipped = from?.compilerNode;
    const same = findAll(this.fn, (node) => node !== skipped && ts.isIdentifier(node) && node.text === name, (node) => node !== skipped);
    return !same.some((id) => bindsOrReads(id) && !this.boundInAHandler(id));
  }

  private boundInAHandler(id: Node): boolean {
    const declaration = id.getSymbol()?.getDeclarations()[0];
    if (declaration === undefined) return false;
    return this.handlers.some((h) => declaration.getStart() >= h.getStart() && declaration.getEnd() <= h.getEnd());
  }

  /**
   * `base`, or `base2`, `base3`...: the first not used in the function (so it shadows nothing the function reads),
   * not declared at the file's top level, and not handed out before.
   */
  fresh(base: string): string {
    for (let i = 1; ; i++) {
      const name = i === 1 ? base : `${base}${i}`;
      if (!this.topLevel.has(name) && this.isFree(name, undefined)) return this.take(name);
    }
  }

  /** `name` if it is free for `from`, else a fresh one; recorded as placed either way. */
  claim(name: string, from: Node): string {
    return this.isFree(name, from) ? this.take(name) : this.fresh(name);
  }

  take(name: string): string {
    this.introduced.add(name);
    return name;
  }
}
