// A TypeScript program run through a require hook with corral/register preloaded by --require: it runs in the root
// loop, its legacy timer belongs to the loop, and its crash reaches Node as an uncaught exception. Prints JSON.
// The built package by path: this folder is a CommonJS package of its own, outside corral's self-reference.
const { currentLoop } = require("../../../dist/runtime/node/index.js") as typeof import("../../../runtime/node/index.ts");

interface Seen {
  inLoop: boolean;
  timerInLoop?: boolean;
}

const seen: Seen = { inLoop: currentLoop() !== undefined };
setTimeout(() => {
  seen.timerInLoop = currentLoop() !== undefined;
  console.log(JSON.stringify(seen));
  if (process.argv[2] === "crash") throw new Error("crashed in a timer");
}, 1);
