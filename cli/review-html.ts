/**
 * `corral review --html`: the pending changes side by side in one self-contained page, function by function, and the
 * refusals last. The nav lists each file once, with links to its functions.
 */
import type { FunctionResult } from "../codemods/engine/result.ts";
import { escapeHtml } from "./html.ts";
import type { ReviewItem } from "./review.ts";

/** The page: `items` (see reviewItems), then `refusals` (results refused or in error), under `title`. */
export function reviewHtml(items: readonly ReviewItem[], refusals: readonly FunctionResult[], title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em; color: #222; }
section { margin-bottom: 2em; } h2 { font-size: 16px; margin-bottom: .2em; } ul.notes { margin: .2em 0 .6em; color: #444; }
table { border-collapse: collapse; width: 100%; font: 12px/1.4 ui-monospace, monospace; table-layout: fixed; }
td { padding: 0 .5em; white-space: pre-wrap; vertical-align: top; border-left: 1px solid #ddd; }
td.n { width: 3em; color: #999; text-align: right; border: none; }
tr.changed td.old { background: #fde2e1; } tr.changed td.new { background: #daf5e2; } tr.head td { color: #06c; padding-top: .5em; }
nav ul { list-style: none; padding: 0; } nav a { margin-right: 1em; } nav b { margin-right: .5em; }
ul.refusals li { margin-bottom: .4em; } .code { color: #a00; font-weight: 600; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${nav(items, refusals)}
${items.map(section).join("\n")}
<p id="count">${items.length} function${items.length === 1 ? "" : "s"} to review</p>
${refusals.length === 0 ? "" : refused(refusals)}
</body>
</html>
`;
}

function section(item: ReviewItem, index: number): string {
  const rows = item.hunks.flatMap((hunk) => {
    let oldLine = hunk.oldStart;
    let newLine = hunk.newStart;
    return [
      `<tr class="head"><td class="n"></td><td class="old">@@ ${hunk.oldStart}</td><td class="n"></td><td class="new">@@ ${hunk.newStart}</td></tr>`,
      ...hunk.rows.map((row) => {
        const left = row.old === undefined ? "" : String(oldLine++);
        const right = row.new === undefined ? "" : String(newLine++);
        return `<tr class="${row.same ? "same" : "changed"}"><td class="n">${left}</td><td class="old">${escapeHtml(row.old ?? "")}</td><td class="n">${right}</td><td class="new">${escapeHtml(row.new ?? "")}</td></tr>`;
      }),
    ];
  });
  return `<section id="item-${index}" data-function="${escapeHtml(`${item.file}:${item.function}`)}">
<h2>${escapeHtml(item.function)} <small>${escapeHtml(item.file)}${item.line > 0 ? `:${item.line}` : ""}</small></h2>
<ul class="notes">${item.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>
<table>${rows.join("")}</table>
</section>`;
}


/** Each file once, with a link to each of its items (the file's own hunks as "imports, call sites"), then the refusals. */
function nav(items: readonly ReviewItem[], refusals: readonly FunctionResult[]): string {
  const byFile = new Map<string, string[]>();
  items.forEach((item, i) => {
    const label = item.function === "<file>" ? "imports, call sites" : item.function;
    byFile.set(item.file, [...(byFile.get(item.file) ?? []), `<a href="#item-${i}">${escapeHtml(label)}</a>`]);
  });
  const files = [...byFile].map(([file, links]) => `<li class="file"><b>${escapeHtml(file)}</b>${links.join("")}</li>`);
  if (refusals.length > 0) files.push(`<li><a href="#refusals">${refusals.length} not changed (refused or failed)</a></li>`);
  return `<nav><ul>${files.join("")}</ul></nav>`;
}

/** The functions the stage refused, and the files it could not process, with reason code and message. */
function refused(refusals: readonly FunctionResult[]): string {
  const rows = refusals.map((r) => {
    const what = r.function === "" ? escapeHtml(r.file) : `${escapeHtml(r.function)} <small>${escapeHtml(r.file)}:${r.line}</small>`;
    return `<li class="${r.outcome}" data-function="${escapeHtml(`${r.file}:${r.function}`)}">${r.outcome}: ${what}: <span class="code">[${escapeHtml(r.reason?.code ?? "")}]</span> ${escapeHtml(r.reason?.message ?? "")}</li>`;
  });
  return `<section id="refusals">
<h2>Not changed: ${refusals.length} refused or failed</h2>
<ul class="refusals">${rows.join("")}</ul>
</section>`;
}
