// External tasks: service tasks whose topic has no handler in code wait for an external worker,
// which lists them by topic and completes them over the API.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('external_tasks', (t) => {
    t.string('id', 128).primary();
    t.string('process_instance_id', 64).notNullable().references('id').inTable('process_instances').onDelete('CASCADE');
    t.string('definition_key', 255).notNullable();
    t.string('activity_id', 255).notNullable();
    t.string('execution_id', 255).notNullable();
    t.string('topic', 255).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['process_instance_id', 'execution_id']);
    t.index(['topic', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('external_tasks');
}
