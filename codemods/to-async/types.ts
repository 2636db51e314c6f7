import { Node, SyntaxKind, type Type } from "ts-morph";

/**
 * Whether awaiting `node`'s value could wait for something: its type is, or may be, a thenable (`any`, `unknown`,
 * a type parameter, a union with a thenable). A value known not to be one is used without `await`.
 */
export function mayBeThenable(node: Node): boolean {
  return mayBeThenableType(node.getType());
}

export function mayBeThenableType(type: Type): boolean {
  if (type.isAny() || type.isUnknown() || type.isTypeParameter()) return true;
  if (type.isUnion()) return type.getUnionTypes().some(mayBeThenableType);
  if (type.isIntersection()) return type.getIntersectionTypes().some(mayBeThenableType);
  return type.getProperty("then") !== undefined;
}

/** Kinds that bind looser than `await` and need parentheses after it. */
const LOOSE = new Set([
  SyntaxKind.BinaryExpression,
  SyntaxKind.ConditionalExpression,
  SyntaxKind.ArrowFunction,
  SyntaxKind.YieldExpression,
  SyntaxKind.AsExpression,
  SyntaxKind.SatisfiesExpression,
  SyntaxKind.TypeAssertionExpression,
  SyntaxKind.CommaListExpression,
]);

/** `text` (the code of `node`) as an operand of `await`, parenthesized when it binds looser. */
export function operand(node: Node, text: string): string {
  return LOOSE.has(node.getKind()) ? `(${text})` : text;
}

/** Whether `type` is a function whose first parameter is an error: `(err: Error | null, value?: T) => void`. */
export function isErrFirstCallbackType(type: Type): boolean {
  return type.getCallSignatures().some((signature) => {
    const first = signature.getParameters()[0];
    return first !== undefined && /^(err|error|e|er|exception)$/i.test(first.getName());
  });
}
