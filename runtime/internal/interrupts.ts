import { shared } from "./brand.ts";

/**
 * How a run hears Ctrl-C. The core cannot listen for SIGINT (it imports nothing from `node:` and runs where there is
 * no process), so `corral/node` registers the listener here when it is imported.
 */
export const interrupts: {
  /** Call `onFirst` on the first interrupt; the platform handles later ones (Node: exit 130). Returns `stop`. */
  listen: ((onFirst: () => void) => () => void) | undefined;
} = shared("interrupts", () => ({ listen: undefined })); // one per process (see brand.ts)
