import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A fingerprint of the engine's own files (their names, sizes and modification times): with the version, what a
 * `--cache` key says of corral itself, so a rebuilt checkout of corral, whose version did not change, decides again.
 */
export function engineFingerprint(): string {
  const hash = createHash("sha256");
  const visit = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (/\.[cm]?[jt]s$/.test(entry.name)) {
        const stat = statSync(full);
        hash.update(`${full}\0${stat.size}\0${stat.mtimeMs}\n`);
      }
    }
  };
  visit(fileURLToPath(new URL("../codemods/", import.meta.url)));
  return hash.digest("hex").slice(0, 16);
}
