import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { writeFileAtomic } from '../engine/fs/atomic-file';

/** The shell's own small memory, kept apart from the engine's session state. */
const appPrefsSchema = z.object({
  /** Whether the user has already answered the "default magnet handler" question. */
  magnetHandlerAsked: z.boolean().default(false),
});

export type AppPrefs = z.infer<typeof appPrefsSchema>;

/** Reads the prefs; a missing or damaged file means defaults, never a failure to start. */
export async function readAppPrefs(path: string): Promise<AppPrefs> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return appPrefsSchema.parse({});
  }
  try {
    const parsed = appPrefsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : appPrefsSchema.parse({});
  } catch {
    return appPrefsSchema.parse({});
  }
}

/** Written atomically, so a crash never leaves half a file. */
export async function writeAppPrefs(path: string, prefs: AppPrefs): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(prefs, null, 2)}\n`);
}
