import { execFileSync } from "node:child_process";
import path from "node:path";

/**
 * Which of `files` have uncommitted changes in their git work tree (modified, staged or untracked). Files outside a
 * work tree, or without git installed, have none: there is nothing to lose a review diff against.
 */
export function uncommitted(files: readonly string[]): string[] {
  const byDir = new Map<string, string[]>();
  for (const file of files) byDir.set(path.dirname(file), [...(byDir.get(path.dirname(file)) ?? []), file]);
  const dirty: string[] = [];
  for (const [dir, list] of byDir) {
    let out: string;
    try {
      out = execFileSync("git", ["status", "--porcelain", "--", ...list.map((f) => path.basename(f))], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    } catch {
      continue; // not a work tree, or no git
    }
    if (out.trim() === "") continue;
    const listed = out.split("\n").filter((l) => l.length > 3).map((l) => path.basename(l.slice(3).trim().replace(/^"|"$/g, "")));
    dirty.push(...list.filter((f) => listed.includes(path.basename(f))));
  }
  return dirty;
}
