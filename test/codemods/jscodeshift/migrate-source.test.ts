import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { migrateSource } from "../../../codemods/jscodeshift/migrate-source.ts";

// jscodeshift hands the transform the file's text: that text is migrated, whatever the file on disk holds.
const ON_DISK = `export function onDisk(load: () => Promise<number>) {
  return load().then((n) => n + 1);
}
`;

let file: string;
beforeAll(() => {
  file = path.join(mkdtempSync(path.join(os.tmpdir(), "corral-migrate-source-")), "api.ts");
  writeFileSync(file, ON_DISK);
});
afterAll(() => rmSync(path.dirname(file), { recursive: true, force: true }));

test("the text given is migrated, not the file on disk", async () => {
  const source = `export function given(load: () => Promise<string>) {
  return load().then((s) => s.length);
}
`;
  const answer = await migrateSource({ path: file, source });
  expect(answer.text).toBe(`export async function given(load: () => Promise<string>) {
  const s = await load();
  return s.length;
}
`);
  expect(answer.reports).toEqual([expect.stringMatching(/^note: given \(.*api\.ts:1\): became async/)]);
  expect(answer.failure).toBeUndefined();
});

test("a refusal in the text given is reported with its code, and the text comes back as it was", async () => {
  const source = `export function typed(load: () => Promise<string>) {
  return (load() as any).catch(TypeError, () => "typed");
}
`;
  const answer = await migrateSource({ path: file, source });
  expect(answer.text).toBe(source);
  expect(answer.reports).toEqual([expect.stringMatching(/^refused: typed \(.*api\.ts:1\): \[filtered-catch\] /)]);
});

test("text that does not parse is a failure, with the place, and comes back as it was", async () => {
  const source = "export function broken( {\n";
  const answer = await migrateSource({ path: file, source });
  expect(answer.text).toBe(source);
  expect(answer.failure).toMatch(/^corral could not process the file: \[parse-error\] .*api\.ts:2:1: /);
});

test("strict: a callback called in the same turn is refused, where without it the function converts with a note", async () => {
  const source = `import fs from "node:fs";

export function check(path: string, cb: (err: Error | null, ok?: boolean) => void) {
  if (path === "") return cb(new Error("no path"));
  fs.access(path, (err) => {
    if (err) return cb(err);
    cb(null, true);
  });
}
`;
  const strict = await migrateSource({ path: file, source, strict: true });
  expect(strict.text).toBe(source);
  expect(strict.reports).toEqual([expect.stringMatching(/^refused: check \(.*api\.ts:3\): \[callback-called-synchronously\] /)]);
  const lenient = await migrateSource({ path: file, source });
  expect(lenient.text).not.toBe(source);
  expect(lenient.reports).toContainEqual(expect.stringMatching(/^note: check \(.*api\.ts:3\): /));
});

test("a file inside node_modules, build output or a hidden folder is left alone, as corral's own walk leaves it", async () => {
  const source = `export function given(load: () => Promise<string>) {
  return load().then((s) => s.length);
}
`;
  for (const folder of ["node_modules/dep", "dist", ".cache"]) {
    const inside = path.join(path.dirname(file), folder, "index.ts");
    mkdirSync(path.dirname(inside), { recursive: true });
    writeFileSync(inside, source);
    const answer = await migrateSource({ path: inside, source });
    expect(answer).toEqual({ text: source, reports: [expect.stringMatching(new RegExp(`^skipped: inside ${folder.split("/")[0]}/, which corral leaves alone`))] });
  }
});
