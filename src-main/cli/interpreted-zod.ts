import * as z from 'zod';

/**
 * Has zod check objects with its interpreter instead of compiling a validator (`new Function`)
 * for each object schema on its first use. A command that drives an in-process engine sees a few
 * contract messages a second: the compiling cost ~40 ms of CPU per run (of ~230 for a 1 MiB
 * download) and is never paid back. Zod reads the setting when it builds a schema, so this runs
 * before the command's modules (and the contract's schemas) load.
 */
export function useInterpretedZod(): void {
  z.config({ jitless: true });
}
