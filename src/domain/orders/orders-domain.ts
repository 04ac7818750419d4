// Wires the orders area: the mailer (when PROCFLOW_SMTP_URL is set), quotes priced by the
// catalogue or the configured rule, the service-task handlers, and the service the routes use.
import { createSmtpMailer } from '../../connectors/mailer';
import type { DomainDeps } from '../domains';
import { registerOrderHandlers } from './order-handlers';
import { OrderNotifier } from './order-notifications';
import { OrderQuotes } from './order-quotes';
import { OrderService } from './order-service';
import type { ProductPrices } from './pricing';

export function createOrdersDomain(deps: DomainDeps): OrderService {
  const { config, store, runtime, services, clock, logger } = deps;
  // Unit prices from the synced product catalogue (by product code), else the configured rule.
  const prices: ProductPrices = { unitPriceOf: async (code) => (await store.products.get(code))?.price };
  const log = logger.child({ area: 'orders' });
  const mailer = config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.smtpFrom) : null;
  if (!mailer) log.info('PROCFLOW_SMTP_URL is not set: order notifications are recorded and logged, not mailed');
  const quotes = new OrderQuotes(store, prices, config.defaultUnitPrice, clock);
  registerOrderHandlers(services, { store, quotes, notifier: new OrderNotifier(store, mailer, clock, log) });
  return new OrderService(store, runtime, clock, log, { reminderAfter: config.quoteReminderAfter, expiresAfter: config.quoteExpiresAfter });
}
