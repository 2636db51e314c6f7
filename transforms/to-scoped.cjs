// There is no `--to scoped` jscodeshift transform: each file gets an error that says why and what to run instead
// (codemods/jscodeshift/to-scoped.ts). jscodeshift loads a transform with require(); corral is ES modules.
"use strict";

module.exports = async function toScoped(file, api, options) {
  return (await import("../dist/codemods/jscodeshift/to-scoped.js")).toScoped(file, api, options);
};
