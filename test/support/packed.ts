import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

/**
 * corral as a user's project installs it: `npm pack` of the built package (the files its `files` list publishes,
 * nothing else), unpacked into `dir/node_modules/corral`, with its dependencies and `@types/node` linked from
 * this repository (no network). `dist/` must be built.
 */
export function installPacked(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const packed = JSON.parse(execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: root, encoding: "utf8" })) as { filename: string }[];
  const unpacked = path.join(dir, "node_modules/corral");
  mkdirSync(unpacked, { recursive: true });
  execFileSync("tar", ["xzf", path.join(dir, packed[0]!.filename), "-C", unpacked, "--strip-components=1"]);
  const { dependencies } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  for (const dependency of Object.keys(dependencies)) symlinkSync(path.join(root, "node_modules", dependency), path.join(dir, "node_modules", dependency));
  mkdirSync(path.join(dir, "node_modules/@types"));
  symlinkSync(path.join(root, "node_modules/@types/node"), path.join(dir, "node_modules/@types/node"));
}
