// A require hook of the kind ts-node and esbuild-register install: `.ts` files compiled to CommonJS on require. It
// sees only files that go through `require`, so it needs the main file to go through it too (`--require`, not
// `--import`, on Node 20).
const { readFileSync } = require("node:fs");
const { ts } = require("ts-morph");

require.extensions[".ts"] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    fileName: filename,
  });
  module._compile(outputText, filename);
};
