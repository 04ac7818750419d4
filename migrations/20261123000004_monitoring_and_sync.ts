// Game-server monitoring (servers, raw samples, hourly roll-ups, status-change events) and the
// local copies of the product catalogue and the CRM, with a record of every sync run.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('game_servers', (t) => {
    t.string('id', 64).primary();
    t.string('name', 255).notNullable();
    t.string('game', 64).notNullable();
    t.string('host', 255).notNullable();
    t.integer('port').notNullable();
    t.string('provider', 16).notNullable();
    /** A server registered by the built-in simulators (npm start with no outside system configured). */
    t.boolean('demo').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable();
    // The latest status, kept on the row so that the list is one query.
    t.timestamp('checked_at', { useTz: true });
    t.boolean('online');
    t.integer('players_online');
    t.integer('players_max');
    t.text('motd');
    t.string('version', 255);
    t.integer('latency_ms');
    t.text('error');
    t.timestamp('source_checked_at', { useTz: true });
    t.timestamp('status_changed_at', { useTz: true });
    t.unique(['host', 'port', 'provider']);
  });
  await knex.schema.createTable('game_server_samples', (t) => {
    t.bigIncrements('id').primary();
    t.string('server_id', 64).notNullable().references('id').inTable('game_servers').onDelete('CASCADE');
    t.timestamp('checked_at', { useTz: true }).notNullable();
    t.boolean('online').notNullable();
    t.integer('players_online');
    t.integer('players_max');
    t.integer('latency_ms');
    t.text('error');
    t.index(['server_id', 'checked_at']);
    t.index(['checked_at']);
  });
  // One row per server and hour for samples older than the raw retention: sums, so that a later
  // roll-up into the same hour merges exactly.
  await knex.schema.createTable('game_server_rollups', (t) => {
    t.string('server_id', 64).notNullable().references('id').inTable('game_servers').onDelete('CASCADE');
    t.timestamp('hour', { useTz: true }).notNullable();
    t.integer('samples').notNullable();
    t.integer('online_samples').notNullable();
    t.bigInteger('players_sum').notNullable();
    t.integer('players_samples').notNullable();
    t.integer('players_peak');
    t.bigInteger('latency_sum').notNullable();
    t.integer('latency_samples').notNullable();
    t.primary(['server_id', 'hour']);
  });
  await knex.schema.createTable('game_server_events', (t) => {
    t.bigIncrements('id').primary();
    t.string('server_id', 64).notNullable().references('id').inTable('game_servers').onDelete('CASCADE');
    t.string('server_name', 255).notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.boolean('online').notNullable();
    t.text('message').notNullable();
    t.string('process_instance_id', 64);
    /** null until the notify step ran; then what it did: "recorded", "mailed", "webhook", … */
    t.string('delivery', 255);
    t.timestamp('delivered_at', { useTz: true });
    t.index(['delivered_at']);
    t.index(['server_id', 'at']);
  });
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
  for (const table of ['sync_runs', 'customers', 'products', 'game_server_events', 'game_server_rollups', 'game_server_samples', 'game_servers']) {
    await knex.schema.dropTableIfExists(table);
  }
}
