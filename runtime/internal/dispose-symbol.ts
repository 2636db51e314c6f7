/**
 * The key of `using` declarations. Node 20 and current browsers define `Symbol.dispose`; where it is missing,
 * `Symbol.for("Symbol.dispose")`, the key polyfills install, so `using` works once the program polyfills it (before
 * importing corral, or with that same `Symbol.for` key). TypeScript's compiled `using` reads `Symbol.dispose`.
 */
export function disposeKey(symbols: { dispose?: symbol } = Symbol): typeof Symbol.dispose {
  return (symbols.dispose ?? Symbol.for("Symbol.dispose")) as typeof Symbol.dispose;
}

/** {@link disposeKey} of this realm, read once when corral loads. */
export const dispose: typeof Symbol.dispose = disposeKey();

/** Make `using` close the instances of `cls` (channel ends): their `[Symbol.dispose]()` calls their `close()`. */
export function disposeByClosing(cls: { prototype: { close(): void } }): void {
  Object.defineProperty(cls.prototype, dispose, {
    value(this: { close(): void }): void {
      this.close();
    },
    writable: true,
    configurable: true,
  });
}
