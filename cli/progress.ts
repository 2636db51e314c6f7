/**
 * A progress bar on stderr for runs that take more than a couple of seconds: `corral: [#####-----] 1200/2000 files`,
 * redrawn in place on a terminal, nothing when stderr is not one (logs stay clean), cleared when the run ends.
 */
export class Progress {
  private readonly started = Date.now();
  private shown = false;

  constructor(
    private readonly what: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly after = 2_000,
  ) {}

  /** Draw `done` of `total`; `what` says what is counted (or being done) when it differs from the constructor's. */
  update(done: number, total: number, what = this.what): void {
    if (this.stream.isTTY !== true || Date.now() - this.started < this.after) return;
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    this.stream.write(`\rcorral: [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} ${what}\x1b[K`);
    this.shown = true;
  }

  end(): void {
    if (this.shown) this.stream.write("\r\x1b[2K");
  }
}
