/**
 * The migration map's page script. Why a function and not a string: it is type-checked with the rest of corral
 * (the DOM library is in tsconfig), and the page embeds its compiled text, `(${mapScript})()`. So it must stand
 * alone: it may name types from elsewhere (they vanish) but no value declared outside its body.
 *
 * What it does: reads the packed report (`#map-data`), draws the functions that pass the search and the filters a
 * page at a time (a 2,000-file map would be tens of thousands of rows otherwise), opens a file's code in the viewer
 * only when asked (each file's text waits unparsed in its own `<script type="application/json">`, after this
 * script in the page, so the list is drawn before the browser has read the code), and follows
 * `#file:line` links, so a link to a function's line can be shared.
 */
import type { MapData, PackedFunction } from "./scan-map-data.ts";

/** Runs in the page once its elements are parsed: the script element sits at the end of the body. */
export function mapScript(): void {
  const PAGE = 100;
  const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
  const data = JSON.parse(byId("map-data").textContent!) as MapData;
  const search = byId<HTMLInputElement>("search");
  const styleFilter = byId<HTMLSelectElement>("style");
  const verdictFilter = byId<HTMLSelectElement>("verdict");
  const reasonFilter = byId<HTMLSelectElement>("reason");
  const folderFilter = byId<HTMLSelectElement>("folder");
  const rows = byId<HTMLTableSectionElement>("function-rows");
  const count = byId("count");
  const more = byId<HTMLButtonElement>("more");
  const viewer = byId("viewer");
  const viewerTitle = byId("viewer-title");
  const code = byId("code");
  const total = data.functions.length;
  const nameOf = (fn: PackedFunction): string => `${data.files[fn[0]]}:${fn[1]}`;
  const names = data.functions.map((fn) => nameOf(fn).toLowerCase());
  const byName = new Map(data.functions.map((fn, i) => [nameOf(fn), i]));
  const fileIndex = new Map(data.files.map((file, i) => [file, i]));
  let matches: number[] = [];
  let shown = 0;
  let openFile = -1;
  let opener: Element | null = null;

  const escape = (text: string): string =>
    text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
  const isUnder = (file: string, folder: string): boolean =>
    folder === "." || file === folder || file.startsWith(folder.endsWith("/") ? folder : `${folder}/`);
  const href = (file: number, line: number): string => `#${encodeURIComponent(data.files[file]!).replace(/%2F/g, "/")}:${line}`;

  function passes(fn: PackedFunction, index: number): boolean {
    const query = search.value.trim().toLowerCase();
    if (query !== "" && !names[index]!.includes(query)) return false;
    if (styleFilter.value !== "" && data.styles[fn[3]] !== styleFilter.value) return false;
    if (verdictFilter.value !== "") {
      const [stage, outcome] = verdictFilter.value.split(":");
      if (data.outcomes[stage === "async" ? fn[4] : fn[6]] !== outcome) return false;
    }
    if (reasonFilter.value !== "" && data.reasons[fn[5]]?.code !== reasonFilter.value && data.reasons[fn[7]]?.code !== reasonFilter.value) return false;
    return folderFilter.value === "" || isUnder(data.files[fn[0]]!, folderFilter.value);
  }

  function verdict(outcome: number, reason: number): string {
    const name = data.outcomes[outcome]!;
    const why = data.reasons[reason];
    return why === undefined
      ? `<span class="${name}">${name}</span>`
      : `<span class="${name}">${name}: ${escape(why.code)}</span><div class="why">${escape(why.message)}</div>`;
  }

  function call(key: string): string {
    const callee = byName.get(key);
    const fn = callee === undefined ? undefined : data.functions[callee];
    return fn === undefined ? `<code>${escape(key)}</code>` : `<a href="${escape(href(fn[0], fn[2]))}"><code>${escape(key)}</code></a>`;
  }

  function row(index: number): string {
    const fn = data.functions[index]!;
    const style = data.styles[fn[3]]!;
    const file = data.files[fn[0]]!;
    const reasons = [data.reasons[fn[5]]?.code, data.reasons[fn[7]]?.code].filter((c) => c !== undefined).join(" ");
    return `<tr class="style-${style}" data-function="${escape(nameOf(fn))}" data-style="${style}" data-async="${data.outcomes[fn[4]]}" data-scoped="${data.outcomes[fn[6]]}" data-reasons="${escape(reasons)}">` +
      `<td><a href="${escape(href(fn[0], fn[2]))}">${escape(fn[1])}</a></td>` +
      `<td><a class="file" href="${escape(href(fn[0], 1))}">${escape(file)}</a>:${fn[2]}</td><td>${style}</td>` +
      `<td>${verdict(fn[4], fn[5])}</td><td>${verdict(fn[6], fn[7])}</td><td>${fn[8].map(call).join(" ")}</td></tr>`;
  }

  function showMore(): void {
    const next = matches.slice(shown, shown + PAGE);
    rows.insertAdjacentHTML("beforeend", next.map(row).join(""));
    shown += next.length;
    count.dataset.matches = String(matches.length);
    count.dataset.shown = String(shown);
    count.textContent = `${matches.length.toLocaleString("en")} of ${total.toLocaleString("en")} functions match` +
      (shown < matches.length ? `; showing the first ${shown.toLocaleString("en")}` : "");
    more.hidden = shown >= matches.length;
    more.textContent = `Show ${Math.min(PAGE, matches.length - shown)} more`;
  }

  function applyFilters(): void {
    matches = [];
    data.functions.forEach((fn, i) => {
      if (passes(fn, i)) matches.push(i);
    });
    rows.replaceChildren();
    shown = 0;
    showMore();
  }

  /** Shows `file`'s code in the viewer (drawn the first time it is opened) with `line` marked and in view. */
  function open(file: number, line: number, focus: boolean): void {
    // The files' code follows this script in the page: opened before it is all parsed, wait for it.
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", () => open(file, line, focus), { once: true });
      return;
    }
    if (openFile !== file) {
      const source = document.getElementById(`source-${file}`);
      const text = source === null ? null : (JSON.parse(source.textContent!) as string);
      viewerTitle.textContent = data.files[file]!;
      code.innerHTML = text === null
        ? `<span class="missing">The code of this file could not be read when the map was written.</span>`
        : text.split("\n").map((l, i) => `<span class="line" id="line-${i + 1}"><i>${i + 1}</i>${escape(l)}</span>`).join("");
      openFile = file;
    }
    viewer.hidden = false;
    code.querySelector(".here")?.classList.remove("here");
    const target = document.getElementById(`line-${line}`);
    target?.classList.add("here");
    if (focus) viewerTitle.focus({ preventScroll: true });
    (target ?? viewer).scrollIntoView({ block: "center" });
  }

  /** Opens what `#file:line` names, if it names a file of the map. */
  function follow(hash: string, focus: boolean): void {
    const target = decodeURIComponent(hash.slice(1));
    const colon = target.lastIndexOf(":");
    const file = fileIndex.get(target.slice(0, colon));
    if (file !== undefined) open(file, Number(target.slice(colon + 1)) || 1, focus);
  }

  function close(): void {
    viewer.hidden = true;
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
  }

  byId("filters").addEventListener("input", applyFilters);
  byId("filters").addEventListener("submit", (event) => event.preventDefault()); // Enter in the search box: nothing to send
  byId("clear").addEventListener("click", () => {
    byId<HTMLFormElement>("filters").reset();
    applyFilters();
  });
  more.addEventListener("click", showMore);
  byId("close-viewer").addEventListener("click", close);
  viewer.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
  });
  // A link is followed as it is clicked (so also the same link again after the viewer was closed, when the hash does
  // not change); hashchange follows the back and forward buttons.
  window.addEventListener("hashchange", () => follow(location.hash, true));
  document.addEventListener("click", (event) => {
    const link = (event.target as Element).closest("a[href^='#']");
    if (link === null) return;
    opener = link;
    follow(link.getAttribute("href")!, true);
  });
  for (const button of document.querySelectorAll<HTMLButtonElement>("button[data-folder]")) {
    button.addEventListener("click", () => {
      folderFilter.value = button.dataset.folder!;
      applyFilters();
      byId("functions-title").focus();
    });
  }
  const order = byId<HTMLDetailsElement>("order-details");
  order.addEventListener("toggle", () => {
    const list = byId("order");
    if (order.open && list.childElementCount === 0) list.innerHTML = data.order.map((step) => `<li><code>${escape(step)}</code></li>`).join("");
  });

  applyFilters();
  if (location.hash.length > 1) follow(location.hash, false);
  performance.mark("corral-map-ready");
}
