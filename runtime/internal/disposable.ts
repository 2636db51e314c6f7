/**
 * A `Disposable`: what a `using` declaration disposes at the end of its block. Spelt through `SymbolConstructor`
 * so that a project whose `lib` has no `Symbol.dispose` (and so cannot write `using`) still compiles corral's
 * declarations without `skipLibCheck`: there it is an empty object type. The runtime key lives apart, in
 * dispose-symbol.ts, whose declarations name `Symbol.dispose` outright.
 */
export type UsingDisposable = SymbolConstructor extends { readonly dispose: infer K extends symbol }
  ? { readonly [P in K]: () => void }
  : object;
