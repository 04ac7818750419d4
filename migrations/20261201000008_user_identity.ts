// Users keep their identity after deletion (the row stays, marked deleted, so a new user can never
// take over a deleted user's name and with it its orders and tasks); tokens get an id and a
// source, so they can be listed, revoked and rotated, and a token from the environment replaced.
import crypto from 'node:crypto';
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.timestamp('deleted_at', { useTz: true });
  });
  await knex.schema.alterTable('tokens', (t) => {
    t.string('id', 64);
    /** env (PROCFLOW_ADMIN_TOKEN), generated (the first admin token), api, cli; null: made before sources were kept. */
    t.string('source', 16);
  });
  const rows: Array<{ token_hash: string }> = await knex('tokens').select('token_hash');
  for (const r of rows) await knex('tokens').where({ token_hash: r.token_hash }).update({ id: crypto.randomUUID() });
  await knex.schema.alterTable('tokens', (t) => {
    t.unique(['id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tokens', (t) => {
    t.dropUnique(['id']);
    t.dropColumn('source');
    t.dropColumn('id');
  });
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('deleted_at');
  });
}
