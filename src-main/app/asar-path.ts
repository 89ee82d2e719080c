/**
 * Where a file listed in electron-builder's `asarUnpack` really is: Node loads worker scripts
 * from real files, not from inside app.asar. Paths outside an archive are returned unchanged.
 */
export function outsideAsar(path: string): string {
  return path.replace(/\.asar([\\/])/, '.asar.unpacked$1');
}
