// Game servers: the query port (gamedig's, when it is not the game port, or given by hand) and
// what a status says beyond the numbers — the named players, the protocol and the icon.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('game_servers', (t) => {
    /** null on servers registered before: the query port is then worked out from the game and port. */
    t.integer('query_port');
    /** JSON array of {name, id?}, as the last poll found them. */
    t.text('players_json');
    t.integer('protocol_version');
    t.string('protocol_name', 255);
    /** A data URI (Minecraft's favicon), at most 64 KB. */
    t.text('icon');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('game_servers', (t) => {
    t.dropColumn('icon');
    t.dropColumn('protocol_name');
    t.dropColumn('protocol_version');
    t.dropColumn('players_json');
    t.dropColumn('query_port');
  });
}
