// Run with --expose-gc. Sockets a loop owned and that were destroyed are garbage once nobody else holds them: the
// loop holds what it owns weakly. Prints the number collected of those made.
import net from "node:net";
import { once } from "node:events";
import { openLoop, run } from "corral";
import { installLoopHooks } from "corral/node";

installLoopHooks();
const made = 10;
let collected = 0;
const registry = new FinalizationRegistry(() => collected++);

await run((cx) =>
  openLoop(cx, async () => {
    const server = net.createServer((socket) => socket.destroy());
    await once(server.listen(0, "127.0.0.1"), "listening");
    for (let i = 0; i < made; i++) {
      const socket = net.connect(server.address().port, "127.0.0.1");
      registry.register(socket, i);
      await once(socket, "close");
    }
    // The loop is still open: only its own reference could keep the sockets now.
    for (let tries = 0; tries < 50 && collected < made; tries++) {
      globalThis.gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    console.log(JSON.stringify({ made, collected }));
    server.close();
  }),
);
