/**
 * What the plugin (tsserver's thread) asks the engine worker, and what it answers. Values only: a refusal or a
 * failure is an answer, never a thrown error across the threads.
 */
import type { FileChange } from "../codemods/engine/migrate.ts";
import type { Reason } from "../codemods/engine/result.ts";
import type { StageVerdict } from "../codemods/engine/scan.ts";
import type { Hazard } from "../codemods/engine/hazard.ts";

/** The stages the editor offers (`--entry` is a whole-program step, not an action on a function). */
export type EditorStage = "async" | "scoped";

/**
 * `text` is the editor's buffer: corral reads files from disk, so every answer is about the buffer only when the
 * two agree, and `stale` otherwise. `position` is an offset into `text`.
 */
export type EngineRequest =
  | { kind: "actions"; file: string; text: string; position: number; tsconfig?: string }
  | { kind: "edits"; file: string; text: string; position: number; to: EditorStage; tsconfig?: string }
  | { kind: "hazards"; file: string; text: string; tsconfig?: string };

/** The function around a position, as reports and targets name it, and what each stage would do to it. */
export interface FunctionActions {
  function: string;
  line: number;
  verdicts: Record<EditorStage, StageVerdict>;
}

export type EngineResponse =
  | { kind: "actions"; found: FunctionActions | undefined }
  | { kind: "edits"; changes: FileChange[] }
  | { kind: "refused"; function: string; reason: Reason }
  | { kind: "hazards"; hazards: Hazard[] }
  /** The buffer differs from the file on disk (unsaved edits), or the file is gone. */
  | { kind: "stale" }
  /** A bug of ours, or the worker is gone: the message says which. */
  | { kind: "failed"; message: string };
