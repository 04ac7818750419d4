// A completed external task keeps its row (when and by whom), so that a second completion is
// told it was done (409) rather than that it never existed.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('external_tasks', (t) => {
    t.timestamp('completed_at', { useTz: true });
    t.string('completed_by', 255);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('external_tasks', (t) => {
    t.dropColumn('completed_by');
    t.dropColumn('completed_at');
  });
}
