/**
 * Colour for a unified diff on a terminal: additions green, removals red, hunk headers cyan, file headers bold.
 * Plain when the output is not a TTY or `NO_COLOR` is set (https://no-color.org), coloured anyway with `FORCE_COLOR`.
 */
export function useColour(stream: { isTTY?: boolean }): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== "" && force !== "0") return true;
  return stream.isTTY === true;
}

export function colourDiff(diff: string): string {
  return diff
    .split("\n")
    .map((line) => {
      if (line.startsWith("+++") || line.startsWith("---")) return `\x1b[1m${line}\x1b[22m`;
      if (line.startsWith("+")) return `\x1b[32m${line}\x1b[39m`;
      if (line.startsWith("-")) return `\x1b[31m${line}\x1b[39m`;
      if (line.startsWith("@@")) return `\x1b[36m${line}\x1b[39m`;
      return line;
    })
    .join("\n");
}
