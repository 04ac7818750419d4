// Orders as people use them: placing one starts an instance of the order process (business key =
// order id); reading one gives its status as derived from that instance, its quote and history.
// Who sees what: suppliers and admins every order, a client only its own.
import crypto from 'node:crypto';
import type { Logger } from 'winston';
import { AppError } from '../../errors/app-error';
import type { Clock } from '../../engine/clock';
import { CLIENT_GROUP, isOrderStaff, maySeeQuote, orderClientFor, orderScope, type Actor } from '../../app/access';
import type { ProcessStarts } from '../../app/process-starts';
import type { UserStore } from '../../store/user-store';
import type { HistoryRecord, Page, PageQuery } from '../../store/types';
import type { NotificationRecord, OrderItem, OrderRecord, OrderStore, OrderView, QuoteRecord, QuoteSummary } from './order-store';
import { deriveOrderStatus, ORDER_PROCESS_KEY, type OrderStatus } from './order-status';

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

export class OrderService {
  constructor(
    private readonly orders: OrderStore,
    private readonly users: UserStore,
    private readonly starts: ProcessStarts,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly quoteTimers: QuoteTimers,
  ) {}

  private async clientUserFor(input: PlaceOrderInput, actor: Actor | null): Promise<string | null> {
    const { clientUser, mustBeClient } = orderClientFor(actor, input.clientUser);
    if (mustBeClient) {
      const user = await this.users.findByName(mustBeClient);
      if (!user?.groups.includes(CLIENT_GROUP)) {
        throw new AppError('VALIDATION_FAILED', `expected <clientUser> to name a user of group <${CLIENT_GROUP}>, found <${mustBeClient}>`, {
          errors: [{ pointer: '/clientUser', message: `no user <${mustBeClient}> in group <${CLIENT_GROUP}>` }],
        });
      }
    }
    return clientUser;
  }

  /** Places an order: the order row and its process instance are written in one commit, or neither. */
  async place(input: PlaceOrderInput, actor: Actor | null): Promise<OrderDetails> {
    const clientUser = await this.clientUserFor(input, actor);
    const id = crypto.randomUUID();
    const processInstanceId = crypto.randomUUID();
    const order: OrderRecord = {
      id,
      number: await this.orders.reserveNumber(),
      customerName: input.customerName,
      email: input.email,
      clientUser,
      items: input.items,
      processInstanceId,
      placedBy: actor?.name ?? null,
      createdAt: this.clock.now().toISOString(),
    };
    const variables = {
      orderId: id,
      orderNumber: order.number,
      customerName: order.customerName,
      email: order.email,
      items: order.items,
      ...(clientUser ? { clientUser } : {}),
      // Read by the timers on "Evaluate quote" (PROCFLOW_QUOTE_REMINDER_AFTER, PROCFLOW_QUOTE_EXPIRES_AFTER).
      quoteReminderAfter: this.quoteTimers.reminderAfter,
      quoteExpiresAfter: this.quoteTimers.expiresAfter,
    };
    await this.starts.startLatest(ORDER_PROCESS_KEY, { businessKey: id, variables }, actor, { id: processInstanceId, writes: [this.orders.insertIn(order)] });
    this.logger.info(`order ${order.number} placed`, { order: id, processInstance: processInstanceId, clientUser, by: actor?.name ?? null });
    return this.get({ id }, actor);
  }

  async list(actor: Actor | null, page: PageQuery): Promise<Page<OrderDetails>> {
    const views = await this.orders.list(orderScope(actor), page);
    const histories = await this.orders.historyOf(views.items.flatMap((v) => (v.order.processInstanceId ? [v.order.processInstanceId] : [])));
    return { items: views.items.map((v) => this.details(v, actor, histories)), total: views.total };
  }

  /** An order the caller may see (by API id or by the prototype's order number); 404 otherwise. */
  async get(key: { id: string } | { number: number }, actor: Actor | null): Promise<OrderDetails> {
    const view = await this.visible(key, actor);
    const histories = await this.orders.historyOf(view.order.processInstanceId ? [view.order.processInstanceId] : []);
    return this.details(view, actor, histories);
  }

  /** The order's quote document, once the caller may see it (a client: once it was sent). */
  async quote(id: string, actor: Actor | null): Promise<QuoteRecord> {
    const view = await this.visible({ id }, actor);
    const quote = await this.orders.quoteOf(id);
    if (!quote?.number || !this.quoteVisible(quote, actor)) {
      throw new AppError('QUOTE_NOT_FOUND', `order <${id}> has no quote${isOrderStaff(actor) ? '' : ' sent'} yet (status ${deriveOrderStatus(view.instance)})`);
    }
    return quote;
  }

  async notifications(id: string, actor: Actor | null): Promise<NotificationRecord[]> {
    await this.visible({ id }, actor);
    return this.orders.notificationsOf(id);
  }

  private quoteVisible(quote: QuoteSummary, actor: Actor | null): boolean {
    return maySeeQuote(actor, quote);
  }

  private async visible(key: { id: string } | { number: number }, actor: Actor | null): Promise<OrderView> {
    const scope = orderScope(actor);
    const view = await this.orders.find(key);
    if (!view || (scope.clientUser !== undefined && view.order.clientUser !== scope.clientUser)) {
      throw new AppError('ORDER_NOT_FOUND', `order <${'id' in key ? key.id : key.number}> does not exist`);
    }
    return view;
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
