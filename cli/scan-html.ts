/**
 * The HTML migration map of `corral scan --html report.html`: one self-contained page (no network, no scripts from
 * elsewhere) a reviewer opens in a browser. Totals, per-file progress, every function coloured by style with what
 * each stage would do and why it refuses, the suggested order, and the source of each file with line anchors that
 * the function links reach.
 */
import { escapeHtml } from "./html.ts";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ScanReport, ScannedFunction, Style } from "../codemods/engine/scan.ts";

const STYLES: readonly Style[] = ["callback", "chain", "promise", "mixed", "async", "scoped", "sync"];

export function scanHtml(report: ScanReport): string {
  const files = [...new Set(report.functions.map((f) => f.file))];
  const count = (pick: (f: ScannedFunction) => boolean): number => report.functions.filter(pick).length;
  const totals = [
    ["functions", report.functions.length],
    ...STYLES.map((s) => [s, count((f) => f.style === s)] as const),
    ["async-changed", count((f) => f.async.outcome === "changed")],
    ["async-refused", count((f) => f.async.outcome === "refused")],
    ["scoped-changed", count((f) => f.scoped.outcome === "changed")],
    ["scoped-refused", count((f) => f.scoped.outcome === "refused")],
  ] as const;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>corral migration map</title>
<style>${CSS}</style>
</head>
<body>
<h1>corral migration map</h1>
<section id="totals">
${totals.map(([name, n]) => `<div class="total ${STYLES.includes(name as Style) ? `style-${name}` : ""}" data-total="${name}"><b>${n}</b> ${escapeHtml(name)}</div>`).join("\n")}
</section>
<h2>Per file</h2>
<table id="files"><thead><tr><th>file</th><th>functions</th><th>scoped already</th><th>progress</th></tr></thead><tbody>
${files.map((file) => fileRow(file, report.functions.filter((f) => f.file === file))).join("\n")}
</tbody></table>
<h2>Functions</h2>
<table id="functions"><thead><tr><th>function</th><th>style</th><th>--to async</th><th>--to scoped</th><th>calls</th></tr></thead><tbody>
${report.functions.map(functionRow).join("\n")}
</tbody></table>
${report.errors.length === 0 ? "" : `<h2>Files that could not be read</h2><ul id="errors">${report.errors.map((e) => `<li>${escapeHtml(e.message)}</li>`).join("")}</ul>`}
<h2>Suggested order</h2>
<ol id="order">${report.order.map((step) => `<li><code>${escapeHtml(step)}</code></li>`).join("")}</ol>
<h2>Source</h2>
${files.map(sourceBlock).join("\n")}
</body>
</html>
`;
}

function fileRow(file: string, functions: readonly ScannedFunction[]): string {
  const scoped = functions.filter((f) => f.style === "scoped").length;
  const percent = functions.length === 0 ? 100 : Math.round((scoped / functions.length) * 100);
  return `<tr data-file="${escapeHtml(file)}"><td><a href="#${anchor(file, 1)}">${escapeHtml(file)}</a></td><td>${functions.length}</td><td>${scoped}</td>` +
    `<td><span class="bar"><span style="width:${percent}%"></span></span> ${percent}%</td></tr>`;
}

function functionRow(fn: ScannedFunction): string {
  const verdict = (v: ScannedFunction["async"]): string =>
    // A refusal, and an unchanged function with a reason (why there is nothing to rewrite), show it.
    v.reason !== null && v.reason !== undefined
      ? `<span class="${v.outcome}" title="${escapeHtml(v.reason.message)}">${v.outcome}: ${escapeHtml(v.reason.code)}</span><div class="why">${escapeHtml(v.reason.message)}</div>`
      : `<span class="${v.outcome}">${v.outcome}</span>`;
  return `<tr class="style-${fn.style}" data-function="${escapeHtml(`${fn.file}:${fn.function}`)}" data-style="${fn.style}">` +
    `<td><a href="#${anchor(fn.file, fn.line)}">${escapeHtml(fn.function)}</a> <small>${escapeHtml(fn.file)}:${fn.line}</small></td><td>${fn.style}</td>` +
    `<td>${verdict(fn.async)}</td><td>${verdict(fn.scoped)}</td><td>${fn.calls.map((c) => `<code>${escapeHtml(c)}</code>`).join(" ")}</td></tr>`;
}

function sourceBlock(file: string): string {
  let text: string;
  try {
    text = readFileSync(path.resolve(file), "utf8");
  } catch {
    return "";
  }
  const lines = text.split("\n").map((line, i) => `<span class="line" id="${anchor(file, i + 1)}"><i>${i + 1}</i>${escapeHtml(line)}</span>`);
  return `<h3>${escapeHtml(file)}</h3><pre class="source">${lines.join("\n")}</pre>`;
}

/** The id of a line of a file's source in the page. */
function anchor(file: string, line: number): string {
  return `L-${file.replace(/[^\w.-]/g, "_")}-${line}`;
}


const CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em; color: #222; }
#totals { display: flex; flex-wrap: wrap; gap: .5em; }
.total { padding: .4em .8em; border-radius: 4px; background: #eee; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1.5em; }
th, td { text-align: left; padding: .25em .5em; border-bottom: 1px solid #ddd; vertical-align: top; }
.style-callback { background: #fde2e1; } .style-chain { background: #fdf0d5; } .style-promise { background: #fdf0d5; } .style-mixed { background: #f3e1fd; }
.style-async { background: #dcecfd; } .style-scoped { background: #daf5e2; } .style-sync { background: #f6f6f6; }
.refused { color: #a00; font-weight: 600; } .changed { color: #06660f; } .why { font-size: 12px; color: #555; }
.bar { display: inline-block; width: 8em; height: .7em; background: #ddd; border-radius: 3px; }
.bar span { display: block; height: 100%; background: #2e9e4f; border-radius: 3px; }
pre.source { background: #fafafa; border: 1px solid #ddd; padding: .5em; overflow-x: auto; }
.line { display: block; } .line i { display: inline-block; width: 3em; color: #999; font-style: normal; user-select: none; }
.line:target { background: #fff3a8; }
`;
