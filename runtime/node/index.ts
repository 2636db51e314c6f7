/**
 * corral/node: the Node-only layer (the one AsyncLocalStorage behind `currentLoop()`, timer capture, rejection
 * routing, handle ownership, SIGINT as cancellation). Reserved: its names arrive with the interop loop, and the
 * runtime core never imports from here, so `corral` stays free of `node:` imports.
 */
export {};
