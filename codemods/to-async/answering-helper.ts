/**
 * Local functions that answer through the enclosing err-first function's callback, called as the last step of its
 * paths (fs-extra's `createFile`):
 *
 *     function createFile(file, callback) {
 *       function makeFile() {
 *         fs.writeFile(file, "", (err) => {
 *           if (err) return callback(err);
 *           callback();
 *         });
 *       }
 *       fs.stat(file, (err, stats) => {
 *         if (!err && stats.isFile()) return callback();
 *         mkdirs(path.dirname(file), (err) => {
 *           if (err) return callback(err);
 *           makeFile();
 *         });
 *       });
 *     }
 *
 * Such a helper becomes an async function written as the enclosing one is (its answers `return` and `throw`), and
 * each call of it `return makeFile();`: every path still answers once, through the helper where it did. A helper used
 * any other way (handed to an API as its callback, called with code after it) is refused as the callback would be.
 */
import { Node, type FunctionDeclaration, type Statement } from "ts-morph";

/**
 * The function declarations among `statements` that answer through the callback: those that mention it, or call a
 * helper that does (`mentions` tells, given the helpers found so far). Async functions and generators are not
 * helpers: they do not answer by calling back.
 */
export function answeringHelpers(statements: readonly Statement[], mentions: (node: Node, helpers: readonly FunctionDeclaration[]) => boolean): FunctionDeclaration[] {
  const candidates = statements.filter(
    (s): s is FunctionDeclaration => Node.isFunctionDeclaration(s) && s.getName() !== undefined && s.getBody() !== undefined && !s.isAsync() && !s.isGenerator(),
  );
  const found: FunctionDeclaration[] = [];
  for (let grew = true; grew; ) {
    grew = false;
    for (const fn of candidates) {
      if (found.includes(fn) || !mentions(fn, found)) continue;
      found.push(fn);
      grew = true;
    }
  }
  return found;
}

/** The function declarations among `statements`: after an answer that leaves, the only code that still counts (hoisted). */
export function hoistedDeclarations(statements: readonly Statement[]): FunctionDeclaration[] {
  return statements.filter((s): s is FunctionDeclaration => Node.isFunctionDeclaration(s));
}
