/** A worker thread of {@link migrateFiles}: migrates its share of the files, reporting each file done, then the share. */
import { parentPort, workerData } from "node:worker_threads";
import type { FileTarget } from "./file-stage.ts";
import { migrateChunk } from "./migrate-chunk.ts";

const { share, tsconfig, verdictsOnly } = workerData as { share: FileTarget[]; tsconfig: string | undefined; verdictsOnly: boolean };
const report = await migrateChunk(share, tsconfig, (done) => parentPort!.postMessage({ done }), verdictsOnly);
parentPort!.postMessage({ result: report });
