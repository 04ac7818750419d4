// One row that every node reads per authenticated request: its epoch goes up in the same
// transaction as any write that takes a token away (revoke, rotate, delete a user, replace the
// environment's token). A node keeps the token → user answers it has looked up in memory and
// drops them all when it reads an epoch other than the one they were looked up under, so a
// revoked token stops working on the next request on every node.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('token_epoch', (t) => {
    t.integer('id').primary();
    t.bigInteger('epoch').notNullable();
  });
  await knex('token_epoch').insert({ id: 1, epoch: 0 });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('token_epoch');
}
