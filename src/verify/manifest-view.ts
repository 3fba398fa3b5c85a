import { toError } from '../errors/index.js';

/** A data file or document as `manifest.json` records it. */
export interface RecordedFile {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** The parts of `manifest.json` a verifier relies on, read defensively from untrusted JSON. */
export interface ManifestView {
  readonly exportId: string | null;
  readonly tenant: string | null;
  readonly purpose: string | null;
  readonly generatedAt: string | null;
  readonly signingKeyId: string | null;
  readonly contentSha256: string;
  /** Every data file of every category, then every root document. */
  readonly files: readonly RecordedFile[];
  /** The schema file of every requested, included category. */
  readonly schemas: readonly string[];
}

/**
 * Reads `manifest.json` bytes into a {@link ManifestView}.
 *
 * @returns the view, or the reason the manifest is unusable (naming the field).
 */
export function readManifest(
  bytes: Buffer,
): { ok: true; view: ManifestView } | { ok: false; reason: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (caught) {
    return {
      ok: false,
      reason: `is not JSON (${toError(caught).message})`,
    };
  }
  const root = record(parsed);
  if (root === null) return { ok: false, reason: 'is not a JSON object' };
  const content = root['content_sha256'];
  if (typeof content !== 'string' || !/^[0-9a-f]{64}$/.test(content)) {
    return { ok: false, reason: 'content_sha256 is missing or not 64 hex digits' };
  }
  const exp = record(root['export']) ?? {};
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  const files: RecordedFile[] = [];
  const schemas: string[] = [];
  const categories = Array.isArray(root['categories']) ? (root['categories'] as unknown[]) : [];
  for (const [i, value] of categories.entries()) {
    const category = record(value);
    if (category === null || category['included'] !== true) continue;
    const listed = Array.isArray(category['files']) ? (category['files'] as unknown[]) : [];
    for (const [j, file] of listed.entries()) {
      const recorded = recordedFile(file);
      if (recorded === null)
        return { ok: false, reason: `categories[${i}].files[${j}] has no path, bytes and sha256` };
      files.push(recorded);
    }
    if (category['requested'] !== false && typeof category['schema'] === 'string')
      schemas.push(category['schema']);
  }
  const documents = Array.isArray(root['documents']) ? (root['documents'] as unknown[]) : [];
  for (const [i, document] of documents.entries()) {
    const recorded = recordedFile(document);
    if (recorded === null)
      return { ok: false, reason: `documents[${i}] has no path, bytes and sha256` };
    files.push(recorded);
  }
  return {
    ok: true,
    view: {
      exportId: text(exp['id']),
      tenant: text(exp['tenant']),
      purpose: text(exp['purpose']),
      generatedAt: text(exp['generated_at']),
      signingKeyId: text(exp['signing_key_id']),
      contentSha256: content,
      files,
      schemas,
    },
  };
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function recordedFile(value: unknown): RecordedFile | null {
  const file = record(value);
  const path = file?.['path'];
  const bytes = file?.['bytes'];
  const sha256 = file?.['sha256'];
  if (typeof path !== 'string' || typeof bytes !== 'number' || typeof sha256 !== 'string')
    return null;
  return { path, bytes, sha256 };
}
