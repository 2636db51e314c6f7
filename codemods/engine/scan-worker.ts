/** A worker thread of {@link scan}: stage 2's verdicts and the inventory of a large tree, beside stage 1's workers. */
import { parentPort, workerData } from "node:worker_threads";
import { inventory } from "./inventory.ts";

const { paths, tsconfig } = workerData as { paths: string[]; tsconfig: string | undefined };
parentPort!.postMessage({ result: await inventory(paths, tsconfig) });
