// An HTTP server and a fetch, both inside a run: the fetch is cancelled while the server is mid-response.
import http from "node:http";
import { fromEvent, fromPromise, run, withCancelScope } from "corral";
import { installLoopHooks } from "corral/node";

installLoopHooks();
const tcp = () => process.getActiveResourcesInfo().filter((r) => r.startsWith("TCP")).length;

const report = await run(async (cx) => {
  let serverSawAbort = false;
  let cancelFetch;
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("first part; the rest never comes");
    res.on("close", () => (serverSawAbort = !res.writableFinished));
    cancelFetch(); // the request has arrived: cancel the client
  });
  server.listen(0, "127.0.0.1");
  await fromEvent(cx, server, "listening");
  const url = `http://127.0.0.1:${server.address().port}/slow`;
  const fetched = await withCancelScope(cx, async (cx, scope) => {
    cancelFetch = () => scope.cancel("the client gave up");
    const res = await fromPromise(cx, (signal) => fetch(url, { signal }));
    return fromPromise(cx, () => res.text());
  });
  // The client's cancellation reached the server: its response was closed before it finished.
  while (!serverSawAbort) await fromPromise(cx, new Promise((r) => setTimeout(r, 1)));
  return { fetched: fetched ?? "cancelled", serverSawAbort, listening: server.listening };
});
// The run closed the server and destroyed every socket; handles finish closing within a few event-loop turns.
for (let turn = 0; turn < 5 && tcp() > 0; turn++) await new Promise((r) => setImmediate(r));
console.log(JSON.stringify({ ...report, tcpHandlesLeft: tcp() }));
