// The orders area (docs/orders.md): orders placed by clients and handled by suppliers through
// processes/order-fulfilment.bpmn — its migration, store, quote and notification handlers, the
// order use cases, and its routes (/api/orders and the prototype's /place_order, /check_…).
import { createSmtpMailer } from '../../connectors/mailer';
import type { AreaModule, RunningArea } from '../area';
import { ProductStore } from '../catalogue/product-store';
import { legacyOrderRoutes } from './http/legacy-order-routes';
import { orderPaths } from './http/order-openapi';
import { orderRoutes } from './http/order-routes';
import * as ordersMigration from './migrations/20261123000002_orders';
import { registerOrderHandlers } from './order-handlers';
import { OrderNotifier } from './order-notifications';
import { OrderQuotes } from './order-quotes';
import { OrderService } from './order-service';
import { ORDER_PROCESS_KEY } from './order-status';
import { OrderStore } from './order-store';
import type { ProductPrices } from './pricing';

export interface OrdersArea extends RunningArea {
  orders: OrderService;
  store: OrderStore;
}

export const ordersArea: AreaModule<OrdersArea> = {
  name: 'orders',
  migrations: { '20261123000002_orders': ordersMigration },
  schedules: () => [],
  // An order's status and history are read from its instance: retention keeps them.
  retains: [ORDER_PROCESS_KEY],
  create({ config, db, store, starts, services, clock, logger }) {
    const orderStore = new OrderStore(db.knex, db.dialect);
    // Unit prices from the synced product catalogue (by product code), else the configured rule.
    const products = new ProductStore(db.knex);
    const prices: ProductPrices = { unitPriceOf: async (code) => (await products.get(code))?.price };
    const log = logger.child({ area: 'orders' });
    const mailer = config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.smtpFrom) : null;
    if (!mailer) log.info('PROCFLOW_SMTP_URL is not set: order notifications are recorded and logged, not mailed');
    const quotes = new OrderQuotes(orderStore, prices, config.defaultUnitPrice, clock, config.quoteExpiresAfter);
    registerOrderHandlers(services, { orders: orderStore, quotes, notifier: new OrderNotifier(orderStore, mailer, clock, log) });
    const orders = new OrderService(orderStore, store.users, starts, clock, log, {
      reminderAfter: config.quoteReminderAfter,
      expiresAfter: config.quoteExpiresAfter,
    });
    return {
      name: 'orders',
      orders,
      store: orderStore,
      http: { api: (ctx) => orderRoutes(ctx, orders), root: (ctx) => legacyOrderRoutes(ctx, orders), openapi: orderPaths },
    };
  },
};
