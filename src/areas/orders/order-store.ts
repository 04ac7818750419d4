// Orders, their quotes and their notifications to the client. An order is read together with
// the columns of its process instance that its status is derived from (state, waits, variables).
import type { Knex } from 'knex';
import { toHistory } from '../../store/history-store';
import { parseJson, toIso } from '../../store/row-codec';
import type { Dialect } from '../../store/dialect';
import type { HistoryRecord, InstanceState, Page, PageQuery, TransactionWrite, WaitingAt } from '../../store/types';

type Row = Record<string, unknown>;

export interface OrderItem {
  description: string;
  quantity: number;
  productCode?: string;
}

export interface OrderRecord {
  id: string;
  number: number;
  customerName: string;
  email: string;
  /** The user (group `client`) whose order this is; null when placed for someone without an account. */
  clientUser: string | null;
  items: OrderItem[];
  processInstanceId: string | null;
  placedBy: string | null;
  createdAt: string;
}

/** What an order's status is derived from. */
export interface OrderInstanceState {
  state: InstanceState;
  waitingAt: WaitingAt[];
  variables: Record<string, unknown>;
}

export interface QuoteLine {
  description: string;
  productCode?: string;
  quantity: number;
  unitPriceCents: number;
  amountCents: number;
  priceSource: 'catalogue' | 'rule';
}

export interface QuoteSummary {
  orderId: string;
  /** null while the quote is reserved but not yet written (a crash in between is completed on the next run). */
  number: string | null;
  seq: number;
  currency: string | null;
  totalCents: number | null;
  createdAt: string;
  sentAt: string | null;
}

export interface QuoteRecord extends QuoteSummary {
  lines: QuoteLine[];
  text: string | null;
  pdf: Buffer | null;
}

export interface OrderView {
  order: OrderRecord;
  instance: OrderInstanceState | null;
  quote: QuoteSummary | null;
}

export type NotificationState = 'pending' | 'sent' | 'recorded';

export interface NotificationRecord {
  id: number;
  orderId: string;
  processInstanceId: string;
  activityId: string;
  executionId: string;
  kind: string;
  recipient: string;
  subject: string;
  body: string;
  state: NotificationState;
  messageId: string | null;
  createdAt: string;
  sentAt: string | null;
}

export type NewNotification = Omit<NotificationRecord, 'id' | 'state' | 'messageId' | 'sentAt'>;

const VIEW_COLUMNS = [
  'o.*',
  'pi.state as pi_state',
  'pi.waiting_at as pi_waiting_at',
  'pi.variables as pi_variables',
  'q.seq as q_seq',
  'q.number as q_number',
  'q.currency as q_currency',
  'q.total_cents as q_total_cents',
  'q.created_at as q_created_at',
  'q.sent_at as q_sent_at',
];

function toOrder(r: Row): OrderRecord {
  return {
    id: String(r.id),
    number: Number(r.number),
    customerName: String(r.customer_name),
    email: String(r.email),
    clientUser: (r.client_user as string | null) ?? null,
    items: parseJson<OrderItem[]>(r.items, []),
    processInstanceId: (r.process_instance_id as string | null) ?? null,
    placedBy: (r.placed_by as string | null) ?? null,
    createdAt: toIso(r.created_at) as string,
  };
}

function toQuoteSummary(r: Row, prefix = ''): QuoteSummary {
  const total = r[`${prefix}total_cents`];
  return {
    orderId: String(r[prefix ? 'id' : 'order_id']),
    number: (r[`${prefix}number`] as string | null) ?? null,
    seq: Number(r[`${prefix}seq`]),
    currency: (r[`${prefix}currency`] as string | null) ?? null,
    totalCents: total === null || total === undefined ? null : Number(total),
    createdAt: toIso(r[`${prefix}created_at`]) as string,
    sentAt: toIso(r[`${prefix}sent_at`]),
  };
}

function toView(r: Row): OrderView {
  return {
    order: toOrder(r),
    instance: r.pi_state
      ? {
          state: r.pi_state as InstanceState,
          waitingAt: parseJson<WaitingAt[]>(r.pi_waiting_at, []),
          variables: parseJson<Record<string, unknown>>(r.pi_variables, {}),
        }
      : null,
    quote: r.q_seq === null || r.q_seq === undefined ? null : toQuoteSummary(r, 'q_'),
  };
}

function toNotification(r: Row): NotificationRecord {
  return {
    id: Number(r.id),
    orderId: String(r.order_id),
    processInstanceId: String(r.process_instance_id),
    activityId: String(r.activity_id),
    executionId: String(r.execution_id),
    kind: String(r.kind),
    recipient: String(r.recipient),
    subject: String(r.subject),
    body: String(r.body),
    state: r.state as NotificationState,
    messageId: (r.message_id as string | null) ?? null,
    createdAt: toIso(r.created_at) as string,
    sentAt: toIso(r.sent_at),
  };
}

export class OrderStore {
  constructor(
    private readonly knex: Knex,
    private readonly dialect: Dialect,
  ) {}

  // ----- orders -----

  /** Inserts an order and returns its number (the integer the prototype's routes use). */
  /**
   * Reserves the next order number from the orders table's own counter (the serial's sequence on
   * Postgres, sqlite_sequence on SQLite), outside any event: a crash after it leaves only a gap.
   */
  async reserveNumber(): Promise<number> {
    if (this.dialect === 'postgres') {
      const result = await this.knex.raw<{ rows: Array<{ n: string }> }>("select nextval(pg_get_serial_sequence('orders', 'number')) as n");
      return Number(result.rows[0]?.n);
    }
    return this.knex.transaction(async (trx) => {
      const row: Row | undefined = await trx('sqlite_sequence').where({ name: 'orders' }).first('seq');
      const max: Row | undefined = await trx('orders').max({ m: 'number' }).first();
      const next = Math.max(Number(row?.seq ?? 0), Number(max?.m ?? 0)) + 1;
      if (row) await trx('sqlite_sequence').where({ name: 'orders' }).update({ seq: next });
      else await trx('sqlite_sequence').insert({ name: 'orders', seq: next });
      return next;
    });
  }

  /** The order row, written in the transaction of the event that starts its instance. */
  insertIn(order: OrderRecord): TransactionWrite {
    return async (trx) => {
      await trx('orders').insert({
        number: order.number,
        id: order.id,
        customer_name: order.customerName,
        email: order.email,
        client_user: order.clientUser,
        items: JSON.stringify(order.items),
        process_instance_id: order.processInstanceId,
        placed_by: order.placedBy,
        created_at: order.createdAt,
      });
    };
  }

  private views(): Knex.QueryBuilder {
    return this.knex('orders as o')
      .leftJoin('process_instances as pi', 'pi.id', 'o.process_instance_id')
      .leftJoin('quotes as q', 'q.order_id', 'o.id')
      .select(VIEW_COLUMNS);
  }

  async find(key: { id: string } | { number: number }): Promise<OrderView | undefined> {
    const q = this.views();
    void ('id' in key ? q.where('o.id', key.id) : q.where('o.number', key.number));
    const row = (await q.first()) as Row | undefined;
    return row ? toView(row) : undefined;
  }

  /** Newest first; `clientUser` limits the list to that client's orders. */
  async list(filter: { clientUser?: string }, page: PageQuery): Promise<Page<OrderView>> {
    const where = (q: Knex.QueryBuilder) => (filter.clientUser === undefined ? q : q.where('o.client_user', filter.clientUser));
    const [countRow] = (await where(this.knex('orders as o').count({ n: '*' }))) as Row[];
    const rows = (await where(this.views()).orderBy('o.number', 'desc').limit(page.limit).offset(page.offset)) as Row[];
    return { items: rows.map(toView), total: Number(countRow?.n ?? 0) };
  }

  /**
   * The steps of each instance a person would call the order's history: start, end or cancel,
   * and every user or service task that ended (with who completed it), oldest first.
   */
  async historyOf(processInstanceIds: string[]): Promise<Map<string, HistoryRecord[]>> {
    const out = new Map<string, HistoryRecord[]>();
    if (!processInstanceIds.length) return out;
    const rows = (await this.knex('history')
      .whereIn('process_instance_id', processInstanceIds)
      .andWhere((w) => void w.whereNull('activity_id').orWhere((w2) => void w2.where('event', 'end').whereIn('activity_type', ['UserTask', 'ServiceTask'])))
      .orderBy('id')) as Row[];
    for (const r of rows) {
      const id = String(r.process_instance_id);
      const list = out.get(id) ?? [];
      list.push(toHistory(r));
      out.set(id, list);
    }
    return out;
  }

  // ----- quotes -----

  async quoteOf(orderId: string): Promise<QuoteRecord | undefined> {
    const row = (await this.knex('quotes').where({ order_id: orderId }).first()) as Row | undefined;
    if (!row) return undefined;
    const pdf = row.pdf;
    return {
      ...toQuoteSummary(row),
      lines: parseJson<QuoteLine[]>(row.lines, []),
      text: (row.text as string | null) ?? null,
      pdf: pdf === null || pdf === undefined ? null : Buffer.from(pdf as Uint8Array),
    };
  }

  /** The order's quote row, created if there is none yet: its `seq` is the quote number's sequence. */
  async reserveQuote(orderId: string, processInstanceId: string, createdAt: string): Promise<QuoteRecord> {
    await this.knex('quotes').insert({ order_id: orderId, process_instance_id: processInstanceId, created_at: createdAt }).onConflict('order_id').ignore();
    return (await this.quoteOf(orderId)) as QuoteRecord;
  }

  async writeQuote(
    orderId: string,
    quote: { number: string; currency: string; totalCents: number; lines: QuoteLine[]; text: string; pdf: Buffer },
  ): Promise<QuoteRecord> {
    await this.knex('quotes')
      .where({ order_id: orderId })
      .update({
        number: quote.number,
        currency: quote.currency,
        total_cents: quote.totalCents,
        lines: JSON.stringify(quote.lines),
        text: quote.text,
        pdf: quote.pdf,
      });
    return (await this.quoteOf(orderId)) as QuoteRecord;
  }

  /** Records when the quote was first sent to the client (a later send keeps the first time). */
  async markQuoteSent(orderId: string, at: string): Promise<void> {
    await this.knex('quotes').where({ order_id: orderId }).whereNull('sent_at').update({ sent_at: at });
  }

  // ----- notifications -----

  /** The notification of one run of a service task, created pending if it does not exist yet. */
  async claimNotification(n: NewNotification): Promise<NotificationRecord> {
    const key = { process_instance_id: n.processInstanceId, activity_id: n.activityId, execution_id: n.executionId };
    await this.knex('order_notifications')
      .insert({
        ...key,
        order_id: n.orderId,
        kind: n.kind,
        recipient: n.recipient,
        subject: n.subject,
        body: n.body,
        state: 'pending',
        created_at: n.createdAt,
      })
      .onConflict(['process_instance_id', 'activity_id', 'execution_id'])
      .ignore();
    return toNotification((await this.knex('order_notifications').where(key).first()) as Row);
  }

  async markNotification(id: number, state: Exclude<NotificationState, 'pending'>, at: string, messageId: string | null): Promise<void> {
    await this.knex('order_notifications').where({ id }).update({ state, sent_at: at, message_id: messageId });
  }

  async notificationsOf(orderId: string): Promise<NotificationRecord[]> {
    const rows = (await this.knex('order_notifications').where({ order_id: orderId }).orderBy('id')) as Row[];
    return rows.map(toNotification);
  }
}
