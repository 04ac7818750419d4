// What an operator changed in a running instance (a variable set or deleted, an activity
// triggered): the history row of that change carries the details, e.g. the old and the new value.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('history', (t) => {
    t.text('details');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('history', (t) => {
    t.dropColumn('details');
  });
}
