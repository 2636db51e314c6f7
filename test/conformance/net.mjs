// A TCP echo server and client on 127.0.0.1.
import net from "node:net";
const log = [];
const server = net.createServer((socket) => socket.pipe(socket));
server.listen(0, "127.0.0.1", () => {
  const client = net.connect(server.address().port, "127.0.0.1", () => client.end("hello"));
  let data = "";
  client.on("data", (chunk) => (data += chunk));
  client.on("close", () => {
    log.push(`echo: ${data}`);
    server.close(() => {
      log.push("server closed");
      const refused = net.connect(1, "127.0.0.1");
      refused.on("error", (error) => {
        log.push(`connect to a closed port: ${error.code}`);
        console.log(JSON.stringify(log, null, 1));
      });
    });
  });
});
