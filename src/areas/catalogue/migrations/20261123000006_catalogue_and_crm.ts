// The catalogue's products, the CRM's customers and what each sync did (docs/catalogue-crm.md).
// These tables came with 20261123000004_monitoring_and_sync on databases made before the business
// areas had migrations of their own: there they exist already and are left as they are.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('products')))
    await knex.schema.createTable('products', (t) => {
      t.string('code', 255).primary();
      t.string('source_id', 255).notNullable();
      t.text('description').notNullable();
      t.string('family', 255).notNullable();
      t.string('packaging', 255).notNullable();
      t.decimal('price', 14, 4).notNullable();
      t.integer('min_quantity').notNullable();
      /** Code, description and family folded (lower case, no accents) for `?q=` on both dialects. */
      t.text('search_text').notNullable();
      t.string('content_hash', 64).notNullable();
      t.timestamp('created_at', { useTz: true }).notNullable();
      t.timestamp('updated_at', { useTz: true }).notNullable();
      t.timestamp('synced_at', { useTz: true }).notNullable();
      t.index(['family']);
    });
  if (!(await knex.schema.hasTable('customers')))
    await knex.schema.createTable('customers', (t) => {
      t.string('account', 255).primary();
      t.string('first_name', 255).notNullable();
      t.string('last_name', 255).notNullable();
      t.integer('fidelity_points').notNullable();
      t.string('payment', 255).notNullable();
      /** Account and names folded (lower case, no accents) for `?q=` on both dialects. */
      t.text('search_text').notNullable();
      t.string('content_hash', 64).notNullable();
      t.timestamp('created_at', { useTz: true }).notNullable();
      t.timestamp('updated_at', { useTz: true }).notNullable();
      t.timestamp('synced_at', { useTz: true }).notNullable();
      t.index(['last_name']);
    });
  if (!(await knex.schema.hasTable('sync_runs')))
    await knex.schema.createTable('sync_runs', (t) => {
      t.string('id', 64).primary();
      t.string('kind', 16).notNullable();
      t.string('process_instance_id', 64);
      t.string('execution_id', 255);
      t.string('source_url', 1024);
      t.string('status', 16).notNullable();
      t.timestamp('started_at', { useTz: true }).notNullable();
      t.timestamp('finished_at', { useTz: true }).notNullable();
      t.integer('fetched').notNullable().defaultTo(0);
      t.integer('added').notNullable().defaultTo(0);
      t.integer('changed').notNullable().defaultTo(0);
      t.integer('unchanged').notNullable().defaultTo(0);
      t.text('error');
      t.index(['kind', 'started_at']);
      t.index(['process_instance_id']);
    });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['sync_runs', 'customers', 'products']) await knex.schema.dropTableIfExists(table);
}
