// Time-driven work: one jobs table for everything that must happen later (due BPMN timers,
// service-task retries, schedule firings), the schedules, and the shared service clock.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('jobs', (t) => {
    t.string('id', 64).primary();
    t.string('kind', 32).notNullable();
    t.string('process_instance_id', 64).references('id').inTable('process_instances').onDelete('CASCADE');
    t.string('activity_id', 255);
    t.string('execution_id', 255);
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.string('lock_owner', 128);
    t.timestamp('lock_expires_at', { useTz: true });
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    t.text('payload').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['due_at']);
    t.index(['process_instance_id', 'kind']);
  });
  await knex.schema.createTable('schedules', (t) => {
    t.string('id', 64).primary();
    t.string('name', 255).notNullable();
    t.string('process_key', 255).notNullable();
    t.string('recurrence', 255);
    t.text('variables').notNullable();
    t.timestamp('next_run_at', { useTz: true });
    t.timestamp('last_run_at', { useTz: true });
    t.integer('runs_left');
    t.integer('run_count').notNullable().defaultTo(0);
    t.boolean('enabled').notNullable();
    t.string('source', 32).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['enabled', 'next_run_at']);
    t.unique(['name']);
  });
  await knex.schema.createTable('clock_state', (t) => {
    t.integer('id').primary();
    t.double('speed').notNullable();
    t.bigInteger('origin_real_ms').notNullable();
    t.bigInteger('origin_service_ms').notNullable();
    t.bigInteger('updated_ms').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('clock_state');
  await knex.schema.dropTableIfExists('schedules');
  await knex.schema.dropTableIfExists('jobs');
}
