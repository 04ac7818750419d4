// Client/supplier orders (docs/orders.md): the order as placed, its quote (numbered, with the
// text and PDF as sent) and every notification to the client. An order's status is not stored:
// it is read from its process instance, so it can never disagree with it.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('orders', (t) => {
    // The prototype's integer order id, still used by its routes (/check_order/{n}).
    t.increments('number').primary();
    t.string('id', 64).notNullable().unique();
    t.string('customer_name', 255).notNullable();
    t.string('email', 320).notNullable();
    t.string('client_user', 255);
    t.text('items').notNullable();
    t.string('process_instance_id', 64);
    t.string('placed_by', 255);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['client_user', 'number']);
    t.index(['process_instance_id']);
  });
  await knex.schema.createTable('quotes', (t) => {
    // The sequence behind quote numbers (Q-<year>-<seq>).
    t.increments('seq').primary();
    t.string('number', 32).unique();
    t.string('order_id', 64).notNullable().unique().references('id').inTable('orders').onDelete('CASCADE');
    t.string('process_instance_id', 64).notNullable();
    t.string('currency', 3);
    t.bigInteger('total_cents');
    t.text('lines');
    t.text('text');
    t.binary('pdf');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('sent_at', { useTz: true });
  });
  await knex.schema.createTable('order_notifications', (t) => {
    t.increments('id').primary();
    t.string('order_id', 64).notNullable().references('id').inTable('orders').onDelete('CASCADE');
    t.string('process_instance_id', 64).notNullable();
    t.string('activity_id', 255).notNullable();
    t.string('execution_id', 255).notNullable();
    t.string('kind', 32).notNullable();
    t.string('recipient', 320).notNullable();
    t.string('subject', 255).notNullable();
    t.text('body').notNullable();
    // pending → sent (mailed) or recorded (no SMTP configured)
    t.string('state', 16).notNullable();
    t.string('message_id', 255);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('sent_at', { useTz: true });
    // A service task that runs again after a recover must not notify twice.
    t.unique(['process_instance_id', 'activity_id', 'execution_id']);
    t.index(['order_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['order_notifications', 'quotes', 'orders']) await knex.schema.dropTableIfExists(table);
}
