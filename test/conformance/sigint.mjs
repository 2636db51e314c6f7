// Ctrl-C: a program that does not listen for SIGINT dies by it; one that listens handles it.
import { spawn } from "node:child_process";
const [mode] = process.argv.slice(2);
if (mode === undefined) {
  // The parent: run both children and report how each ended.
  const ends = [];
  for (const child of ["unhandled", "handled"]) {
    const args = [...process.execArgv, process.argv[1], child];
    const proc = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    proc.stdout.on("data", (c) => (out += c));
    ends.push(await new Promise((resolve) => proc.on("close", (code, signal) => resolve(`${child}: ${out.trim()} / ${code} ${signal}`))));
  }
  console.log(JSON.stringify(ends, null, 1));
} else {
  if (mode === "handled") process.on("SIGINT", () => (console.log("handled it"), process.exit(0)));
  setInterval(() => {}, 1000);
  setTimeout(() => process.kill(process.pid, "SIGINT"), 10);
}
