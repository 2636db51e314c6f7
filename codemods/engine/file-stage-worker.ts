/** A worker thread of {@link migrateFiles}: migrates its share of the files, reporting each file done, then the share. */
import { parentPort, workerData } from "node:worker_threads";
import type { FileTarget } from "./file-stage.ts";
import { migrateChunk } from "./migrate-chunk.ts";

const { share, tsconfig } = workerData as { share: FileTarget[]; tsconfig: string | undefined };
const report = await migrateChunk(share, tsconfig, (done) => parentPort!.postMessage({ done }));
parentPort!.postMessage({ result: report });
