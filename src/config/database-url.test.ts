import { describe, expect, it } from 'vitest';
import { postgresPoolConfig, postgresTarget } from './database-url.js';

describe('a PostgreSQL URL and its schema', () => {
  it('reads ?schema= off the URL, keeping its other parameters', () => {
    expect(postgresTarget('postgres://u@db:5432/app?sslmode=require&schema=crm')).toEqual({
      connectionString: 'postgres://u@db:5432/app?sslmode=require',
      schema: 'crm',
    });
  });

  it('sets the search path to ?schema=, else to public whatever the server would default to', () => {
    expect(postgresPoolConfig('postgres://u@db/app?schema=crm').options).toBe('-c search_path=crm');
    expect(postgresPoolConfig('postgres://u@db/app', ['-c a=b'])).toEqual({
      connectionString: 'postgres://u@db/app',
      options: '-c search_path=public -c a=b',
    });
  });

  it('refuses a schema that is not a plain lowercase name, in one line', () => {
    expect(() => postgresTarget('postgres://u@db/app?schema=Public;drop')).toThrow(
      /is not a schema name Portage accepts/,
    );
  });
});
