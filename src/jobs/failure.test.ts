import { describe, expect, it } from 'vitest';
import { classifyFailure } from './failure.js';

describe('classifyFailure', () => {
  it('never records a server path for the tenant to read', () => {
    const error = Object.assign(
      new Error(
        "ENOENT: no such file or directory, stat '/home/p/.portage/demo-files/acme/attachments/missing.bin'",
      ),
      { code: 'ENOENT' },
    );
    const failure = classifyFailure(error);
    expect(failure.message).not.toContain('/home/p');
  });

  it('records an unforeseen error without its raw message', () => {
    const failure = classifyFailure(new RangeError('Maximum call stack size exceeded'));
    expect(failure.code).toBe('internal_error');
    expect(failure.message).not.toContain('Maximum call stack');
  });
});
