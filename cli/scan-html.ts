/**
 * The HTML migration map of `corral scan --html report.html`: one self-contained page (no network: its content
 * security policy allows nothing from elsewhere) that a reviewer opens from disk. Totals, a per-folder summary,
 * the functions to search and filter (by name, style, verdict, reason, folder), each with what each stage would do
 * and why, the suggested order, and each file's code, shown when the file is opened.
 *
 * Why it is built this way: on a 2,000-file tree a page with every row and every file's code in its HTML was
 * megabytes of markup and half a million pixels tall. Here the rows are drawn by the page script from packed JSON
 * a page at a time (scan-map-script.ts), and each file's code waits as JSON text in its own script element, which
 * the browser stores without parsing until the file is opened.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { escapeHtml } from "./html.ts";
import { distinctFiles, folderSummaries, mapData, OUTCOMES, STYLES, type FolderSummary } from "./scan-map-data.ts";
import { mapScript } from "./scan-map-script.ts";
import type { ScanReport, ScannedFunction } from "../codemods/engine/scan.ts";

/** The page for `report`; each file's code is read from disk now, relative to the working directory as the report names it. */
export function scanHtml(report: ScanReport): string {
  const count = (pick: (f: ScannedFunction) => boolean): number => report.functions.filter(pick).length;
  const totals = [
    ["functions", report.functions.length],
    ...STYLES.map((s) => [s, count((f) => f.style === s)] as const),
    ["async-changed", count((f) => f.async.outcome === "changed")],
    ["async-refused", count((f) => f.async.outcome === "refused")],
    ["scoped-changed", count((f) => f.scoped.outcome === "changed")],
    ["scoped-refused", count((f) => f.scoped.outcome === "refused")],
  ] as const;
  const folders = folderSummaries(report);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>corral migration map</title>
<style>${CSS}</style>
</head>
<body>
<h1>corral migration map</h1>
<section id="totals" aria-label="Totals">
${totals.map(([name, n]) => `<div class="total ${(STYLES as readonly string[]).includes(name) ? `style-${name}` : ""}" data-total="${name}"><b>${n}</b> ${escapeHtml(name)}</div>`).join("\n")}
</section>
<h2>Per folder</h2>
${folderTable(folders)}
<h2 id="functions-title" tabindex="-1">Functions</h2>
${filterForm(report, folders)}
<p id="count" role="status"></p>
<div class="layout">
<div class="list"><table id="functions"><thead><tr><th scope="col">function</th><th scope="col">file</th><th scope="col">style</th><th scope="col">--to async</th><th scope="col">--to scoped</th><th scope="col">calls</th></tr></thead>
<tbody id="function-rows"></tbody></table></div>
<section id="viewer" aria-labelledby="viewer-title" hidden>
<div class="viewer-head"><h2 id="viewer-title" tabindex="-1"></h2><button type="button" id="close-viewer">Close the code</button></div>
<pre id="code" class="source"></pre>
</section>
</div>
<button type="button" id="more" hidden></button>
${report.errors.length === 0 ? "" : `<h2>Files that could not be read</h2><ul id="errors">${report.errors.map((e) => `<li>${escapeHtml(e.message)}</li>`).join("")}</ul>`}
<details id="order-details"><summary>Suggested order (${report.order.length} step${report.order.length === 1 ? "" : "s"})</summary><ol id="order"></ol></details>
<script type="application/json" id="map-data">${json(mapData(report))}</script>
<script>(${mapScript.toString().replace(/<\//g, "<\\/")})();</script>
${distinctFiles(report).map(sourceScript).join("\n")}
</body>
</html>
`;
}

function folderTable(folders: readonly FolderSummary[]): string {
  const styles = STYLES.filter((s) => folders.some((f) => f.styles[s] > 0));
  const one = (name: string): string => `<th scope="col" rowspan="2">${name}</th>`;
  const group = (name: string, span: number): string => `<th scope="colgroup" colspan="${span}">${name}</th>`;
  const row = (f: FolderSummary): string => {
    const percent = f.functions === 0 ? 100 : Math.round((f.styles.scoped / f.functions) * 100);
    const cells = [f.files, f.functions, ...styles.map((s) => f.styles[s]), f.async.changed, f.async.refused, f.scoped.changed, f.scoped.refused];
    return `<tr data-folder="${escapeHtml(f.folder)}"><th scope="row" style="padding-left:${0.5 + f.depth * 1.2}em">` +
      `<button type="button" class="link" data-folder="${escapeHtml(f.folder)}" aria-label="Show the functions of ${escapeHtml(folderName(f.folder))}">${escapeHtml(folderName(f.folder))}</button></th>` +
      `${cells.map((n) => `<td>${n}</td>`).join("")}<td class="progress"><span class="bar"><span style="width:${percent}%"></span></span> ${percent}%</td></tr>`;
  };
  return `<div class="scroll"><table id="folders"><thead>
<tr>${one("folder")}${one("files")}${one("functions")}${group("style", styles.length)}${group("--to async", 2)}${group("--to scoped", 2)}${one("scoped already")}</tr>
<tr>${[...styles, "changed", "refused", "changed", "refused"].map((h) => `<th scope="col">${h}</th>`).join("")}</tr>
</thead><tbody>
${folders.map(row).join("\n")}
</tbody></table></div>`;
}

function filterForm(report: ScanReport, folders: readonly FolderSummary[]): string {
  const option = (value: string, label: string, n: number): string => `<option value="${escapeHtml(value)}">${escapeHtml(label)} (${n})</option>`;
  const count = (pick: (f: ScannedFunction) => boolean): number => report.functions.filter(pick).length;
  const styles = STYLES.map((s) => [s, count((f) => f.style === s)] as const).filter(([, n]) => n > 0);
  const verdicts = (["async", "scoped"] as const).flatMap((stage) =>
    OUTCOMES.map((o) => [stage, o, count((f) => f[stage].outcome === o)] as const).filter(([, , n]) => n > 0));
  const reasons = new Map<string, number>();
  for (const fn of report.functions) {
    for (const code of new Set([fn.async.reason?.code, fn.scoped.reason?.code])) if (code !== undefined) reasons.set(code, (reasons.get(code) ?? 0) + 1);
  }
  const select = (id: string, label: string, any: string, options: string[]): string =>
    `<div class="field"><label for="${id}">${label}</label><select id="${id}"><option value="">${any}</option>${options.join("")}</select></div>`;
  return `<form id="filters" role="search" aria-label="Search and filter the functions">
<div class="field"><label for="search">Function or file name</label><input type="search" id="search" placeholder="e.g. loadUser or src/api" autocomplete="off"></div>
${select("style", "Style", "any style", styles.map(([s, n]) => option(s, s, n)))}
${select("verdict", "Verdict", "any verdict", verdicts.map(([stage, o, n]) => option(`${stage}:${o}`, `--to ${stage}: ${o}`, n)))}
${select("reason", "Reason (refused, or why unchanged)", "any reason", [...reasons].sort((a, b) => b[1] - a[1]).map(([code, n]) => option(code, code, n)))}
${select("folder", "Folder", "every folder", folders.map((f) => option(f.folder, folderName(f.folder), f.functions)))}
<button type="button" id="clear">Clear the filters</button>
</form>`;
}

/** A folder as the map names it: `.`, the folder above all others, is said in words (and is easier to click). */
function folderName(folder: string): string {
  return folder === "." ? "all (.)" : folder;
}

/** A file's code as a JSON string in a script element the page parses only when the file is opened; none if unreadable. */
function sourceScript(file: string, index: number): string {
  let text: string;
  try {
    text = readFileSync(path.resolve(file), "utf8");
  } catch {
    return "";
  }
  return `<script type="application/json" id="source-${index}">${json(text)}</script>`;
}

/** JSON that cannot end its script element early: every `<` written as `\u003c`. */
function json(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

const CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em; color: #222; }
#totals { display: flex; flex-wrap: wrap; gap: .5em; }
.total { padding: .4em .8em; border-radius: 4px; background: #eee; }
table { border-collapse: collapse; margin: .5em 0 1.5em; }
th, td { text-align: left; padding: .25em .5em; border-bottom: 1px solid #ddd; vertical-align: top; }
.scroll { overflow-x: auto; } #folders td { text-align: right; } #folders th[scope=row], #folders td.progress { white-space: nowrap; }
.style-callback { background: #fde2e1; } .style-chain { background: #fdf0d5; } .style-promise { background: #fdf0d5; } .style-mixed { background: #f3e1fd; }
.style-async { background: #dcecfd; } .style-scoped { background: #daf5e2; } .style-sync { background: #f6f6f6; }
.refused, .error { color: #a00; font-weight: 600; } .changed { color: #06660f; } .why { font-size: 12px; color: #555; }
.bar { display: inline-block; width: 6em; height: .7em; background: #ddd; border-radius: 3px; }
.bar span { display: block; height: 100%; background: #2e9e4f; border-radius: 3px; }
#filters { display: flex; flex-wrap: wrap; gap: .8em; align-items: end; margin: .5em 0; }
.field { display: flex; flex-direction: column; gap: .2em; } .field label { font-size: 12px; font-weight: 600; }
input, select, button { font: inherit; padding: .3em .5em; }
button.link { background: none; border: none; padding: 0; color: #0645ad; text-decoration: underline; cursor: pointer; }
:focus-visible { outline: 3px solid #1a73e8; outline-offset: 1px; }
.layout { display: flex; gap: 1em; align-items: flex-start; }
.list { flex: 1 1 55%; min-width: 0; overflow-x: auto; } #functions { width: 100%; }
#viewer { flex: 1 1 45%; min-width: 0; position: sticky; top: 0; max-height: 100vh; overflow: auto; background: #fff; }
.viewer-head { display: flex; gap: 1em; align-items: baseline; justify-content: space-between; }
.viewer-head h2 { font-size: 15px; margin: .3em 0; word-break: break-all; }
@media (max-width: 900px) { .layout { flex-direction: column; } #viewer { position: static; max-height: none; } }
pre.source { background: #fafafa; border: 1px solid #ddd; padding: .5em; margin: 0; }
.line { display: block; } .line i { display: inline-block; width: 3em; color: #767676; font-style: normal; user-select: none; }
.line.here { background: #fff3a8; }
`;
