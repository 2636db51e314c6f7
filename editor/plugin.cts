/**
 * `corral/tsserver`: a TypeScript language-service plugin. In a project's tsconfig,
 * `"plugins": [{ "name": "corral/tsserver" }]` makes the editor (any editor running tsserver from TypeScript 5.x,
 * which loads plugins with `require`) offer "Convert to async (corral)" and "Convert to scoped (corral)" on a
 * function, with the edits `corral migrate <file>:<function> --to <stage>` would write, or, when corral refuses,
 * the reason as the action's description; and it adds `corral check`'s hazards to the file's diagnostics.
 *
 * The actions are about the file as saved (corral migrates files on disk): on unsaved changes they say to save first.
 * The hazards are those of the buffer as it is.
 */
import path = require("node:path");
import type * as ts from "typescript5";
import EngineClient = require("./engine-client.cjs");
import type { HazardCode } from "../codemods/engine/hazard.ts";
import type { EditorStage, EngineResponse } from "./protocol.ts";

const REFACTOR = "corral";
const ACTIONS: Record<EditorStage, { title: string; kind: string }> = {
  async: { title: "Convert to async (corral)", kind: "refactor.rewrite.function.corral.async" },
  scoped: { title: "Convert to scoped (corral)", kind: "refactor.rewrite.function.corral.scoped" },
};
const STAGES: EditorStage[] = ["async", "scoped"];

/** A diagnostic code per hazard (tsserver's codes are numbers); `corral check --json` names the same hazard. */
const HAZARD_CODES: Record<HazardCode, number> = {
  "swallowed-cancelled": 96001,
  "unbridged-await": 96002,
  "floating-promise": 96003,
  "missing-cx": 96004,
  "wrong-arity": 96005,
  "legacy-wrapper-given-cx": 96006,
  "scoped-function-passed-to-legacy": 96007,
};

/** One engine for tsserver's process: every project's requests name their tsconfig, and the compiler loads once. */
const engine = new EngineClient();

const SAVE_FIRST = "save the file first: corral reads and migrates the file as saved";

/** tsserver's plugin factory: `require("corral/tsserver")({ typescript })`. */
function init(modules: { typescript: typeof ts }): ts.server.PluginModule {
  const typescript = modules.typescript;
  return {
    create(info) {
      const service = info.languageService;
      info.project.projectService.logger.info("corral/tsserver: loaded");
      const configured = info.project.projectKind === typescript.server.ProjectKind.Configured ? info.project.getProjectName() : undefined;
      const base = (fileName: string) => ({ file: path.resolve(fileName), ...(configured === undefined ? {} : { tsconfig: configured }) });
      const textOf = (fileName: string) => service.getProgram()?.getSourceFile(fileName)?.text;
      const positionOf = (at: number | ts.TextRange) => (typeof at === "number" ? at : at.pos);

      const proxy: ts.LanguageService = Object.create(null);
      for (const key of Object.keys(service) as (keyof ts.LanguageService)[]) {
        const member = service[key];
        // @ts-expect-error: each member forwards to the same member of the service
        proxy[key] = typeof member === "function" ? (...args: unknown[]) => (member as (...a: unknown[]) => unknown).apply(service, args) : member;
      }

      proxy.getApplicableRefactors = (fileName, at, preferences, reason, kind, interactive) => {
        const theirs = service.getApplicableRefactors(fileName, at, preferences, reason, kind, interactive);
        const text = textOf(fileName);
        const wanted = STAGES.filter((stage) => kind === undefined || ACTIONS[stage].kind.startsWith(kind));
        if (text === undefined || wanted.length === 0) return theirs;
        const answer = engine.ask({ kind: "actions", ...base(fileName), text, position: positionOf(at) });
        const actions = wanted.flatMap((stage): ts.RefactorActionInfo[] => {
          const { title, kind: actionKind } = ACTIONS[stage];
          const refused = (why: string): ts.RefactorActionInfo => ({ name: stage, description: `${title}: ${why}`, notApplicableReason: why, kind: actionKind });
          if (answer.kind === "stale") return [refused(SAVE_FIRST)];
          if (answer.kind === "failed") return [refused(answer.message)];
          if (answer.kind !== "actions" || answer.found === undefined) return [];
          const verdict = answer.found.verdicts[stage];
          if (verdict.outcome === "changed") return [{ name: stage, description: title, kind: actionKind }];
          if (verdict.outcome === "unchanged") return [];
          return [refused(verdict.reason === null ? `${answer.found.function} is not migrated` : `${verdict.reason.message} (${verdict.reason.code})`)];
        });
        return actions.length === 0 ? theirs : [...theirs, { name: REFACTOR, description: "corral: migrate this function", actions }];
      };

      proxy.getEditsForRefactor = (fileName, format, at, refactorName, actionName, preferences, interactive) => {
        if (refactorName !== REFACTOR) return service.getEditsForRefactor(fileName, format, at, refactorName, actionName, preferences, interactive);
        const to = STAGES.find((stage) => stage === actionName);
        const text = textOf(fileName);
        if (to === undefined || text === undefined) return undefined;
        const answer = engine.ask({ kind: "edits", ...base(fileName), text, position: positionOf(at), to });
        if (answer.kind === "edits") return { edits: answer.changes.map((c) => ({ fileName: c.file, textChanges: [changeOf(c.before, c.after)] })) };
        // tsserver reports a thrown error to the editor, which shows its message: the honest answer to a refusal here.
        throw new Error(messageOf(answer));
      };

      proxy.getSemanticDiagnostics = (fileName) => {
        const theirs = service.getSemanticDiagnostics(fileName);
        const file = service.getProgram()?.getSourceFile(fileName);
        if (file === undefined || file.isDeclarationFile) return theirs;
        const answer = engine.ask({ kind: "hazards", ...base(fileName), text: file.text });
        if (answer.kind === "failed") info.project.projectService.logger.info(`corral/tsserver: ${answer.message}`);
        if (answer.kind !== "hazards") return theirs;
        const hazards = answer.hazards.map((hazard): ts.Diagnostic => {
          const start = file.getPositionOfLineAndCharacter(hazard.line - 1, hazard.column - 1);
          const lineEnd = file.getLineEndOfPosition(start);
          return {
            file,
            start,
            length: Math.max(lineEnd - start, 1),
            category: typescript.DiagnosticCategory.Warning,
            code: HAZARD_CODES[hazard.code],
            source: "corral",
            messageText: `${hazard.message} (corral ${hazard.code}); ${hazard.hint}`,
          };
        });
        return [...theirs, ...hazards];
      };

      return proxy;
    },
  };
}

function messageOf(answer: EngineResponse): string {
  if (answer.kind === "refused") return `corral refused ${answer.function}: ${answer.reason.message} (${answer.reason.code})`;
  if (answer.kind === "stale") return `corral: ${SAVE_FIRST}`;
  if (answer.kind === "failed") return `corral: ${answer.message}`;
  return `corral: no function to migrate here`;
}

/** One change turning `before` into `after`: the span between their common start and their common end. */
function changeOf(before: string, after: string): ts.TextChange {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { span: { start, length: before.length - start - end }, newText: after.slice(start, after.length - end) };
}

export = init;
