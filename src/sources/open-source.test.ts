import { describe, expect, it } from 'vitest';
import { openSource } from './index.js';

describe('openSource', () => {
  it('refuses a URL of a database Portage does not read, without repeating its credentials', () => {
    expect(() => openSource('oracle://scott:tiger-secret@db.example/orcl')).toThrow(
      'PORTAGE_SOURCE_URL: "oracle://[REDACTED]@db.example/orcl" is neither a SQLite file nor a postgres:// or mysql:// URL',
    );
  });

  it('names a SQLite file that is not there', () => {
    expect(() => openSource('sqlite:/nonexistent/platform.sqlite')).toThrow(
      'PORTAGE_SOURCE_URL: no SQLite database at /nonexistent/platform.sqlite',
    );
  });
});
