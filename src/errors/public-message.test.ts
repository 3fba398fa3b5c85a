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
});
