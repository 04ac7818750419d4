// Flat cost as the work grows. Indexes that fit the hot and the cockpit queries, and the cockpit's
// counters (src/store/stats-counters.ts keeps them in every event's transaction), so that no
// statistic counts every instance, task or history row:
// (tasks (state, created_at), for a task page in its default order and a group's oldest open
// task, comes with 20261220000021_task_attributes.)
// - tasks (state, definition_key, activity_id, created_at): the oldest open task of an activity;
// - tasks (state, completed_at): the most recent completions (the completion-time sample);
// - process_instances (definition_key, state, started_at): the oldest running instance of a key;
// - process_instances (state, ended_at): the most recent completions (the duration sample);
// - process_instances (started_at), (definition_key, started_at), (definition_key, ended_at): the
//   timeline's partial first and last hours.
import type { Knex } from 'knex';
import { dialectOf } from '../src/store/dialect';
import { rebuildStatsCounters } from '../src/store/stats-counters';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.index(['state', 'definition_key', 'activity_id', 'created_at'], 'tasks_state_activity_created_index');
    t.index(['state', 'completed_at'], 'tasks_state_completed_index');
  });
  await knex.schema.alterTable('process_instances', (t) => {
    t.index(['definition_key', 'state', 'started_at'], 'process_instances_key_state_started_index');
    t.index(['state', 'ended_at'], 'process_instances_state_ended_index');
    t.index(['started_at'], 'process_instances_started_index');
    t.index(['definition_key', 'started_at'], 'process_instances_key_started_index');
    t.index(['definition_key', 'ended_at'], 'process_instances_key_ended_index');
  });
  await knex.schema.createTable('stats_instance_counts', (t) => {
    t.string('definition_key', 255).notNullable();
    t.string('state', 16).notNullable();
    t.bigInteger('n').notNullable();
    t.primary(['definition_key', 'state']);
  });
  await knex.schema.createTable('stats_instance_hours', (t) => {
    t.string('definition_key', 255).notNullable();
    /** The UTC hour, as text: 2026-12-01T14:00:00Z. */
    t.string('hour', 20).notNullable();
    t.bigInteger('started').notNullable();
    t.bigInteger('completed').notNullable();
    t.primary(['definition_key', 'hour']);
    t.index(['hour']);
  });
  await knex.schema.createTable('stats_task_counts', (t) => {
    t.string('definition_key', 255).notNullable();
    t.string('activity_id', 255).notNullable();
    t.string('name', 255);
    t.bigInteger('open').notNullable();
    t.bigInteger('completed').notNullable();
    t.primary(['definition_key', 'activity_id']);
  });
  await knex.schema.createTable('stats_group_counts', (t) => {
    t.string('group_name', 255).notNullable();
    t.string('definition_key', 255).notNullable();
    t.bigInteger('open').notNullable();
    t.primary(['group_name', 'definition_key']);
  });
  await knex.schema.createTable('stats_waits', (t) => {
    t.bigIncrements('id').primary();
    t.string('process_instance_id', 64).notNullable().references('id').inTable('process_instances').onDelete('CASCADE');
    t.string('definition_key', 255).notNullable();
    t.string('activity_id', 255).notNullable();
    t.string('activity_name', 255);
    t.string('activity_type', 64);
    t.timestamp('since', { useTz: true }).notNullable();
    t.index(['process_instance_id']);
    t.index(['definition_key', 'activity_id', 'since']);
  });
  await knex.schema.createTable('stats_wait_counts', (t) => {
    t.string('definition_key', 255).notNullable();
    t.string('activity_id', 255).notNullable();
    t.string('activity_name', 255);
    t.string('activity_type', 64);
    t.bigInteger('n').notNullable();
    t.primary(['definition_key', 'activity_id']);
  });
  await rebuildStatsCounters(knex, dialectOf(knex));
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['stats_wait_counts', 'stats_waits', 'stats_group_counts', 'stats_task_counts', 'stats_instance_hours', 'stats_instance_counts']) {
    await knex.schema.dropTableIfExists(t);
  }
  await knex.schema.alterTable('process_instances', (t) => {
    t.dropIndex(['definition_key', 'ended_at'], 'process_instances_key_ended_index');
    t.dropIndex(['definition_key', 'started_at'], 'process_instances_key_started_index');
    t.dropIndex(['started_at'], 'process_instances_started_index');
    t.dropIndex(['state', 'ended_at'], 'process_instances_state_ended_index');
    t.dropIndex(['definition_key', 'state', 'started_at'], 'process_instances_key_state_started_index');
  });
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex(['state', 'completed_at'], 'tasks_state_completed_index');
    t.dropIndex(['state', 'definition_key', 'activity_id', 'created_at'], 'tasks_state_activity_created_index');
  });
}
