// Idempotency keys: the first answer to a request sent with `Idempotency-Key`, written in the
// same transaction as the event it caused, so that a client retrying after a lost answer gets
// that answer again and nothing runs twice.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('idempotency_keys', (t) => {
    /** The user who sent it: keys are per user. */
    t.string('owner', 64).notNullable();
    t.string('key', 255).notNullable();
    /** What was asked (operation and target) and a hash of the request body: a reuse for something else is refused. */
    t.string('operation', 512).notNullable();
    t.string('request_hash', 64).notNullable();
    t.text('result').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.primary(['owner', 'key']);
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('idempotency_keys');
}
