// Two indexes that a longer one begins with: `process_instances (definition_key, state)` is the
// start of `(definition_key, state, started_at)`, and `tasks (state, definition_key)` the start of
// `(state, definition_key, activity_id, created_at)` (the long ones came with 20261220000042_growth_indexes).
// Every query the short one served, the long one serves the same way; what the short one still
// cost was its write on every instance that changes state and every task that is created or
// completed.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('process_instances', (t) => t.dropIndex(['definition_key', 'state']));
  await knex.schema.alterTable('tasks', (t) => t.dropIndex(['state', 'definition_key']));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('process_instances', (t) => t.index(['definition_key', 'state']));
  await knex.schema.alterTable('tasks', (t) => t.index(['state', 'definition_key']));
}
