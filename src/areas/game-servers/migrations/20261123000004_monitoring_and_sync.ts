// Game-server monitoring (docs/game-servers.md): servers, raw samples, hourly roll-ups and
// status-change events. (Databases made before the areas had migrations of their own got the
// catalogue's tables from this migration too; see the catalogue area's migration.)
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
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['game_server_events', 'game_server_rollups', 'game_server_samples', 'game_servers']) {
    await knex.schema.dropTableIfExists(table);
  }
}
