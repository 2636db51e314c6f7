import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { generateProject } from "../../bench/codemods/generate.ts";
import { corralIn, type Ran } from "../support/cli.ts";

function corral(cwd: string, ...args: string[]): Promise<Ran> {
  return corralIn(cwd, args);
}

let dir: string;
/** The reports of scan's three shards (the first test makes them; the last one reads them). */
let scanShards: Ran[] = [];
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "corral-shard-"));
  // Modules importing each other, an entry calling into them, a file that does not parse, a file that is skipped.
  generateProject(dir, 12);
  writeFileSync(path.join(dir, "src/main.js"), 'import { all11 } from "./part0/module11.js";\n\nasync function main() {\n  await all11({ get: async (id) => id, log() {} }, ["a"]);\n}\n\nmain();\n');
  writeFileSync(path.join(dir, "src/broken.js"), "export function broken( {\n");
  // The type gate refuses this one after a first decision, and the file is decided again: its results keep their place.
  writeFileSync(
    path.join(dir, "src/a-open.ts"),
    'import fs from "node:fs";\n\nexport function open(path: string) {\n  return new Promise<number>((resolve, reject) => fs.open(path, (err, fd) => (err ? reject(err) : resolve(fd))));\n}\n',
  );
  writeFileSync(path.join(dir, "src/blob.js"), "\0\0binary");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The reports of `command` run unsharded and as shards 1/3, 2/3 and 3/3, and the shards merged (given in another order). */
async function shardedAndWhole(...command: string[]): Promise<{ whole: Ran; shards: Ran[]; merged: Ran }> {
  const whole = await corral(dir, ...command, "--json");
  const shards = await Promise.all([1, 2, 3].map((k) => corral(dir, ...command, "--json", "--shard", `${k}/3`)));
  const files = shards.map((shard, i) => {
    const file = path.join(dir, `${command[0]}-${i + 1}.json`);
    writeFileSync(file, shard.stdout);
    return file;
  });
  const merged = await corral(dir, "merge-reports", files[2]!, files[0]!, files[1]!);
  return { whole, shards, merged };
}

describe("--shard k/n and merge-reports", () => {
  test("scan: the merged reports of every shard are the unsharded report, byte for byte", async () => {
    const { whole, shards, merged } = await shardedAndWhole("scan", "src");
    scanShards = shards;
    expect(merged.stderr).toBe("");
    expect(merged.stdout).toBe(whole.stdout);
    const report = JSON.parse(whole.stdout);
    expect(Object.keys(report.functions[0])).toEqual(["file", "function", "line", "style", "async", "scoped", "calls"]);
    expect(report.order[0]).toBe("corral migrate src/main.js --entry");
    expect(report.errors).toHaveLength(1);
    expect(report.skipped).toHaveLength(1);
    // Each file in one shard, every shard with a share.
    const owned = shards.map((s) => Object.keys(JSON.parse(s.stdout).shard.files));
    for (const files of owned) expect(files.length).toBeGreaterThan(0);
    expect(owned.flat().sort()).toEqual([...new Set(report.functions.map((f: { file: string }) => f.file)), "src/broken.js"].sort());
  });

  test("migrate --to async: the merged reports of every shard are the unsharded report, byte for byte", async () => {
    const { whole, shards, merged } = await shardedAndWhole("migrate", "src", "--all", "--to", "async");
    expect(merged.stdout).toBe(whole.stdout);
    const report = JSON.parse(whole.stdout);
    expect(report.files.length).toBeGreaterThan(3);
    // In the order the files were found, the one the type gate sent back included.
    expect(report.results[0]).toMatchObject({ file: "src/a-open.ts", outcome: "refused", reason: { code: "would-break-types" } });
    // The same shard twice picks the same files.
    const again = await corral(dir, "migrate", "src", "--all", "--to", "async", "--json", "--shard", "2/3");
    expect(again.stdout).toBe(shards[1]!.stdout);
  });

  test("a shard that is not k/n with 1 <= k <= n, --to scoped and --entry are usage errors that say why", async () => {
    for (const bad of ["0/3", "4/3", "1/0", "2", "a/b", "-1/2"]) {
      const ran = await corral(dir, "scan", "src", `--shard=${bad}`);
      expect(ran.code).toBe(2);
      expect(ran.stderr).toMatch(/--shard/);
    }
    const scoped = await corral(dir, "migrate", "src", "--to", "scoped", "--shard", "1/2");
    expect(scoped.code).toBe(2);
    expect(scoped.stderr).toContain("--to scoped decides across the project");
    expect((await corral(dir, "migrate", "src/main.js", "--entry", "--shard", "1/2")).stderr).toContain("--entry decides across the project");
  });

  test("merge-reports wants every shard once, of one command", async () => {
    const shards = scanShards;
    const write = (name: string, text: string): string => {
      writeFileSync(path.join(dir, name), text);
      return name;
    };
    const [one, two] = [write("s1.json", shards[0]!.stdout), write("s2.json", shards[1]!.stdout)];
    expect((await corral(dir, "merge-reports", one, two)).stderr).toContain("missing shard 3/3");
    expect((await corral(dir, "merge-reports", one, one, two)).stderr).toContain("are both shard 1/3");
    const plain = write("plain.json", (await corral(dir, "migrate", "src/main.js", "--to", "async", "--json")).stdout);
    const ran = await corral(dir, "merge-reports", plain);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain("not the --json report of a sharded run");
  });
});
