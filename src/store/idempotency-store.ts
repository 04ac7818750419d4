// Idempotency keys: the stored first result of a request, per user and key. The row is written
// in the transaction of the event the request caused (a write of the event), so it exists exactly
// when that event was committed.
import type { Knex } from 'knex';
import { parseJson } from './row-codec';
import type { AnswerWrite, InstanceRecord } from './types';

type Row = Record<string, unknown>;

export interface IdempotentResult {
  operation: string;
  requestHash: string;
  result: unknown;
}

export class IdempotencyStore {
  constructor(private readonly knex: Knex) {}

  async find(owner: string, key: string): Promise<IdempotentResult | undefined> {
    const row: Row | undefined = await this.knex('idempotency_keys').where({ owner, key }).first();
    return row ? { operation: String(row.operation), requestHash: String(row.request_hash), result: parseJson<unknown>(row.result, null) } : undefined;
  }

  /**
   * The key's row, written last in the event's transaction with the answer `shape` makes of what
   * the event committed; a second insert of the same key fails the whole event.
   */
  record(
    owner: string,
    key: string,
    what: { operation: string; requestHash: string },
    shape: (answer: { instance: InstanceRecord; openIncidents: number }) => unknown,
    now: string,
  ): AnswerWrite {
    return async (trx, answer) => {
      await trx('idempotency_keys').insert({
        owner,
        key,
        operation: what.operation,
        request_hash: what.requestHash,
        result: JSON.stringify(shape(answer)),
        created_at: now,
      });
    };
  }
}
