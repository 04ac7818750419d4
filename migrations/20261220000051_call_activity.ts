// Call activities: an instance started by a call activity knows its parent instance, the
// execution of the call activity that waits for it, and that activity's id.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('process_instances', (t) => {
    t.string('parent_instance_id', 64);
    t.string('parent_execution_id', 255);
    t.string('parent_activity_id', 255);
    t.index(['parent_instance_id'], 'process_instances_parent_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('process_instances', (t) => {
    t.dropIndex(['parent_instance_id'], 'process_instances_parent_idx');
    for (const c of ['parent_activity_id', 'parent_execution_id', 'parent_instance_id']) t.dropColumn(c);
  });
}
