/** A target as given on the command line: `file:functionName`, `file:Class.method`, `file:LINE`, or a path. */
export interface Target {
  file: string;
  /** A function name, `Class.method`, or a line number; undefined means every function in the file or folder. */
  selector?: string | number;
}

/** Parse `file:selector` (the last colon splits, so Windows drive letters survive). */
export function parseTarget(spec: string): Target {
  const colon = spec.lastIndexOf(":");
  if (colon <= 1) return { file: spec };
  const file = spec.slice(0, colon);
  const selector = spec.slice(colon + 1);
  if (selector === "") return { file };
  return { file, selector: /^\d+$/.test(selector) ? Number(selector) : selector };
}
