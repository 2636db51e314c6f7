import { fileURLToPath } from "node:url";

/** corral's own runtime folder, as stack frames name it (a file URL for ES modules, a path when a tool rewrote it). */
const runtimeUrl = new URL("../", import.meta.url).href;
const runtimePath = fileURLToPath(runtimeUrl);

/**
 * The first frame of `error`'s stack outside corral and outside Node's internals: where user code called the
 * corral operation that made it. `undefined` when the stack has none (trimmed by `Error.stackTraceLimit`).
 */
export function callSite(error: Error): string | undefined {
  const stack = error.stack;
  if (stack === undefined) return undefined;
  for (const line of stack.split("\n").slice(1)) {
    const frame = line.trim().replace(/^at /, "");
    if (frame.includes(runtimeUrl) || frame.includes(runtimePath)) continue;
    if (frame.includes("node:internal") || frame.endsWith("(<anonymous>)") || frame === "<anonymous>") continue;
    return frame;
  }
  return undefined;
}
