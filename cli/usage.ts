import { parseArgs, type ParseArgsConfig } from "node:util";

/** A command line that cannot be run as given: the CLI prints the message and exits 2. */
export class UsageFailure extends Error {}

/** The commands `corral` has, for the message about one it does not. */
export const COMMANDS = ["scan", "migrate", "review", "check", "merge-reports"] as const;

type Options = NonNullable<ParseArgsConfig["options"]>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: O }>>;

/**
 * Node's `parseArgs` for `corral <command>`, whose errors become a {@link UsageFailure} in corral's words: Node's own
 * text for an unknown option names no command and ends on an unbalanced quote.
 */
export function parseCommandLine<O extends Options>(command: string, args: string[], options: O): Parsed<O> {
  try {
    return parseArgs({ args, allowPositionals: true, options });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw error;
    const option = /'([^']*)'/.exec((error as Error).message)?.[1] ?? "that option";
    const known = Object.entries(options).map(([name, o]) => `--${name}${o.type === "string" ? " <value>" : ""}`);
    throw new UsageFailure(
      `'corral ${command}' has no option ${option}; its options are ${known.join(", ")}. ` +
        `A path that starts with '-' goes after '--': corral ${command} -- ${option}`,
    );
  }
}
