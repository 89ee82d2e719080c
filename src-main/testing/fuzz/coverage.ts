import { Session } from 'node:inspector/promises';

/**
 * V8's precise block coverage of one script (the target's bundle), read after each input. In
 * binary mode V8 resets the flags at every take, so each take is what that one input reached.
 * A feature is a block range with whether it ran; an input that shows a feature never seen is kept.
 */
export class CoverageProbe {
  readonly #session = new Session();
  readonly #scriptUrl: string;
  readonly #seen = new Set<string>();

  private constructor(scriptUrl: string) {
    this.#scriptUrl = scriptUrl;
  }

  static async start(scriptUrl: string): Promise<CoverageProbe> {
    const probe = new CoverageProbe(scriptUrl);
    probe.#session.connect();
    await probe.#session.post('Profiler.enable');
    await probe.#session.post('Profiler.startPreciseCoverage', { callCount: false, detailed: true });
    return probe;
  }

  /** Features seen so far. */
  get size(): number {
    return this.#seen.size;
  }

  /** Reads what ran since the last call; returns how many features are new (and remembers them). */
  async takeNew(): Promise<number> {
    const { result } = await this.#session.post('Profiler.takePreciseCoverage');
    let fresh = 0;
    for (const script of result) {
      if (script.url !== this.#scriptUrl) continue;
      for (const fn of script.functions) {
        for (const range of fn.ranges) {
          const key = `${range.startOffset}:${range.endOffset}:${range.count > 0 ? 1 : 0}`;
          if (!this.#seen.has(key)) {
            this.#seen.add(key);
            fresh++;
          }
        }
      }
    }
    return fresh;
  }

  async stop(): Promise<void> {
    await this.#session.post('Profiler.stopPreciseCoverage');
    this.#session.disconnect();
  }
}
