import { Node, SyntaxKind } from "ts-morph";

/**
 * The module an identifier was imported or required from, as written (`node:timers/promises`), if it was: for
 * `readFile` of `import { readFile } from "fs"`, `fs` of `const fs = require("fs")`, or a namespace import.
 */
export function importedFrom(id: Node): string | undefined {
  if (!Node.isIdentifier(id)) return undefined;
  for (const declaration of id.getSymbol()?.getDeclarations() ?? []) {
    const specifier =
      declaration.getFirstAncestorByKind(SyntaxKind.ImportDeclaration)?.getModuleSpecifierValue() ??
      (Node.isVariableDeclaration(declaration) ? requiredModule(declaration.getInitializer()) : undefined) ??
      (Node.isBindingElement(declaration) ? requiredModule(declaration.getFirstAncestorByKind(SyntaxKind.VariableDeclaration)?.getInitializer()) : undefined);
    if (specifier !== undefined) return specifier;
  }
  return undefined;
}

/** `"x"` for `require("x")`, else `undefined`. */
export function requiredModule(init: Node | undefined): string | undefined {
  if (init === undefined || !Node.isCallExpression(init) || init.getExpression().getText() !== "require") return undefined;
  const [arg] = init.getArguments();
  return arg !== undefined && Node.isStringLiteral(arg) ? arg.getLiteralValue() : undefined;
}
