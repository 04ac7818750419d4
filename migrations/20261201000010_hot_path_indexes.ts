// Indexes for the hot and the growing queries: a client's open tasks of one instance (the planner
// took (state, definition_key) and scanned every open task), an instance's open incidents, and
// ended instances by definition and end time (the timeline and history retention).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.index(['process_instance_id', 'state'], 'tasks_instance_state_index');
  });
  await knex.schema.alterTable('incidents', (t) => {
    t.index(['process_instance_id', 'state'], 'incidents_instance_state_index');
  });
  await knex.schema.alterTable('process_instances', (t) => {
    t.index(['definition_id', 'ended_at'], 'process_instances_definition_ended_index');
    t.index(['ended_at'], 'process_instances_ended_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('process_instances', (t) => {
    t.dropIndex(['ended_at'], 'process_instances_ended_index');
    t.dropIndex(['definition_id', 'ended_at'], 'process_instances_definition_ended_index');
  });
  await knex.schema.alterTable('incidents', (t) => {
    t.dropIndex(['process_instance_id', 'state'], 'incidents_instance_state_index');
  });
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex(['process_instance_id', 'state'], 'tasks_instance_state_index');
  });
}
