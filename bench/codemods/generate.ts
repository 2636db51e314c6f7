/**
 * A generated legacy project for the codemod benchmarks: `files` JavaScript modules, each with the shapes real
 * callback/Promise code has (chains with catch and finally, a `new Promise` timer, an err-first function over fs,
 * an async function with `Promise.all`, a fire-and-forget chain that must be refused), calling each other.
 * JavaScript, so every tool in the comparison (jscodeshift's parsers too) reads it the same way.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export function generateProject(dir: string, files: number): void {
  mkdirSync(path.join(dir, "src"), { recursive: true });
  for (let i = 0; i < files; i++) {
    const folder = path.join(dir, "src", `part${Math.floor(i / 100)}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `module${i}.js`), moduleText(i));
  }
}

function moduleText(i: number): string {
  // Each module calls the one before it in its folder: import chains of up to 100 modules, as layered code has.
  const dep = i % 100 === 0 ? undefined : `./module${i - 1}.js`;
  return `import fs from "node:fs";
${dep === undefined ? "" : `import { load${i - 1} } from "${dep}";\n`}
/** Load record ${i} and its neighbour, with a fallback. */
export function load${i}(api, id) {
  return api
    .get(id)
    .then((value) => value.trim())
    .then((value) => ${dep === undefined ? "value" : `load${i - 1}(api, value).then((other) => value + other)`})
    .catch((error) => {
      api.log("failed " + error.message);
      return "";
    })
    .finally(() => api.log("done ${i}"));
}

/** Wait ms. */
export function delay${i}(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The size of a file, err-first. */
export function size${i}(file, callback) {
  fs.stat(file, (err, stats) => {
    if (err) return callback(err);
    callback(null, stats.size);
  });
}

/** Every id at once. */
export async function all${i}(api, ids) {
  const values = await Promise.all(ids.map((id) => load${i}(api, id)));
  return values.join(",");
}

/** Logs and moves on: a chain nobody awaits (refused). */
export function touch${i}(api) {
  api.get("touch").then(() => api.log("touched"));
}

export class Store${i} {
  constructor(api) {
    this.api = api;
  }

  fetch(id) {
    return this.api.get(id).then((value) => ({ id, value }));
  }
}
`;
}
