// Orders as people use them: placing one starts an instance of the order process (business key =
// order id); reading one gives its status as derived from that instance, its quote and history.
// Who sees what: suppliers and admins every order, a client only its own.
import crypto from 'node:crypto';
import type { Logger } from 'winston';
import { AppError } from '../../errors/app-error';
import type { Clock } from '../../engine/clock';
import { isAdmin, type Actor, type ProcessRuntime } from '../../engine/process-runtime';
import type { NotificationRecord, OrderItem, OrderRecord, OrderView, QuoteRecord, QuoteSummary } from '../../store/order-store';
import type { Store } from '../../store/store';
import type { HistoryRecord, Page, PageQuery } from '../../store/types';
import { deriveOrderStatus, ORDER_PROCESS_KEY, type OrderStatus } from './order-status';

export const CLIENT_GROUP = 'client';
export const SUPPLIER_GROUP = 'supplier';

export interface PlaceOrderInput {
  customerName: string;
  email: string;
  items: OrderItem[];
  /** Who the order is for, when a supplier or an admin places it for a client user. */
  clientUser?: string;
}

/** ISO 8601 durations the order process's timers read (process variables quoteReminderAfter, quoteExpiresAfter). */
export interface QuoteTimers {
  reminderAfter: string;
  expiresAfter: string;
}

export interface OrderDetails {
  order: OrderRecord;
  status: OrderStatus;
  /** null until there is a quote the caller may see (a client sees it once it was sent). */
  quote: QuoteSummary | null;
  history: HistoryRecord[];
}

/** Staff see every order and its quote as soon as it exists; null is an anonymous legacy caller. */
function isStaff(actor: Actor | null): boolean {
  return actor !== null && (isAdmin(actor) || actor.groups.includes(SUPPLIER_GROUP));
}

export class OrderService {
  constructor(
    private readonly store: Store,
    private readonly runtime: ProcessRuntime,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly quoteTimers: QuoteTimers,
  ) {}

  /** The orders a caller may see: all (staff, anonymous legacy caller) or those of one client. */
  private scope(actor: Actor | null): { clientUser?: string } {
    if (actor === null || isStaff(actor)) return {};
    if (actor.groups.includes(CLIENT_GROUP)) return { clientUser: actor.name };
    throw new AppError('FORBIDDEN', `user <${actor.name}> is in none of the groups <${CLIENT_GROUP}>, <${SUPPLIER_GROUP}>, <admin>: orders are not for it`);
  }

  private async clientUserFor(input: PlaceOrderInput, actor: Actor | null): Promise<string | null> {
    if (actor === null) return null;
    if (isStaff(actor)) {
      if (!input.clientUser) return null;
      const user = await this.store.users.findByName(input.clientUser);
      if (!user?.groups.includes(CLIENT_GROUP)) {
        throw new AppError('VALIDATION_FAILED', `expected <clientUser> to name a user of group <${CLIENT_GROUP}>, found <${input.clientUser}>`, {
          errors: [{ pointer: '/clientUser', message: `no user <${input.clientUser}> in group <${CLIENT_GROUP}>` }],
        });
      }
      return user.name;
    }
    const own = this.scope(actor).clientUser as string;
    if (input.clientUser && input.clientUser !== own) {
      throw new AppError('FORBIDDEN', `client <${own}> may place orders for itself only, not for <${input.clientUser}>`);
    }
    return own;
  }

  async place(input: PlaceOrderInput, actor: Actor | null): Promise<OrderDetails> {
    const clientUser = await this.clientUserFor(input, actor);
    const id = crypto.randomUUID();
    const order: Omit<OrderRecord, 'number'> = {
      id,
      customerName: input.customerName,
      email: input.email,
      clientUser,
      items: input.items,
      processInstanceId: null,
      placedBy: actor?.name ?? null,
      createdAt: this.clock.now().toISOString(),
    };
    const number = await this.store.orders.insert(order);
    const variables = {
      orderId: id,
      orderNumber: number,
      customerName: order.customerName,
      email: order.email,
      items: order.items,
      ...(clientUser ? { clientUser } : {}),
      // Read by the timers on "Evaluate quote" (PROCFLOW_QUOTE_REMINDER_AFTER, PROCFLOW_QUOTE_EXPIRES_AFTER).
      quoteReminderAfter: this.quoteTimers.reminderAfter,
      quoteExpiresAfter: this.quoteTimers.expiresAfter,
    };
    let instanceId: string;
    try {
      instanceId = (await this.runtime.start(ORDER_PROCESS_KEY, { businessKey: id, variables }, actor)).id;
    } catch (err) {
      await this.store.orders.delete(id);
      throw err;
    }
    await this.store.orders.attachInstance(id, instanceId);
    this.logger.info(`order ${number} placed`, { order: id, processInstance: instanceId, clientUser, by: actor?.name ?? null });
    return this.get({ id }, actor);
  }

  async list(actor: Actor | null, page: PageQuery): Promise<Page<OrderDetails>> {
    const views = await this.store.orders.list(this.scope(actor), page);
    const histories = await this.store.orders.historyOf(views.items.flatMap((v) => (v.order.processInstanceId ? [v.order.processInstanceId] : [])));
    return { items: views.items.map((v) => this.details(v, actor, histories)), total: views.total };
  }

  /** An order the caller may see (by API id or by the prototype's order number); 404 otherwise. */
  async get(key: { id: string } | { number: number }, actor: Actor | null): Promise<OrderDetails> {
    const view = await this.visible(key, actor);
    const histories = await this.store.orders.historyOf(view.order.processInstanceId ? [view.order.processInstanceId] : []);
    return this.details(view, actor, histories);
  }

  /** The order's quote document, once the caller may see it (a client: once it was sent). */
  async quote(id: string, actor: Actor | null): Promise<QuoteRecord> {
    const view = await this.visible({ id }, actor);
    const quote = await this.store.orders.quoteOf(id);
    if (!quote?.number || !this.quoteVisible(quote, actor)) {
      throw new AppError('QUOTE_NOT_FOUND', `order <${id}> has no quote${isStaff(actor) ? '' : ' sent'} yet (status ${deriveOrderStatus(view.instance)})`);
    }
    return quote;
  }

  async notifications(id: string, actor: Actor | null): Promise<NotificationRecord[]> {
    await this.visible({ id }, actor);
    return this.store.orders.notificationsOf(id);
  }

  private quoteVisible(quote: QuoteSummary, actor: Actor | null): boolean {
    return quote.number !== null && (isStaff(actor) || quote.sentAt !== null);
  }

  private async visible(key: { id: string } | { number: number }, actor: Actor | null): Promise<OrderView> {
    const scope = this.scope(actor);
    let view = await this.store.orders.find(key);
    if (!view || (scope.clientUser !== undefined && view.order.clientUser !== scope.clientUser)) {
      throw new AppError('ORDER_NOT_FOUND', `order <${'id' in key ? key.id : key.number}> does not exist`);
    }
    if (!view.order.processInstanceId) view = (await this.relink(view)) ?? view;
    return view;
  }

  /** An order whose instance started but whose link was not saved (a crash in between) finds it by business key. */
  private async relink(view: OrderView): Promise<OrderView | undefined> {
    const found = await this.store.instances.list({ businessKey: view.order.id, definitionKey: ORDER_PROCESS_KEY }, { limit: 1, offset: 0 });
    const instance = found.items[0];
    if (!instance) return undefined;
    await this.store.orders.attachInstance(view.order.id, instance.id);
    return this.store.orders.find({ id: view.order.id });
  }

  private details(view: OrderView, actor: Actor | null, histories: Map<string, HistoryRecord[]>): OrderDetails {
    return {
      order: view.order,
      status: deriveOrderStatus(view.instance),
      quote: view.quote && this.quoteVisible(view.quote, actor) ? view.quote : null,
      history: (view.order.processInstanceId && histories.get(view.order.processInstanceId)) || [],
    };
  }
}
