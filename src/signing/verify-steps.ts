/** One step of checking an audit archive by hand: what it proves, and the shell command. */
export interface VerifyStep {
  /** Markdown sentence saying what the command checks and what it prints on success. */
  readonly description: string;
  /** POSIX shell, run in the folder the archive was unzipped into; exits non-zero on a mismatch. */
  readonly command: string;
}

/**
 * How to verify an audit archive with `openssl` (3.0 or later) and `sha256sum`
 * alone, in order. Each command runs in the folder the archive was unzipped
 * into, with `PORTAGE_URL` set to the address of the Portage service that made
 * the export; the public key is fetched from that service (never trusted from
 * the archive itself) and saved next to the folder as `../signing-key.pem`.
 */
export const OPENSSL_VERIFY_STEPS: readonly VerifyStep[] = [
  {
    description:
      'Fetch the public key named by `export.signing_key_id` in `manifest.json` from the platform (`GET /v1/signing-keys/{kid}.pem`), never from the archive:',
    command: [
      `KID=$(grep -o '"signing_key_id": *"[A-Za-z0-9_-]*"' manifest.json | cut -d '"' -f 4)`,
      `curl -fsS -o ../signing-key.pem "$PORTAGE_URL/v1/signing-keys/$KID.pem"`,
    ].join('\n'),
  },
  {
    description:
      'Check the Ed25519 signature over the exact bytes of `manifest.json`; it prints `Signature Verified Successfully`:',
    command:
      'openssl pkeyutl -verify -pubin -inkey ../signing-key.pem -rawin -in manifest.json -sigfile manifest.sig',
  },
  {
    description: 'Check every file against `SHA256SUMS`; each line must say `OK`:',
    command: 'sha256sum --strict -c SHA256SUMS',
  },
  {
    description:
      'Check that `SHA256SUMS` lists every file but itself and `manifest.sig`; it prints `all files listed`:',
    command: `test "$(find . -type f ! -name SHA256SUMS ! -name manifest.sig | sed 's|^\\./||' | LC_ALL=C sort)" = "$(cut -c 67- SHA256SUMS | LC_ALL=C sort)" && echo 'all files listed' || { echo 'FAILED: files and SHA256SUMS differ'; false; }`,
  },
  {
    description:
      'Tie the data to the signed manifest: the digest of the `SHA256SUMS` lines under `data/`, `schemas/` and `attachments/` must be the `content_sha256` of `manifest.json`; it prints `content_sha256 OK`:',
    command: `test "$(grep -E '^[0-9a-f]{64}  (data|schemas|attachments)/' SHA256SUMS | sha256sum | cut -c 1-64)" = "$(grep -o '"content_sha256": *"[0-9a-f]*"' manifest.json | cut -d '"' -f 4)" && echo 'content_sha256 OK' || { echo 'FAILED: content_sha256 differs'; false; }`,
  },
  {
    description:
      'Tie the other documents to the signed manifest: each one must be listed in `manifest.json` with the same checksum; it prints `documents OK`:',
    command: [
      `BAD=$(grep -vE '  (data|schemas|attachments)/|  manifest\\.json$' SHA256SUMS | while read -r sum path; do tr -d ' \\n' < manifest.json | grep -q "\\"path\\":\\"$path\\"[^}]*\\"sha256\\":\\"$sum\\"" || echo "$path"; done)`,
      `test -z "$BAD" && echo 'documents OK' || { echo "FAILED: not as manifest.json records: $BAD"; false; }`,
    ].join('\n'),
  },
];

/** {@link OPENSSL_VERIFY_STEPS} as one script for `sh -e`, which stops at the first failing step. */
export function opensslVerifyScript(steps: readonly VerifyStep[] = OPENSSL_VERIFY_STEPS): string {
  return steps.map((step) => step.command).join('\n') + '\n';
}

/**
 * {@link OPENSSL_VERIFY_STEPS} as Markdown lines for a README or the docs: a
 * short introduction, then each step as a numbered sentence and a `sh` block.
 */
export function opensslVerifyMarkdown(
  steps: readonly VerifyStep[] = OPENSSL_VERIFY_STEPS,
): string[] {
  const out = [
    'With `openssl` (3.0 or later) and `sha256sum` alone: unzip the archive into a folder (`unzip <archive>.zip -d export && cd export`), set `PORTAGE_URL` to the address of the Portage service that made it (`PORTAGE_URL=https://…`), and run, in that folder:',
    '',
  ];
  steps.forEach((step, i) => {
    out.push(`${i + 1}. ${step.description}`, '', '   ```sh');
    out.push(...step.command.split('\n').map((line) => `   ${line}`), '   ```', '');
  });
  return out;
}
