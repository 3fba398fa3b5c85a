import type { Kysely, Transaction } from 'kysely';
import type { StateDatabase } from './schema.js';

/** The error message of an export whose attempts are spent. */
export function exhaustedMessage(attempts: number): string {
  return `The export was attempted ${attempts} times and its worker stopped each time before finishing (lease lapsed).`;
}

/**
 * Fails an unfinished export whose attempts are spent, with `attempts_exhausted`;
 * it stops counting against the quota, since Portage failed it. Fenced: false
 * when another process changed the export first.
 */
export async function failExhausted(
  db: Kysely<StateDatabase> | Transaction<StateDatabase>,
  row: { readonly id: string; readonly attempts: number; readonly fence: number },
  nowText: string,
): Promise<boolean> {
  const result = await db
    .updateTable('exports')
    .set({
      status: 'failed',
      error_code: 'attempts_exhausted',
      error_message: exhaustedMessage(row.attempts),
      completed_at: nowText,
      charged: 0,
      lease_owner: null,
      lease_expires_at: null,
      fence: row.fence + 1,
    })
    .where('id', '=', row.id)
    .where('fence', '=', row.fence)
    .where('status', 'in', ['pending', 'running'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
