/** `corral review --html`: the pending changes side by side in one self-contained page, function by function. */
import { escapeHtml } from "./html.ts";
import type { ReviewItem } from "./review.ts";

export function reviewHtml(items: readonly ReviewItem[], title: string): string {
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
nav a { margin-right: 1em; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<nav>${items.map((item, i) => `<a href="#item-${i}">${escapeHtml(item.function)}</a>`).join("")}</nav>
${items.map(section).join("\n")}
<p id="count">${items.length} function${items.length === 1 ? "" : "s"} to review</p>
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

