// corral's `--to async` as a jscodeshift transform: npx jscodeshift -t node_modules/corral/transforms/to-async.cjs src/
// jscodeshift loads a transform with require(); corral is ES modules, so this door imports it (jscodeshift awaits
// a transform's promise). The transform is codemods/jscodeshift/to-async.ts.
"use strict";

module.exports = async function toAsync(file, api, options) {
  return (await import("../dist/codemods/jscodeshift/to-async.js")).toAsync(file, api, options);
};
