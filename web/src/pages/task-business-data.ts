// What a person needs to decide a task: the instance's business variables shown readably for any
// process, and for the order process (definitionKey orderFulfilment, business key = order id) the
// order's items, the quote (amount, lines, the document) and the client's dispute reason.
import { ApiError, api, request } from '../api';
import { h, mount, table, type Child } from '../dom';
import { dateTime, isIsoTime, label, money, value } from '../format';
import { notice } from '../ui';
import { downloadQuote, orderStatus } from './orders-page';
import type { Order, QuoteDocument, Task } from '@contract';

export const ORDER_PROCESS = 'orderFulfilment';

/** Variables that steer the engine rather than describe the business (timers' settings). */
const TECHNICAL = new Set(['quoteReminderAfter', 'quoteExpiresAfter']);

/** One variable's value, readable: lists of records as a table, records as facts, times local. */
export function readable(v: unknown): Child {
  if (Array.isArray(v)) {
    if (!v.length) return h('span', { class: 'muted' }, 'none');
    if (v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x))) {
      const rows = v as Array<Record<string, unknown>>;
      const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
      return table(
        rows,
        keys.map((k) => ({
          title: label(k),
          cell: (r: Record<string, unknown>) => readable(r[k]),
          class: rows.every((r) => typeof r[k] === 'number') ? 'num' : undefined,
        })),
      );
    }
    return v.map((x) => value(x)).join(', ');
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    return h(
      'dl',
      { class: 'facts nested' },
      entries.map(([k, x]) => [h('dt', null, label(k)), h('dd', null, readable(x))]),
    );
  }
  if (isIsoTime(v)) return h('time', { datetime: v }, dateTime(v));
  return value(v);
}

/** The instance's variables other than the form's own fields, as label → value. */
export function businessVariables(task: Task): HTMLElement | null {
  const own = new Set(task.form.fields.map((f) => f.id));
  const entries = Object.entries(task.variables).filter(([k]) => !own.has(k) && !TECHNICAL.has(k));
  if (!entries.length) return null;
  return h(
    'dl',
    { class: 'facts business', 'data-testid': 'business-data' },
    entries.map(([k, v]) => [h('dt', null, label(k)), h('dd', { 'data-variable': k }, readable(v))]),
  );
}

async function quoteOf(orderId: string): Promise<QuoteDocument | null> {
  try {
    const res = await request(`/api/orders/${encodeURIComponent(orderId)}/quote`, {}, 'application/json');
    return (await res.json()) as QuoteDocument;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 403)) return null;
    throw err;
  }
}

function quotePanel(orderId: string, quote: QuoteDocument | null): HTMLElement {
  const status = h('div');
  if (!quote) return h('div', { class: 'quote', 'data-testid': 'task-quote' }, h('p', { class: 'muted' }, 'There is no quote for this order yet.'));
  return h(
    'div',
    { class: 'quote', 'data-testid': 'task-quote' },
    h('h3', null, 'Quote ', quote.number ?? ''),
    h('p', { class: 'amount' }, 'Amount ', h('strong', { 'data-testid': 'quote-amount' }, money(quote.cost, quote.currency))),
    table(quote.lines, [
      { title: 'Description', cell: (l) => l.description },
      { title: 'Quantity', cell: (l) => l.quantity, class: 'num' },
      { title: 'Unit price', cell: (l) => money(l.unitPrice, quote.currency), class: 'num' },
      { title: 'Amount', cell: (l) => money(l.amount, quote.currency), class: 'num' },
      { title: 'Price from', cell: (l) => (l.priceSource === 'catalogue' ? 'catalogue' : 'default rule') },
    ]),
    h(
      'div',
      { class: 'buttons' },
      h(
        'button',
        { type: 'button', class: 'secondary small', 'data-action': 'quote-text', onclick: () => void downloadQuote(orderId, 'text/plain', status) },
        'Quote document',
      ),
      h('button', { type: 'button', class: 'secondary small', onclick: () => void downloadQuote(orderId, 'application/pdf', status) }, 'as PDF'),
    ),
    status,
  );
}

/** The order panel of an order-process task; its parts load after the form is shown. */
export function orderPanel(task: Task): HTMLElement | null {
  if (task.definitionKey !== ORDER_PROCESS || !task.businessKey) return null;
  const orderId = task.businessKey;
  const box = h('div', { class: 'order-panel', 'data-testid': 'task-order' }, h('p', { class: 'loading' }, 'Loading the order…'));
  const vars = task.variables;
  const disputed = task.state === 'open' && task.activityId === 'Task_PerformService' && vars.satisfied === false;
  const wantsQuote = task.activityId === 'Task_CheckQuote' || task.activityId === 'Task_EvaluateQuote';
  void (async () => {
    let order: Order | null = null;
    try {
      order = await api<Order>(`/api/orders/${encodeURIComponent(orderId)}`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
    }
    const quote = wantsQuote ? await quoteOf(orderId) : null;
    const items = order?.items ?? (Array.isArray(vars.items) ? (vars.items as Order['items']) : []);
    mount(
      box,
      disputed
        ? notice(
            'warning',
            h('strong', null, 'The client disputed the service: '),
            h(
              'span',
              { 'data-testid': 'dispute-reason' },
              typeof vars.disputeReason === 'string' && vars.disputeReason ? vars.disputeReason : 'no reason given',
            ),
          )
        : null,
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'Order'),
        h(
          'dd',
          null,
          h('a', { href: `/orders/${orderId}`, 'data-link': true }, `#${order?.number ?? value(vars.orderNumber)}`),
          ' ',
          order ? orderStatus(order.status) : null,
        ),
        h('dt', null, 'Customer'),
        h('dd', null, order?.customerName ?? value(vars.customerName), ' · ', order?.email ?? value(vars.email)),
        typeof vars.serviceReport === 'string' && task.activityId === 'Task_ConfirmService'
          ? [h('dt', null, 'What was done'), h('dd', null, vars.serviceReport)]
          : null,
      ),
      h('h3', null, 'Items'),
      h(
        'div',
        { 'data-testid': 'order-items' },
        table(
          items,
          [
            { title: 'Description', cell: (i) => i.description },
            { title: 'Quantity', cell: (i) => i.quantity, class: 'num' },
            { title: 'Product code', cell: (i) => i.productCode ?? '—' },
          ],
          'The order has no items.',
        ),
      ),
      wantsQuote ? quotePanel(orderId, quote) : null,
    );
  })().catch((err: unknown) => mount(box, notice('error', err instanceof Error ? err.message : String(err))));
  return box;
}
