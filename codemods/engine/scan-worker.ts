/** The worker thread of a {@link scan} of a large tree: the whole inventory, with its progress posted as it goes. */
import { parentPort, workerData } from "node:worker_threads";
import { inventory } from "./inventory.ts";

const { paths, tsconfig, only } = workerData as { paths: string[]; tsconfig: string | undefined; only: Parameters<typeof inventory>[3] };
const result = await inventory(paths, tsconfig, (done, _total, what) => parentPort!.postMessage({ done, what }), only);
parentPort!.postMessage({ result });
