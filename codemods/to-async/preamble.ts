/**
 * The statements at the top of an err-first function that pick the callback out of the arguments and check it:
 * the optional-argument shuffle (`if (typeof opts === 'function') { cb = opts; opts = {} }`, `cb = cb || noop`,
 * `if (!cb) cb = ...`), the defaults of the other parameters (`opts = opts || {}`) and the guards
 * (`assert(typeof cb === 'function')`, `if (typeof cb !== 'function') throw ...`).
 *
 * Why this exists: the async version takes no callback, so these statements cannot simply move into it. The
 * function that keeps the callback shape runs all of them, as written, before it hands over: every calling form it
 * accepted still works, and a guard still throws synchronously. The async version runs again what concerns the
 * other parameters (their defaults, their guards), so that calling it directly (`fAsync(a)`) still works. Running
 * those twice must change nothing: each is checked to be a no-op on the values the whole preamble leaves, or the
 * function is refused `callback-preamble-order`.
 */
import { Node, SyntaxKind, ts, type Expression, type Identifier, type ParameterDeclaration, type Statement } from "ts-morph";
import { Refusal, refuseUnless } from "../engine/refusal.ts";
import { findAll } from "../engine/walk.ts";
import { usesOwn } from "./analysis.ts";
import { falseForObjects, hasEffects, isAssertCall, isAssignmentTarget, isFalsyTest, isObjectValue, mentions, orElse, readsLaterDeclarations } from "./preamble-facts.ts";

/** What a leading statement does. */
type Role =
  /**
   * Picks, defaults or checks the callback (`cb = cb || noop`, `assert(typeof cb === 'function')`): the shim only.
   * `ensures`: after it the callback is a function, or a call without one has thrown.
   */
  | { kind: "callback"; ensures: boolean }
  /** `if (...) { cb = opts; opts = {} } else <default>`: the shim; the async version runs the `else` part. */
  | { kind: "swap"; assigned: Map<string, Expression>; otherwise?: Statement }
  /** `assert(p)`, `if (!p) throw ...`: both; pure, so running it again on the same values passes again. */
  | { kind: "guard" }
  /** `opts = opts || {}`, `if (!opts || typeof opts !== 'object') opts = { mode: opts }`: both. */
  | { kind: "default"; target: string; value: Expression }
  /** `let tries = 0`: a local the body uses, with a value that reads no parameter: the async version. */
  | { kind: "local"; names: string[] };

/** An err-first function's body, split around its preamble. */
export interface Preamble {
  /** The leading statements the callback-shaped function keeps and runs, as written, before it hands over. */
  shim: Statement[];
  /** What the async version runs first: the defaults and guards of the other parameters, and leading locals. */
  kept: Statement[];
  /** The statements after the preamble. */
  rest: Statement[];
  /** The parameters whose value the shuffle may move into the callback (`opts` of `cb = opts`). */
  moved: Set<string>;
  /**
   * Whether a call may leave out the callback with nothing in the preamble to default it or to throw: the shim's
   * `callbackify` then throws a TypeError at once, where the function did its work and failed when calling back.
   */
  callbackMayBeMissing: boolean;
}

/**
 * Split the body `statements` of an err-first function with parameters `params` and callback `cb`. With no
 * statement that picks or checks the callback, the shim is empty and `rest` is the whole body. Throws a `Refusal`
 * when the callback is reassigned after the preamble, when the preamble cannot be run twice, or when the async
 * version would read `arguments` (it takes fewer).
 */
export function readPreamble(params: readonly ParameterDeclaration[], statements: readonly Statement[], cb: Identifier): Preamble {
  const reader = new Reader(params, cb);
  const roles: Role[] = [];
  for (const [i, statement] of statements.entries()) {
    const role = reader.role(statement);
    if (role === undefined) break;
    // What the shim runs must not need what the body declares after it (`cb = wrap(cb)`, `function wrap`).
    if (role.kind !== "local" && readsLaterDeclarations(statement, statements.slice(i + 1))) break;
    roles.push(role);
  }
  const picks = roles.some((role) => role.kind === "callback" || role.kind === "swap");
  const lead = picks ? statements.slice(0, roles.length) : [];
  const rest = statements.slice(lead.length);
  const kept: Statement[] = [];
  lead.forEach((statement, i) => {
    const role = roles[i]!;
    if (role.kind === "swap" && role.otherwise !== undefined) kept.push(role.otherwise);
    if (role.kind === "guard" || role.kind === "default" || role.kind === "local") kept.push(statement);
  });
  if (picks) reader.checkRepeatable(lead, roles);
  for (const statement of [...kept, ...rest]) reader.checkAfter(statement);
  // A local the shim's statements read stays there too (`const noop = () => {}; cb = cb || noop`).
  const shim = lead.filter((statement, i) => {
    const role = roles[i]!;
    return role.kind !== "local" || lead.some((other) => other !== statement && role.names.some((name) => mentions(other, name)));
  });
  const moved = new Set(
    lead.flatMap((statement, i) => {
      const role = roles[i]!;
      if (role.kind !== "callback" && role.kind !== "swap") return [];
      const value = reader.callbackValue(Node.isIfStatement(statement) ? statement.getThenStatement() : statement);
      return value === undefined ? [] : reader.parametersIn(value);
    }),
  );
  const ensured = roles.some((role) => role.kind === "callback" && role.ensures);
  return { shim, kept, rest, moved, callbackMayBeMissing: shim.length > 0 && !ensured };
}

/**
 * A parameter as the async version declares it. One the shuffle may move into the callback has no function type
 * left after the shuffle, and loses the function members of its union (`options: Options | Callback` ->
 * `options: Options`), as the body after the shuffle sees it.
 */
export function asyncParameterText(param: ParameterDeclaration, preamble: Preamble): string {
  const typeNode = param.getTypeNode();
  if (!preamble.moved.has(param.getName()) || !Node.isUnionTypeNode(typeNode)) return param.getText();
  const members = typeNode.getTypeNodes().filter((member) => member.getType().getCallSignatures().length === 0);
  if (members.length === 0 || members.length === typeNode.getTypeNodes().length) return param.getText();
  const source = param.getSourceFile().getFullText();
  return `${source.slice(param.getStart(), typeNode.getStart())}${members.map((m) => m.getText()).join(" | ")}${source.slice(typeNode.getEnd(), param.getEnd())}`;
}

/**
 * What a call of `callee`, made async in this run as `native`, with `count` arguments (the callback among them)
 * awaits: `native` where it passes an argument for every parameter; else `undefined`, for the callback-shaped
 * function through `promisify`, whose shuffle finds the callback in an earlier place (the async version takes each
 * argument in its own place). A function made async in place keeps no callback shape: such a call is refused.
 */
export function nativeFor(callee: Node, native: string, count: number, at: Node): string | undefined {
  const declaration = callee.getSymbol()?.getDeclarations().find((d) => Node.isFunctionDeclaration(d));
  if (!Node.isFunctionDeclaration(declaration) || declaration.getParameters().length === count) return native;
  refuseUnless(
    native !== callee.getText(),
    "callback-call-omits-arguments",
    `\`${callee.getText()}\` is called here with fewer arguments than it has parameters, and its async version takes ` +
      "each argument in its own place: pass them all (`undefined` for the ones left out)",
    at,
  );
  return undefined;
}

class Reader {
  private readonly others: Set<string>;

  constructor(
    params: readonly ParameterDeclaration[],
    private readonly cb: Identifier,
  ) {
    const simple = params.filter((p) => Node.isIdentifier(p.getNameNode()));
    this.others = new Set(simple.map((p) => p.getName()).filter((name) => name !== cb.getText()));
  }

  /** The role of a leading statement, or `undefined` if it is the first of the body proper. */
  role(statement: Statement): Role | undefined {
    if (Node.isVariableStatement(statement)) {
      const declarations = statement.getDeclarations();
      const pure = declarations.every((d) => Node.isIdentifier(d.getNameNode()) && (d.getInitializer() === undefined || this.pureOf(d.getInitializer()!, [])));
      return pure ? { kind: "local", names: declarations.map((d) => d.getName()) } : undefined;
    }
    if (Node.isExpressionStatement(statement)) {
      const expression = statement.getExpression();
      if (isAssertCall(expression)) {
        if (!expression.getArguments().every((a) => this.pure(a))) return undefined;
        return this.mentionsCallback(statement) ? { kind: "callback", ensures: true } : { kind: "guard" };
      }
      const assigned = this.assignments(statement);
      if (assigned === undefined) return undefined;
      if (assigned.has(this.cb.getText())) return { kind: "callback", ensures: this.defaultsCallback(statement) };
      return this.defaultOf(statement, assigned);
    }
    if (Node.isIfStatement(statement)) return this.ifRole(statement);
    return undefined;
  }

  private ifRole(statement: import("ts-morph").IfStatement): Role | undefined {
    const condition = statement.getExpression();
    const then = statement.getThenStatement();
    const otherwise = statement.getElseStatement();
    const only = Node.isBlock(then) && then.getStatements().length === 1 ? then.getStatements()[0]! : then;
    // `if (typeof cb !== 'function') throw ...` (the thrown value is built only when the guard fails, which it does
    // not the second time), `if (er) assert(er instanceof Error)`.
    if (Node.isThrowStatement(only) || (Node.isExpressionStatement(only) && this.role(only)?.kind === "guard")) {
      if (otherwise !== undefined || !this.pure(condition)) return undefined;
      return this.mentionsCallback(statement) ? { kind: "callback", ensures: true } : { kind: "guard" };
    }
    const assigned = this.assignments(then);
    if (assigned === undefined) return undefined;
    if (!assigned.has(this.cb.getText())) return otherwise === undefined ? this.defaultOf(statement, assigned) : undefined;
    // `if (!cb) cb = noop`, `if (typeof cb !== 'function') cb = noop`.
    if (otherwise === undefined) return assigned.size === 1 ? { kind: "callback", ensures: this.mentionsCallback(condition) } : { kind: "swap", assigned };
    const single = Node.isBlock(otherwise) && otherwise.getStatements().length === 1 ? otherwise.getStatements()[0]! : otherwise;
    const role = this.role(single);
    if (role?.kind !== "default" || this.mentionsCallback(otherwise)) return undefined;
    // The async version runs the `else` part whatever the condition was: it must change nothing where the swap ran.
    const swapped = assigned.get(role.target);
    if (swapped === undefined || !isObjectValue(swapped)) {
      throw new Refusal(
        "callback-preamble-order",
        `the \`else\` part of this shuffle defaults \`${role.target}\`, which the swap leaves as it is; the async ` +
          `version could not run that default again: give \`${role.target}\` an object in the swap (\`${role.target} = {}\`)`,
        statement,
      );
    }
    return { kind: "swap", assigned, otherwise: single };
  }

  /**
   * A default of one parameter `x` that gives the same value when run again: `x = x || E`, `x ??= E`,
   * `if (!x) x = E` (E reads no parameter), or `if (C) x = { ... }` where C is false for any object.
   */
  private defaultOf(statement: Statement, assigned: Map<string, Expression>): Role | undefined {
    if (assigned.size !== 1) return undefined;
    const [target, value] = [...assigned][0]!;
    if (!this.others.has(target)) return undefined;
    if (Node.isExpressionStatement(statement)) {
      const expression = statement.getExpression();
      if (!Node.isBinaryExpression(expression)) return undefined;
      const operator = expression.getOperatorToken().getKind();
      const fallback =
        operator === SyntaxKind.BarBarEqualsToken || operator === SyntaxKind.QuestionQuestionEqualsToken
          ? expression.getRight()
          : orElse(expression.getRight(), target);
      return fallback !== undefined && this.pureOf(fallback, []) ? { kind: "default", target, value: fallback } : undefined;
    }
    if (!Node.isIfStatement(statement)) return undefined;
    const condition = statement.getExpression();
    if (isFalsyTest(condition, target) && this.pureOf(value, [])) return { kind: "default", target, value };
    return isObjectValue(value) && this.pure(value) && falseForObjects(condition, target) ? { kind: "default", target, value } : undefined;
  }

  /**
   * The parameters a statement assigns and their values, when it does nothing else: `x = E`, `a = b, b = {}`, a
   * block of those; `x ||= E` and `x ??= E` count as assigning `x`. A value may call (`cb = once(cb)`): what only the
   * shim runs runs once, as before; a default run again is checked to be pure.
   */
  private assignments(statement: Statement): Map<string, Expression> | undefined {
    const statements = Node.isBlock(statement) ? statement.getStatements() : [statement];
    const found = new Map<string, Expression>();
    const add = (expression: Expression): boolean => {
      if (Node.isParenthesizedExpression(expression)) return add(expression.getExpression());
      if (!Node.isBinaryExpression(expression)) return false;
      const operator = expression.getOperatorToken().getKind();
      if (operator === SyntaxKind.CommaToken) return add(expression.getLeft()) && add(expression.getRight());
      const assigns = operator === SyntaxKind.EqualsToken || operator === SyntaxKind.BarBarEqualsToken || operator === SyntaxKind.QuestionQuestionEqualsToken;
      const target = expression.getLeft();
      if (!assigns || !Node.isIdentifier(target) || !this.isParameter(target)) return false;
      found.set(target.getText(), expression.getRight());
      return true;
    };
    const all = statements.every((s) => Node.isExpressionStatement(s) && add(s.getExpression()));
    return all && found.size > 0 ? found : undefined;
  }

  /**
   * Refuse a preamble whose defaults and guards would not give the same result when the async version runs them
   * again on the values the whole preamble left: a later statement must not change what an earlier one read, except
   * a default that gives an object (which keeps an earlier default's value or test true).
   */
  checkRepeatable(lead: readonly Statement[], roles: readonly Role[]): void {
    lead.forEach((statement, i) => {
      const role = roles[i]!;
      const repeated = role.kind === "swap" ? role.otherwise : role.kind === "guard" || role.kind === "default" ? statement : undefined;
      if (repeated === undefined) return;
      const read = [...this.others].filter((name) => mentions(repeated, name));
      for (const [j, later] of lead.entries()) {
        if (j <= i) continue;
        const laterRole = roles[j]!;
        const changed = read.filter((name) => this.assignedBy(later, laterRole).has(name));
        if (changed.length === 0) continue;
        const harmless = role.kind !== "guard" && laterRole.kind === "default" && isObjectValue(laterRole.value);
        refuseUnless(
          harmless,
          "callback-preamble-order",
          `\`${changed[0]}\` is changed here after an earlier statement of the argument shuffle reads it; the async ` +
            "version runs that statement again on the changed value: move the shuffle that picks the callback first",
          later,
        );
      }
    });
  }

  /** Refuse what the async version cannot do the same: reassign the callback, or read `arguments` (it takes fewer). */
  checkAfter(statement: Statement): void {
    const assignment = findAll(statement, (node) => ts.isIdentifier(node) && node.text === this.cb.getText()).find(
      (id) => isAssignmentTarget(id) && this.isCallback(id),
    );
    refuseUnless(
      assignment === undefined,
      "callback-reassigned",
      "the callback is reassigned here, after the argument shuffle at the top of the function (or in a form corral " +
        "does not recognise as one); the async version has no callback to reassign",
      assignment ?? statement,
    );
    refuseUnless(
      Node.isFunctionDeclaration(statement) || Node.isClassDeclaration(statement) || !usesOwn(statement, "arguments"),
      "callback-reads-arguments",
      "the function reads `arguments`; its async version takes fewer (no callback), so `arguments` would differ: " +
        "use the named parameters",
      statement,
    );
  }

  /** Whether `statement` gives the callback a default: `cb = cb || noop`, `cb ??= noop`, `cb = once(cb || noop)`. */
  private defaultsCallback(statement: Statement): boolean {
    const fallback = new Set([SyntaxKind.BarBarToken, SyntaxKind.QuestionQuestionToken, SyntaxKind.BarBarEqualsToken, SyntaxKind.QuestionQuestionEqualsToken]);
    return findAll(statement, (node) => ts.isBinaryExpression(node) && fallback.has(node.operatorToken.kind as never)).some(
      (node) => Node.isBinaryExpression(node) && this.isCallback(node.getLeft()),
    );
  }

  /** The value a statement gives the callback, if it assigns it. */
  callbackValue(statement: Statement): Expression | undefined {
    return this.assignments(statement)?.get(this.cb.getText());
  }

  /** The other parameters `node` mentions. */
  parametersIn(node: Node): string[] {
    return [...this.others].filter((name) => mentions(node, name));
  }

  private assignedBy(statement: Statement, role: Role): Set<string> {
    if (role.kind === "swap") return new Set([...role.assigned.keys(), ...(role.otherwise === undefined ? [] : this.assignedBy(role.otherwise, this.role(role.otherwise)!))]);
    if (role.kind === "default") return new Set([role.target]);
    if (role.kind === "callback") return new Set(this.assignments(Node.isIfStatement(statement) ? statement.getThenStatement() : statement)?.keys() ?? []);
    return new Set();
  }

  private pure(expression: Node): boolean {
    return this.pureOf(expression, [...this.others, this.cb.getText()]);
  }

  /** Whether evaluating `expression` has no effect (no call, `new`, assignment...) and reads only `allowed` parameters. */
  private pureOf(expression: Node, allowed: readonly string[]): boolean {
    if (hasEffects(expression)) return false;
    const params = [...this.others, this.cb.getText()].filter((name) => !allowed.includes(name));
    return !params.some((name) => mentions(expression, name));
  }

  private isParameter(id: Identifier): boolean {
    return this.others.has(id.getText()) || this.isCallback(id);
  }

  private isCallback(id: Node): boolean {
    return id.getSymbol() === this.cb.getSymbol();
  }

  private mentionsCallback(node: Node): boolean {
    return findAll(node, (n) => ts.isIdentifier(n) && n.text === this.cb.getText()).some((id) => this.isCallback(id));
  }
}
