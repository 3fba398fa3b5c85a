import { contentSha256 } from '../archive/index.js';
import { readArchiveEntries, type ArchiveEntry } from './archive-entries.js';
import { readManifest, type ManifestView } from './manifest-view.js';
import { parseSha256sums } from './sha256sums-lines.js';
import { checkSignature } from './signature-check.js';
import type { TrustedKey } from './trusted-keys.js';

/** One check of {@link verifyArchive}, in the order they run. */
export interface VerifyCheck {
  readonly name:
    'entries' | 'SHA256SUMS' | 'completeness' | 'manifest' | 'content_sha256' | 'signature';
  /** `skipped`: only the signature, when no trusted key was given or the archive is not signed. */
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly detail: string;
}

/** The first thing that does not match: the archive path at fault and what differs. */
export interface VerifyFailure {
  readonly path: string;
  readonly reason: string;
}

/** What {@link verifyArchive} found. */
export interface VerifyResult {
  /** True when every check passed or was skipped. */
  readonly ok: boolean;
  /** The checks that ran; the last one failed when `ok` is false. */
  readonly checks: readonly VerifyCheck[];
  readonly firstFailure?: VerifyFailure;
  /**
   * `verified` against a trusted key; `not_checked` when signed but no key was
   * given; `unsigned` when the archive has no `manifest.sig` (not an audit
   * export); null when verification stopped before the signature.
   */
  readonly signature: 'verified' | 'not_checked' | 'unsigned' | null;
  /** What the manifest says about the export, once it could be read. */
  readonly manifest: ManifestView | null;
}

/** Options of {@link verifyArchive}. */
export interface VerifyOptions {
  /**
   * Public keys trusted to sign, matched by kid with `export.signing_key_id`.
   * When given, the archive must be signed by one of them. (Default: none — the
   * signature is not checked against a trusted key)
   */
  readonly keys?: readonly TrustedKey[];
}

const KEPT = new Set(['manifest.json', 'SHA256SUMS', 'manifest.sig']);
const UNLISTED = new Set(['SHA256SUMS', 'manifest.sig']);
const CONTENT = /^(data|schemas|attachments)\//;

/**
 * Verifies an export archive: safe entry paths; every `SHA256SUMS` line against
 * the entry it names, and every entry but `SHA256SUMS` and `manifest.sig`
 * listed; the size and sha256 of every file `manifest.json` records; the
 * manifest's `content_sha256` recomputed (SPEC §11 "Digest bytes"); and, when
 * `manifest.sig` exists, its Ed25519 signature over the exact bytes of
 * `manifest.json`. Reads the archive once, streaming; stops at the first mismatch.
 */
export async function verifyArchive(
  file: string,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const checks: VerifyCheck[] = [];
  let manifest: ManifestView | null = null;
  const pass = (name: VerifyCheck['name'], detail: string) =>
    checks.push({ name, status: 'passed', detail });
  const fail = (name: VerifyCheck['name'], path: string, reason: string): VerifyResult => {
    checks.push({ name, status: 'failed', detail: `${path}: ${reason}` });
    return { ok: false, checks, firstFailure: { path, reason }, signature: null, manifest };
  };

  const read = await readArchiveEntries(file, KEPT);
  if (!read.ok) return fail('entries', read.path, read.reason);
  const entries = read.entries;
  pass('entries', `${entries.size} files, every path safe`);

  const sums = entries.get('SHA256SUMS')?.content;
  if (sums == null) return fail('SHA256SUMS', 'SHA256SUMS', 'missing from the archive');
  const parsed = parseSha256sums(sums.toString('utf8'));
  if (!parsed.ok) return fail('SHA256SUMS', 'SHA256SUMS', parsed.reason);
  for (const line of parsed.lines) {
    const entry = entries.get(line.path);
    if (entry === undefined)
      return fail(
        'SHA256SUMS',
        line.path,
        `listed in SHA256SUMS (line ${line.line}) but not in the archive`,
      );
    if (entry.sha256 !== line.sha256) {
      return fail(
        'SHA256SUMS',
        line.path,
        `sha256 is ${entry.sha256}, SHA256SUMS line ${line.line} says ${line.sha256}`,
      );
    }
  }
  pass('SHA256SUMS', `${parsed.lines.length} checksums match`);

  const listed = new Set(parsed.lines.map((line) => line.path));
  for (const path of entries.keys()) {
    if (!listed.has(path) && !UNLISTED.has(path))
      return fail('completeness', path, 'in the archive but not listed in SHA256SUMS');
  }
  pass('completeness', 'SHA256SUMS lists every file but itself and manifest.sig');

  const manifestBytes = entries.get('manifest.json')?.content;
  if (manifestBytes == null) return fail('manifest', 'manifest.json', 'missing from the archive');
  const view = readManifest(manifestBytes);
  if (!view.ok) return fail('manifest', 'manifest.json', view.reason);
  manifest = view.view;
  const mismatch = recordedMismatch(manifest, entries);
  if (mismatch !== null) return fail('manifest', mismatch.path, mismatch.reason);
  pass(
    'manifest',
    `${manifest.files.length} files match the size and sha256 manifest.json records`,
  );

  const content = [...entries.values()].filter((entry) => CONTENT.test(entry.path));
  const digest = contentSha256(content);
  if (digest !== manifest.contentSha256) {
    return fail(
      'content_sha256',
      'manifest.json',
      `content_sha256 is ${manifest.contentSha256}, but the ${content.length} files under data/, schemas/ and attachments/ give ${digest}`,
    );
  }
  pass('content_sha256', `${digest} over ${content.length} files`);

  return checkSignature(
    manifest,
    manifestBytes,
    entries.get('manifest.sig')?.content ?? null,
    options.keys,
    {
      checks,
      fail,
    },
  );
}

function recordedMismatch(
  manifest: ManifestView,
  entries: ReadonlyMap<string, ArchiveEntry>,
): { path: string; reason: string } | null {
  for (const file of manifest.files) {
    const entry = entries.get(file.path);
    if (entry === undefined)
      return { path: file.path, reason: 'recorded in manifest.json but not in the archive' };
    if (entry.bytes !== file.bytes) {
      return {
        path: file.path,
        reason: `${entry.bytes} bytes, manifest.json records ${file.bytes}`,
      };
    }
    if (entry.sha256 !== file.sha256) {
      return {
        path: file.path,
        reason: `sha256 is ${entry.sha256}, manifest.json records ${file.sha256}`,
      };
    }
  }
  const schema = manifest.schemas.find((path) => !entries.has(path));
  return schema === undefined
    ? null
    : { path: schema, reason: 'named by manifest.json but not in the archive' };
}
