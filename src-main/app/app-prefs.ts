import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';

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

/** Writes via a temp file and rename so a crash never leaves half a file. */
export async function writeAppPrefs(path: string, prefs: AppPrefs): Promise<void> {
  const temp = `${path}.tmp`;
  await writeFile(temp, `${JSON.stringify(prefs, null, 2)}\n`);
  await rename(temp, path);
}
