// External tasks locked by a worker (Camunda's fetch-and-lock): who holds the lock and until when
// (real time, as job leases), the retries and error a worker reported with a failure, when a failed
// task may be fetched again (service time) and its priority.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('external_tasks', (t) => {
    t.string('worker_id', 255);
    t.timestamp('lock_expires_at', { useTz: true });
    t.integer('retries');
    t.text('error_message');
    t.text('error_details');
    t.integer('priority').notNullable().defaultTo(0);
    t.timestamp('retry_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('external_tasks', (t) => {
    for (const c of ['retry_at', 'priority', 'error_details', 'error_message', 'retries', 'lock_expires_at', 'worker_id']) t.dropColumn(c);
  });
}
