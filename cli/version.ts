import { readFileSync } from "node:fs";

/** The installed corral's version, from its package.json. */
export function version(): string {
  const manifest = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}
