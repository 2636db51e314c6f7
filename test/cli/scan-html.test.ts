import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { corralIn, type Ran } from "../support/cli.ts";

/**
 * The HTML migration map in a real headless Chromium (Debian's, installed by .ci/run): it renders, its numbers are
 * the JSON report's, and its links reach the code lines.
 */
const CHROMIUM = "/usr/bin/chromium";

function corral(cwd: string, ...args: string[]): Promise<Ran> {
  return corralIn(cwd, args);
}

const API = `export interface Api {
  get(id: string): Promise<string>;
}

export function load(api: Api, id: string) {
  return api.get(id).then((value) => value.trim());
}

export async function both(api: Api): Promise<string[]> {
  return Promise.all([load(api, "a"), load(api, "b")]);
}

export function leaky(api: Api) {
  api.get("x").then(() => {});
}
`;
const FILES = `import fs from "node:fs";

export function size(file: string, callback: (err: Error | null, size?: number) => void): void {
  fs.stat(file, (err, stats) => {
    if (err) return callback(err);
    callback(null, stats.size);
  });
}

export function twice(n: number): number {
  return n * 2;
}
`;

let dir: string;
let browser: Browser;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "corral-map-"));
  writeFileSync(path.join(dir, "api.ts"), API);
  writeFileSync(path.join(dir, "files.ts"), FILES);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`);
  browser = await chromium.launch({
    timeout: 0, // Chromium starts slowly on a loaded machine: no limit of its own (vitest ends a hung hook)
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("corral scan --html", () => {
  test("renders in Chromium; its numbers are the JSON's; function links reach their code lines", async () => {
    const { code, stdout } = await corral(dir, "scan", ".", "--json", "--html", "map.html");
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { functions: { file: string; function: string; line: number; style: string; async: { outcome: string }; scoped: { outcome: string } }[] };
    const page = await browser.newPage();
    page.setDefaultTimeout(0); // no limit a loaded machine trips: vitest ends a test that hangs
    await page.goto(pathToFileURL(path.join(dir, "map.html")).href);
    expect(await page.locator("h1").textContent()).toBe("corral migration map");
    const total = async (name: string): Promise<number> => Number(await page.locator(`[data-total="${name}"] b`).textContent());
    expect(await total("functions")).toBe(report.functions.length);
    for (const style of ["callback", "chain", "async", "sync"]) expect(await total(style)).toBe(report.functions.filter((f) => f.style === style).length);
    expect(await total("async-refused")).toBe(report.functions.filter((f) => f.async.outcome === "refused").length);
    expect(await total("scoped-changed")).toBe(report.functions.filter((f) => f.scoped.outcome === "changed").length);
    expect(await page.locator("#functions tbody tr").count()).toBe(report.functions.length);
    // Styles are coloured: a callback row and an async row do not share a background.
    const background = (name: string) => page.locator(`[data-function="${name}"]`).evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await background("files.ts:size")).not.toBe(await background("api.ts:both"));
    // A reason shows: here why leaky, whose chain stays as it is, has nothing else to rewrite.
    await expect(page.locator('[data-function="api.ts:leaky"] .why').first().textContent()).resolves.toMatch(/neither returns nor awaits/);
    // Every function's link lands on its line of source, scrolled into view.
    for (const fn of report.functions) {
      await page.locator(`[data-function="${fn.file}:${fn.function}"] a`).click();
      const target = page.locator(":target");
      expect(await target.textContent()).toContain(fn.function.split(".").at(-1));
      expect(await target.isVisible()).toBe(true);
      const box = await target.boundingBox();
      const viewport = page.viewportSize()!;
      expect(box!.y).toBeGreaterThan(-1); // scrolled to the top, give or take a sub-pixel
      expect(box!.y).toBeLessThan(viewport.height);
    }
    // Per-file progress rows, one per file.
    expect(await page.locator("#files tbody tr").count()).toBe(2);
    await page.close();
  });
});
