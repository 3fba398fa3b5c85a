/** One line of a `SHA256SUMS` file. */
export interface Sha256sumsLine {
  readonly sha256: string;
  readonly path: string;
  /** 1-based line number. */
  readonly line: number;
}

/**
 * Parses `SHA256SUMS` as `sha256sum -c --strict` reads it: one
 * `<64 lowercase hex><two spaces, or space and *><path>` line per file, each
 * ended by `\n`, no path twice.
 *
 * @returns the lines, or the reason the text is not a valid `SHA256SUMS`.
 */
export function parseSha256sums(
  text: string,
): { ok: true; lines: Sha256sumsLine[] } | { ok: false; reason: string } {
  if (text === '') return { ok: false, reason: 'is empty' };
  if (!text.endsWith('\n')) return { ok: false, reason: 'does not end with a newline' };
  const lines: Sha256sumsLine[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of text.slice(0, -1).split('\n').entries()) {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(raw);
    const sha256 = match?.[1];
    const path = match?.[2];
    if (sha256 === undefined || path === undefined) {
      return {
        ok: false,
        reason: `line ${index + 1} is not "<sha256>  <path>": ${JSON.stringify(raw)}`,
      };
    }
    if (seen.has(path))
      return { ok: false, reason: `line ${index + 1} lists ${path} a second time` };
    seen.add(path);
    lines.push({ sha256, path, line: index + 1 });
  }
  return { ok: true, lines };
}
