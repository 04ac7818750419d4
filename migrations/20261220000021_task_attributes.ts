// What a user task carries besides its candidate groups: named candidate users (with a table to
// find a user's tasks by), due and follow-up dates and a priority (Camunda's default 50), the
// comments people leave on a task, and the indexes the task list's filters and sorts use.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    /** JSON list of user names, as candidate_groups holds group names. */
    t.text('candidate_users');
    t.timestamp('due_at', { useTz: true });
    t.timestamp('follow_up_at', { useTz: true });
    t.integer('priority').notNullable().defaultTo(50);
  });
  await knex.schema.alterTable('tasks', (t) => {
    t.index(['state', 'due_at'], 'tasks_state_due_index');
    t.index(['state', 'priority'], 'tasks_state_priority_index');
    t.index(['state', 'created_at'], 'tasks_state_created_index');
    t.index(['assignee', 'state'], 'tasks_assignee_state_index');
    t.index(['completed_by', 'state'], 'tasks_completed_by_state_index');
  });
  await knex.schema.createTable('task_candidate_users', (t) => {
    t.string('task_id', 64).notNullable().references('id').inTable('tasks').onDelete('CASCADE');
    t.string('user_name', 255).notNullable();
    t.primary(['task_id', 'user_name']);
    t.index(['user_name']);
  });
  await knex.schema.createTable('task_comments', (t) => {
    // A sequence: comments of one moment keep the order they were written in.
    t.increments('id').primary();
    t.string('task_id', 64).notNullable().references('id').inTable('tasks').onDelete('CASCADE');
    t.string('author', 255).notNullable();
    t.text('message').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['task_id', 'created_at'], 'task_comments_task_created_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('task_comments');
  await knex.schema.dropTableIfExists('task_candidate_users');
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex(['completed_by', 'state'], 'tasks_completed_by_state_index');
    t.dropIndex(['assignee', 'state'], 'tasks_assignee_state_index');
    t.dropIndex(['state', 'created_at'], 'tasks_state_created_index');
    t.dropIndex(['state', 'priority'], 'tasks_state_priority_index');
    t.dropIndex(['state', 'due_at'], 'tasks_state_due_index');
  });
  await knex.schema.alterTable('tasks', (t) => {
    t.dropColumn('priority');
    t.dropColumn('follow_up_at');
    t.dropColumn('due_at');
    t.dropColumn('candidate_users');
  });
}
