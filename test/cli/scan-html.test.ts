import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { generateProject } from "../../bench/codemods/generate.ts";
import { corralIn, type Ran } from "../support/cli.ts";

/**
 * The HTML migration map in a real headless Chromium (Debian's, installed by .ci/run): it renders, its numbers are
 * the JSON report's, search and every filter narrow the list to what the report says, and opening a function or a
 * file shows its code. The large map is the benchmark's generated tree: 120 files here, in two folders (720
 * functions, past a page of rows); `CORRAL_MAP_FILES=2000` runs the same test on the 2,000-file benchmark and
 * prints its render time.
 */
const CHROMIUM = "/usr/bin/chromium";
const LARGE_FILES = Number(process.env.CORRAL_MAP_FILES ?? 120);

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

/** Code that would end a script element, shown as it is. */
export const markup = "</script><script>document.title = 'broken'</script>";
`;
/** Two refusals beside the generated tree, which has none, so the reason filter has refusals to find. */
const REFUSED = `/** Settles on an event: refused. */
export function whenDone(emitter) {
  return new Promise((resolve, reject) => {
    emitter.on("done", resolve);
    emitter.on("error", reject);
  });
}

/** Returns on two branches mid-chain: refused. */
export function measure(api, id) {
  return api
    .get(id)
    .then((value) => {
      if (value === "") return "empty";
      return value;
    })
    .then((value) => value.length);
}
`;

interface Verdict {
  outcome: string;
  reason: { code: string } | null;
}
interface Scanned {
  file: string;
  function: string;
  line: number;
  style: string;
  async: Verdict;
  scoped: Verdict;
}

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

/** A page with no limit a loaded machine trips (vitest ends a test that hangs), that records every request it makes. */
async function openMap(file: string): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(0);
  const requests: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(file).href);
  return { page, requests };
}

/** How many functions the map says pass its search and filters, once it has drawn them. */
async function matching(page: Page): Promise<number> {
  return Number(await page.locator("#count").getAttribute("data-matches"));
}

/** The `data-` attribute `name` of every function row drawn. */
function rowsAttribute(page: Page, name: string): Promise<string[]> {
  return page.locator("#function-rows tr").evaluateAll((rows, name) => rows.map((row) => row.getAttribute(`data-${name}`)!), name);
}

/** The viewer's code, line by line, without the line numbers. */
function codeLines(page: Page): Promise<string[]> {
  return page.locator("#code .line").evaluateAll((lines) => lines.map((line) => line.textContent!.slice(line.querySelector("i")!.textContent!.length)));
}

describe("corral scan --html", () => {
  test("renders in Chromium; its numbers are the JSON's; each function's link opens its file at its line", async () => {
    const { code, stdout, stderr } = await corral(dir, "scan", ".", "--json", "--html", "map.html");
    expect(code).toBe(0);
    expect(stderr).toContain("wrote the migration map to map.html");
    const report = JSON.parse(stdout) as { functions: Scanned[]; order: string[] };
    expect(report.order.length).toBeGreaterThan(0);
    const { page, requests } = await openMap(path.join(dir, "map.html"));
    expect(await page.title()).toBe("corral migration map");
    expect(await page.locator("h1").textContent()).toBe("corral migration map");
    const total = async (name: string): Promise<number> => Number(await page.locator(`[data-total="${name}"] b`).textContent());
    expect(await total("functions")).toBe(report.functions.length);
    for (const style of ["callback", "chain", "async", "sync"]) expect(await total(style)).toBe(report.functions.filter((f) => f.style === style).length);
    expect(await total("async-refused")).toBe(report.functions.filter((f) => f.async.outcome === "refused").length);
    expect(await total("scoped-changed")).toBe(report.functions.filter((f) => f.scoped.outcome === "changed").length);
    expect(await page.locator("#function-rows tr").count()).toBe(report.functions.length);
    // Styles are coloured: a callback row and an async row do not share a background.
    const background = (name: string) => page.locator(`[data-function="${name}"]`).evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await background("files.ts:size")).not.toBe(await background("api.ts:both"));
    // A reason shows: here why leaky, whose chain stays as it is, has nothing else to rewrite.
    await expect(page.locator('[data-function="api.ts:leaky"] .why').first().textContent()).resolves.toMatch(/neither returns nor awaits/);
    // No code is drawn until a file is opened; then each function's link shows its file with its line marked, in view.
    expect(await page.locator("#viewer").isHidden()).toBe(true);
    expect(await page.locator("#code .line").count()).toBe(0);
    for (const fn of report.functions) {
      await page.locator(`[data-function="${fn.file}:${fn.function}"] td:first-child a`).click();
      expect(await page.locator("#viewer-title").textContent()).toBe(fn.file);
      expect(await codeLines(page)).toEqual(readFileSync(path.join(dir, fn.file), "utf8").split("\n"));
      const here = page.locator("#code .here");
      expect(await here.textContent()).toContain(fn.function.split(".").at(-1));
      expect(await here.isVisible()).toBe(true);
      const box = (await here.boundingBox())!;
      expect(box.y).toBeGreaterThan(-1); // in the viewport, give or take a sub-pixel
      expect(box.y + box.height).toBeLessThan(page.viewportSize()!.height + 1);
    }
    // A call links to the function it calls.
    await page.locator('[data-function="api.ts:both"] td:last-child a', { hasText: "api.ts:load" }).click();
    expect(await page.locator("#code .here").textContent()).toContain("export function load(api: Api, id: string)");
    // The suggested order, drawn when its section is opened.
    expect(await page.locator("#order li").count()).toBe(0);
    await page.locator("#order-details summary").click();
    await page.locator("#order li").first().waitFor(); // drawn on the toggle event, after the click returns
    expect(await page.locator("#order li").allTextContents()).toEqual(report.order);
    // A folder summary row for the top folder, counting everything.
    expect(await page.locator('#folders tr[data-folder="."] td').first().textContent()).toBe("2");
    // Self-contained: the page asked for nothing but itself.
    expect(requests).toEqual([pathToFileURL(path.join(dir, "map.html")).href]);
    await page.close();
  });

  test(`on the benchmark's generated tree (${LARGE_FILES} files): search and each filter narrow the list to the report's functions, a file opens with its code, all by keyboard too`, async () => {
    const large = path.join(dir, "large");
    generateProject(large, LARGE_FILES);
    mkdirSync(path.join(large, "src/odd"));
    writeFileSync(path.join(large, "src/odd/edge.js"), REFUSED);
    const { code, stdout } = await corral(large, "scan", "src", "--json", "--html", "map.html");
    expect(code).toBe(0);
    const functions = (JSON.parse(stdout) as { functions: Scanned[] }).functions;
    const { page, requests } = await openMap(path.join(large, "map.html"));
    const timing = await page.evaluate(() => ({
      ready: performance.getEntriesByName("corral-map-ready")[0]!.startTime,
      paint: performance.getEntriesByType("paint").find((entry) => entry.name === "first-contentful-paint")?.startTime,
    }));
    console.log(`migration map of ${LARGE_FILES + 1} files, ${functions.length} functions: ` +
      `first render done (performance mark corral-map-ready) ${timing.ready.toFixed(0)} ms after navigation start, first contentful paint ${timing.paint === undefined ? "not yet recorded" : `${timing.paint.toFixed(0)} ms`}`);
    const names = (pick: (fn: Scanned) => boolean): string[] => functions.filter(pick).map((fn) => `${fn.file}:${fn.function}`);
    const drawn = () => rowsAttribute(page, "function");
    /** After a filter: the count is the report's, and the rows drawn are its first functions (a page of 100 at most). */
    const expectList = async (expected: string[]): Promise<void> => {
      expect(await matching(page)).toBe(expected.length);
      expect(await drawn()).toEqual(expected.slice(0, 100));
    };

    // The first render draws a page of rows, not the whole tree; "Show more" draws the next page.
    await expectList(names(() => true));
    expect(await page.locator("#more").isVisible()).toBe(true);
    await page.locator("#more").click();
    expect(await drawn()).toEqual(names(() => true).slice(0, 200));

    // Search by file name and by function name.
    const last = `module${LARGE_FILES - 1}.js`;
    await page.getByLabel("Function or file name").fill(last);
    await expectList(names((fn) => fn.file.endsWith(`/${last}`)));
    expect(await matching(page)).toBe(6);
    await page.getByLabel("Function or file name").fill("STORE1.FETCH");
    await expectList(names((fn) => `${fn.file}:${fn.function}`.toLowerCase().includes("store1.fetch")));
    await page.getByRole("button", { name: "Clear the filters" }).click();
    await expectList(names(() => true));

    // Each option of each filter narrows the list to the report's functions, and only those.
    const options = (label: string) => page.getByLabel(label).locator("option:not([value=''])").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    const reasons = (fn: Scanned): (string | undefined)[] => [fn.async.reason?.code, fn.scoped.reason?.code];
    const filters: [string, (value: string) => (fn: Scanned) => boolean][] = [
      ["Style", (style) => (fn) => fn.style === style],
      ["Verdict", (verdict) => (fn) => `async:${fn.async.outcome}` === verdict || `scoped:${fn.scoped.outcome}` === verdict],
      ["Reason (refused, or why unchanged)", (code) => (fn) => reasons(fn).includes(code)],
      ["Folder", (folder) => (fn) => fn.file.startsWith(`${folder}/`)],
    ];
    for (const [label, pick] of filters) {
      const values = await options(label);
      expect(values.length).toBeGreaterThan(1);
      for (const value of values) {
        await page.getByLabel(label).selectOption(value);
        await expectList(names(pick(value)));
      }
      await page.getByLabel(label).selectOption("");
    }
    expect(await options("Reason (refused, or why unchanged)")).toEqual(expect.arrayContaining(["promise-wrapper-unrecognized", "mid-chain-branching-returns"]));
    expect(await options("Folder")).toEqual(["src", "src/odd", ...Array.from({ length: Math.ceil(LARGE_FILES / 100) }, (_, i) => `src/part${i}`)]);

    // Filters combine: a folder's refusals.
    await page.getByLabel("Folder").selectOption("src/odd");
    await page.getByLabel("Verdict").selectOption("async:refused");
    await expectList(["src/odd/edge.js:whenDone", "src/odd/edge.js:measure"]);
    await page.getByRole("button", { name: "Clear the filters" }).click();

    // The per-folder summary counts what the report says, and its folder buttons filter the list.
    const part1 = page.locator('#folders tr[data-folder="src/part1"]');
    const cells = await part1.locator("td").allTextContents();
    const inPart1 = functions.filter((fn) => fn.file.startsWith("src/part1/"));
    expect(cells.slice(0, 2).map(Number)).toEqual([new Set(inPart1.map((fn) => fn.file)).size, inPart1.length]);
    await part1.getByRole("button").click();
    expect(await page.getByLabel("Folder").inputValue()).toBe("src/part1");
    await expectList(names((fn) => fn.file.startsWith("src/part1/")));
    await page.getByRole("button", { name: "Clear the filters" }).click();

    // Opening a file shows its code, drawn only then.
    expect(await page.locator("#code .line").count()).toBe(0);
    const first = functions[0]!;
    await page.locator("#function-rows tr").first().locator("a.file").click();
    expect(await page.locator("#viewer-title").textContent()).toBe(first.file);
    expect(await codeLines(page)).toEqual(readFileSync(path.join(large, first.file), "utf8").split("\n"));

    // By keyboard: type a search, tab to a function's link, open it with Enter, close the code with Escape.
    await page.getByLabel("Function or file name").focus();
    await page.keyboard.type("edge.js:measure");
    await expectList(["src/odd/edge.js:measure"]);
    const link = page.locator('[data-function="src/odd/edge.js:measure"] td:first-child a');
    for (let i = 0; i < 50 && !(await link.evaluate((a) => a === document.activeElement)); i++) await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    expect(await page.locator("#viewer-title").textContent()).toBe("src/odd/edge.js");
    expect(await page.locator("#code .here").textContent()).toContain("export function measure(api, id)");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("viewer-title");
    await page.keyboard.press("Escape");
    expect(await page.locator("#viewer").isHidden()).toBe(true);
    expect(await link.evaluate((a) => a === document.activeElement)).toBe(true);

    // A link to a function's line can be shared: the map opened at it shows that file and line.
    await page.goto(`${pathToFileURL(path.join(large, "map.html")).href}#src/odd/edge.js:2`);
    await page.reload();
    expect(await page.locator("#viewer-title").textContent()).toBe("src/odd/edge.js");
    expect(await page.locator("#code .here").textContent()).toContain("export function whenDone(emitter)");
    expect(new Set(requests)).toEqual(new Set([pathToFileURL(path.join(large, "map.html")).href]));
    await page.close();
  });
});
