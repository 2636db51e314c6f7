/**
 * Why this exists: a project can load corral twice. A symbolic link that a test runner resolves both as the link and
 * as its real path (vitest does, for a package linked into node_modules), or two copies in node_modules, give two
 * module instances, each with its own classes and module state. Then `instanceof` fails on the other copy's objects
 * (a cx from one copy's `run` handed to the other's `sleep` is "not a cx"; `e instanceof Cancelled` is false), and
 * state that must be one per process splits in two (the activity counter the idle detector reads, the loop hooks).
 *
 * What works: the global symbol registry (`Symbol.for`) is shared by every copy. Objects checked across copies carry
 * a brand under a registered symbol; state that must be single lives on `globalThis` under one. Internal shapes may
 * change between versions, so their keys carry {@link SHAPE}: copies of different shapes do not mix their objects.
 */

/** Bumped whenever the shape of a branded internal object (Task, LoopImpl, the shared state) changes. */
const SHAPE = 2;

/** The registered symbol for an internal brand or shared state named `name`. */
export function internalKey(name: string): symbol {
  return Symbol.for(`corral/${SHAPE}/${name}`);
}

/** Mark every instance of `cls` (and of its subclasses) with the internal brand `name`. */
export function brandInternal(cls: Function, name: string): void {
  Object.defineProperty(cls.prototype, internalKey(name), { value: true });
}

/** Whether `value` carries the internal brand `name` (an instance of that class from any copy of the same shape). */
export function hasBrand(value: unknown, name: string): boolean {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[internalKey(name)] === true;
}

/** The single process-wide instance of the state `name`: made by the first copy that asks, found by the others. */
export function shared<T extends object>(name: string, make: () => T): T {
  const key = internalKey(name);
  const global = globalThis as unknown as Record<symbol, T | undefined>;
  return (global[key] ??= make());
}

/** The registered symbol that marks instances of the public class `name` in every copy of corral. */
export function publicKey(name: string): symbol {
  return Symbol.for(`corral/error/${name}`);
}

/**
 * Make `instanceof cls` recognise instances of the same public class from another copy of corral (any version: the
 * error classes are public API, keyed by name): the check reads the brand its prototype carries, one property
 * lookup, as fast as the ordinary check. A subclass a user writes keeps the ordinary `instanceof`.
 */
export function brandPublic(cls: Function, name: string): void {
  const key = publicKey(name);
  Object.defineProperty(cls.prototype, key, { value: true });
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: Function, value: unknown): boolean {
      if (this !== cls) return Function.prototype[Symbol.hasInstance].call(this, value);
      return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[key] === true;
    },
  });
}
