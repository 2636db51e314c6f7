import { shared } from "./brand.ts";
import type { Scope } from "./scope.ts";

/**
 * The root scopes of the runs in progress, in every copy of corral (see brand.ts): where a task dump starts
 * (corral/node's `taskTree`). A run adds its root when it starts and removes it when it ends.
 */
export const liveRuns: Set<Scope> = shared("liveRuns", () => new Set<Scope>());
