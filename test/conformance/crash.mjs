// A program that crashes: Node's exit code and the message on stderr.
setTimeout(() => console.log("never printed"), 50);
setTimeout(() => {
  throw new Error("the program crashed");
}, 1);
