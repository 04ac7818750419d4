// The core schema: deployments, definitions, instances and everything derived from them.
// Shared by SQLite and Postgres; times are ISO 8601 text on SQLite and timestamptz on Postgres.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('deployments', (t) => {
    t.string('id', 64).primary();
    t.string('name', 255).notNullable();
    t.string('content_hash', 64).notNullable().unique();
    t.timestamp('deployed_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('process_definitions', (t) => {
    t.string('id', 128).primary();
    t.string('key', 255).notNullable();
    t.string('name', 255);
    t.integer('version').notNullable();
    t.string('deployment_id', 64).notNullable().references('id').inTable('deployments');
    t.string('content_hash', 64).notNullable();
    t.text('xml').notNullable();
    t.boolean('executable').notNullable();
    t.boolean('startable').notNullable();
    t.text('info').notNullable();
    t.timestamp('deployed_at', { useTz: true }).notNullable();
    t.unique(['key', 'version']);
  });
  await knex.schema.createTable('process_instances', (t) => {
    t.string('id', 64).primary();
    t.string('definition_id', 128).notNullable().references('id').inTable('process_definitions');
    t.string('definition_key', 255).notNullable();
    t.integer('definition_version').notNullable();
    t.string('business_key', 255);
    t.string('state', 16).notNullable();
    t.string('started_by', 255);
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('ended_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.text('variables').notNullable();
    t.text('waiting_at').notNullable();
    t.text('engine_state');
    t.timestamp('next_timer_at', { useTz: true });
    t.integer('version').notNullable();
    t.index(['next_timer_at']);
    t.index(['definition_key', 'state']);
    t.index(['business_key']);
    t.index(['state', 'started_at']);
  });
  await knex.schema.createTable('tasks', (t) => {
    t.string('id', 64).primary();
    t.string('process_instance_id', 64).notNullable().references('id').inTable('process_instances').onDelete('CASCADE');
    t.string('definition_key', 255).notNullable();
    t.string('activity_id', 255).notNullable();
    t.string('execution_id', 255).notNullable();
    t.string('name', 255);
    t.text('candidate_groups').notNullable();
    t.string('assignee', 255);
    t.string('state', 16).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('claimed_at', { useTz: true });
    t.timestamp('completed_at', { useTz: true });
    t.string('completed_by', 255);
    t.text('form').notNullable();
    t.text('variables');
    t.unique(['process_instance_id', 'execution_id']);
    t.index(['state', 'definition_key']);
  });
  await knex.schema.createTable('task_candidate_groups', (t) => {
    t.string('task_id', 64).notNullable().references('id').inTable('tasks').onDelete('CASCADE');
    t.string('group_name', 255).notNullable();
    t.primary(['task_id', 'group_name']);
    t.index(['group_name']);
  });
  await knex.schema.createTable('message_subscriptions', (t) => {
    t.increments('id').primary();
    t.string('process_instance_id', 64).notNullable().references('id').inTable('process_instances').onDelete('CASCADE');
    t.string('kind', 16).notNullable();
    t.string('name', 255).notNullable();
    t.string('element_ref', 255).notNullable();
    t.string('activity_id', 255).notNullable();
    t.string('business_key', 255);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['kind', 'name']);
    t.index(['process_instance_id']);
  });
  await knex.schema.createTable('history', (t) => {
    t.bigIncrements('id').primary();
    t.string('process_instance_id', 64).notNullable().references('id').inTable('process_instances').onDelete('CASCADE');
    t.string('definition_key', 255).notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.string('activity_id', 255);
    t.string('activity_name', 255);
    t.string('activity_type', 64);
    t.string('event', 32).notNullable();
    t.string('by', 255);
    t.index(['process_instance_id', 'id']);
    t.index(['definition_key', 'activity_id', 'event']);
  });
  await knex.schema.createTable('incidents', (t) => {
    t.string('id', 64).primary();
    t.string('process_instance_id', 64).notNullable().references('id').inTable('process_instances').onDelete('CASCADE');
    t.string('definition_key', 255).notNullable();
    t.string('activity_id', 255);
    t.string('kind', 32).notNullable();
    t.text('message').notNullable();
    t.integer('retries').notNullable().defaultTo(0);
    t.string('state', 16).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('resolved_at', { useTz: true });
    t.index(['state']);
    t.index(['process_instance_id']);
  });
  await knex.schema.createTable('users', (t) => {
    t.string('id', 64).primary();
    t.string('name', 255).notNullable().unique();
    t.text('groups').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('tokens', (t) => {
    t.string('token_hash', 64).primary();
    t.string('user_id', 64).notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'tokens',
    'users',
    'incidents',
    'history',
    'message_subscriptions',
    'task_candidate_groups',
    'tasks',
    'process_instances',
    'process_definitions',
    'deployments',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
