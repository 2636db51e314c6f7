import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { corralIn, type Ran } from "../support/cli.ts";


function corral(cwd: string, ...args: string[]): Promise<Ran> {
  return corralIn(cwd, args, { COLUMNS: "120" });
}

const SOURCE = `export interface Api {
  get(id: string): Promise<string>;
}

export async function load(api: Api, id: string): Promise<string> {
  const value = await api.get(id);
  return value.trim();
}

export async function both(api: Api): Promise<string[]> {
  return Promise.all([load(api, "a"), load(api, "b")]);
}
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "corral-review-"));
  writeFileSync(path.join(dir, "api.ts"), SOURCE);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("corral review", () => {
  test("each function with its notes, old on the left and new on the right; nothing is written", async () => {
    const { code, stdout } = await corral(dir, "review", "api.ts", "--to", "scoped");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^== load \(api\.ts:5\)\n {3}note: became scoped/m);
    expect(stdout).toMatch(/~ export async function load\(api: Api, id: string\): Promise<string> \{ +\| export async function load\(cx: Cx, api: Api, id: string\): Promise<string> \{/);
    expect(stdout).toMatch(/== both \(api\.ts:10\)\n(.*\n)*.*note: Promise\.all became all\(cx, \.\.\.\)/);
    expect(stdout).toMatch(/3 functions to review\n$/); // load, both, and the file's imports
    expect(readFileSync(path.join(dir, "api.ts"), "utf8")).toBe(SOURCE);
    expect((await corral(dir, "review", "api.ts", "--to", "scoped", "--write")).code).toBe(2);
  });

  test("--json: the same items, with their rows side by side", async () => {
    const { code, stdout } = await corral(dir, "review", "api.ts", "--to", "scoped", "--json");
    expect(code).toBe(0);
    const { items } = JSON.parse(stdout) as { items: { function: string; notes: string[]; hunks: { rows: { old?: string; new?: string; same: boolean }[] }[] }[] };
    expect(items.map((i) => i.function)).toEqual(["load", "both", "<file>"]);
    expect(items[0]!.hunks[0]!.rows).toContainEqual({
      old: "export async function load(api: Api, id: string): Promise<string> {",
      new: "export async function load(cx: Cx, api: Api, id: string): Promise<string> {",
      same: false,
    });
  });

  test("--html: a page with a section per function, its notes and both sides, in Chromium", async () => {
    const { code } = await corral(dir, "review", "api.ts", "--to", "scoped", "--html", "review.html");
    expect(code).toBe(0);
    const browser = await chromium.launch({ timeout: 0, executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"] });
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(0); // no limit a loaded machine trips: vitest ends a test that hangs
      await page.goto(pathToFileURL(path.join(dir, "review.html")).href);
      expect(await page.locator("section").count()).toBe(3);
      const load = page.locator('section[data-function="api.ts:load"]');
      expect(await load.locator("ul.notes li").first().textContent()).toMatch(/^became scoped/);
      expect(await load.locator("tr.changed td.old").first().textContent()).toContain("export async function load(api: Api");
      expect(await load.locator("tr.changed td.new").first().textContent()).toContain("export async function load(cx: Cx, api: Api");
      expect(await page.locator("#count").textContent()).toBe("3 functions to review");
    } finally {
      await browser.close();
    }
  });

  test("--html with several files and a refusal: the nav names each file once, the refusals come last", async () => {
    writeFileSync(path.join(dir, "other.ts"), OTHER);
    writeFileSync(path.join(dir, "pages.ts"), PAGES);
    const { code } = await corral(dir, "review", ".", "--to", "scoped", "--html", "review.html");
    expect(code).toBe(0);
    const browser = await chromium.launch({ timeout: 0, executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"] });
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(0); // no limit a loaded machine trips: vitest ends a test that hangs
      await page.goto(pathToFileURL(path.join(dir, "review.html")).href);
      const files = await page.locator("nav li.file").evaluateAll((lis) =>
        lis.map((li) => [li.querySelector("b")!.textContent, ...[...li.querySelectorAll("a")].map((a) => a.textContent)].join(" ")),
      );
      expect(files).toEqual(["api.ts load both imports, call sites", "other.ts both twice"]);
      const hrefs = await page.locator("nav a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
      expect(new Set(hrefs).size, "no two nav links to one place").toBe(hrefs.length);
      const last = page.locator("body > section").last();
      expect(await last.getAttribute("id")).toBe("refusals");
      expect(await last.locator("li").allTextContents()).toEqual([
        expect.stringMatching(/^refused: Pages\.all pages\.ts:8: \[async-generator\] an async generator's callers iterate it/),
      ]);
      expect(await page.locator('nav a[href="#refusals"]').textContent()).toBe("1 not changed (refused or failed)");
    } finally {
      await browser.close();
    }
  });
});

const OTHER = `import { load, type Api } from "./api.ts";

export async function both(api: Api): Promise<string> {
  return (await load(api, "c")) + "!";
}

export const twice = (api: Api) => both(api);
`;

const PAGES = `export interface Api {
  page(n: number): Promise<string[]>;
}

export class Pages {
  constructor(private readonly api: Api) {}

  async *all(): AsyncGenerator<string> {
    for (let n = 0; ; n++) {
      const items = await this.api.page(n);
      if (items.length === 0) return;
      yield* items;
    }
  }
}
`;
