/** One `shoal <name>` subcommand. */
export interface Command {
  /** Returns the process exit status. */
  run(argv: string[]): Promise<number>;
}
