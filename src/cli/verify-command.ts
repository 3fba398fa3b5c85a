import {
  readTrustedKeys,
  TrustedKeyError,
  verifyArchive,
  type TrustedKey,
  type VerifyResult,
} from '../verify/index.js';

/**
 * `portage verify <zip> [--key …]`: verifies the archive, prints the report on
 * stdout and returns the exit code: 0 when every check passed (the signature
 * possibly not checked, which the report says), 1 at the first mismatch, 2 when
 * a `--key` cannot be read.
 *
 * @param keySources each `--key` value: a PEM or JWKS file, or inline JWKS JSON.
 */
export async function verifyCommand(
  file: string,
  keySources: readonly string[],
  out: (text: string) => void = (text) => process.stdout.write(text),
  err: (text: string) => void = (text) => process.stderr.write(text),
): Promise<number> {
  let keys: TrustedKey[] | undefined;
  try {
    if (keySources.length > 0) keys = (await Promise.all(keySources.map(readTrustedKeys))).flat();
  } catch (caught) {
    if (!(caught instanceof TrustedKeyError)) throw caught;
    err(`portage verify: ${caught.message}\n`);
    return 2;
  }
  const result = await verifyArchive(file, keys === undefined ? {} : { keys });
  out(formatVerify(file, result));
  return result.ok ? 0 : 1;
}

/** The human report of a {@link VerifyResult}: one line per check, then the verdict. */
export function formatVerify(file: string, result: VerifyResult): string {
  const lines = [`Verifying ${file}`];
  const m = result.manifest;
  if (m !== null) {
    lines.push(
      `  export ${m.exportId ?? '?'} of ${m.tenant ?? '?'}, purpose ${m.purpose ?? '?'}, generated ${m.generatedAt ?? '?'}`,
    );
  }
  for (const check of result.checks) {
    lines.push(`  ${check.status.padEnd(8)} ${check.name.padEnd(15)} ${check.detail}`);
  }
  if (result.firstFailure !== undefined) {
    lines.push(`FAILED: ${result.firstFailure.path}: ${result.firstFailure.reason}`);
  } else if (result.signature === 'verified') {
    lines.push('OK: every checksum matches and the signature was verified with a trusted key.');
  } else if (result.signature === 'not_checked') {
    lines.push(
      "OK: every checksum matches. The signature was NOT checked against a trusted key: run again with --key <the platform's public key or JWKS>.",
    );
  } else {
    lines.push('OK: every checksum matches. This archive is not signed.');
  }
  return lines.join('\n') + '\n';
}
