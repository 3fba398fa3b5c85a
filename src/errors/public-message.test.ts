import { describe, expect, it } from 'vitest';
import { publicMessage } from './public-message.js';

describe('publicMessage', () => {
  it('keeps the last two parts of a server path, enough to name the file at fault', () => {
    expect(
      publicMessage(
        "ENOENT: no such file or directory, stat '/srv/portage/demo-files/acme/attachments/missing.bin'",
      ),
    ).toBe("ENOENT: no such file or directory, stat '…/attachments/missing.bin'");
    expect(publicMessage('open C:\\data\\portage\\x.zip failed')).toBe(
      'open …/portage/x.zip failed',
    );
  });

  it('leaves messages without paths, and relative archive paths, as they are', () => {
    expect(publicMessage('data/tasks.jsonl line 3: "title" is required')).toBe(
      'data/tasks.jsonl line 3: "title" is required',
    );
    expect(publicMessage('The bundle holds 3 ids already present')).toBe(
      'The bundle holds 3 ids already present',
    );
  });

  it("blanks out the address of a server Portage failed to reach, and keeps only a URL's scheme", () => {
    expect(
      publicMessage(
        'Writing the archive to storage failed 5 times in a row, retried with backoff; last error: S3 multipart upload on s3://portage-exports/exports/acme/x.zip failed: connect ECONNREFUSED 10.0.3.7:9000',
      ),
    ).toBe(
      'Writing the archive to storage failed 5 times in a row, retried with backoff; last error: S3 multipart upload on s3://… failed: connect ECONNREFUSED [address]',
    );
    expect(publicMessage('getaddrinfo ENOTFOUND minio.internal')).toBe(
      'getaddrinfo ENOTFOUND [address]',
    );
    expect(publicMessage('connect ECONNREFUSED ::1:5432')).toBe('connect ECONNREFUSED [address]');
    expect(publicMessage('read ECONNRESET')).toBe('read ECONNRESET');
    expect(
      publicMessage('request to http://10.0.0.2:9000/bucket?x=1 failed, reason: 10.0.0.2'),
    ).toBe('request to http://… failed, reason: [address]');
  });

  it('keeps numbers that are not addresses', () => {
    expect(publicMessage('failed 3 times in a row; 1.5 s; version 1.2.3')).toBe(
      'failed 3 times in a row; 1.5 s; version 1.2.3',
    );
  });
});
