// Orders (client/supplier order handling): the list, one order with its items, status, quote,
// notifications and history, and placing a new order with products picked from the catalogue.
import { api, ApiError, list, request } from '../api';
import type { PageContext } from '../context';
import { badge, h, link, mount, table } from '../dom';
import { dateTime, label, money, shortId, value } from '../format';
import { errorMessage, failure, notice, pageHeader, section } from '../ui';
import type { Order, OrderNotification, OrderStatus, PlacedOrder, Product, QuoteDocument } from '@contract';

/** The catalogue's prices, and so the orders', are in euros (src/areas/orders/pricing.ts). */
const CATALOGUE_CURRENCY = 'EUR';
/** Where the form keeps who the last order was for, so that the next one starts from it. */
const LAST_CUSTOMER_KEY = 'procflow.lastOrderCustomer';

interface LastCustomer {
  customerName: string;
  email: string;
}

function lastCustomer(): LastCustomer | undefined {
  try {
    const v = JSON.parse(localStorage.getItem(LAST_CUSTOMER_KEY) ?? 'null') as Partial<LastCustomer> | null;
    return typeof v?.customerName === 'string' && typeof v.email === 'string' ? { customerName: v.customerName, email: v.email } : undefined;
  } catch {
    return undefined;
  }
}

/** "Order n° 12": what people call an order (its id is for the API). */
export function orderTitle(order: { number: number }): string {
  return `Order n° ${order.number}`;
}

const STATUS_KIND: Record<OrderStatus, string> = {
  awaiting_validation: 'waiting',
  quote_pending: 'waiting',
  quote_sent: 'info',
  in_progress: 'info',
  service_done: 'info',
  completed: 'ok',
  rejected: 'error',
  quote_rejected_by_supplier: 'error',
  quote_refused: 'error',
  quote_expired: 'error',
  service_disputed: 'warning',
  cancelled: 'muted',
};

export function orderStatus(status: OrderStatus): HTMLElement {
  return badge(status.replace(/_/g, ' '), STATUS_KIND[status] ?? 'muted');
}

/** Searches the catalogue by name or code; picking a product adds a line that carries its code. */
function productPicker(onPick: (p: Product) => void): HTMLElement {
  const search = h('input', { type: 'search', placeholder: 'search the catalogue by name or code', 'data-testid': 'product-search' });
  const results = h('ul', { class: 'product-results', 'data-testid': 'product-results' });
  let seq = 0;
  let timer: number | undefined;
  const lookUp = async () => {
    const mine = ++seq;
    try {
      const found = await list<Product>('/api/products', { q: search.value.trim() || undefined, limit: 10 });
      if (mine !== seq) return;
      results.dataset.q = search.value.trim();
      results.replaceChildren(
        ...(found.items.length
          ? found.items.map((p) =>
              h(
                'li',
                null,
                h(
                  'button',
                  { type: 'button', class: 'link', 'data-product': p.code, onclick: () => onPick(p) },
                  h('strong', null, p.description),
                  ` ${p.code} · ${p.packaging} · `,
                  h('span', { class: 'num' }, money(p.price, CATALOGUE_CURRENCY)),
                ),
              ),
            )
          : [h('li', { class: 'muted' }, 'No product matches.')]),
      );
    } catch (err) {
      if (mine === seq) results.replaceChildren(h('li', null, notice('info', `The catalogue cannot be searched: ${errorMessage(err)}`)));
    }
  };
  search.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void lookUp(), 200);
  });
  void lookUp();
  return h('div', { class: 'product-picker' }, search, results);
}

function newOrderForm(ctx: PageContext): HTMLElement {
  const last = lastCustomer();
  const customerName = h('input', {
    type: 'text',
    name: 'customerName',
    placeholder: 'customer name',
    required: true,
    value: last?.customerName ?? ctx.me.name,
  });
  const email = h('input', { type: 'email', name: 'email', placeholder: 'email', required: true, value: last?.email ?? '' });
  const lines = h('div', { class: 'order-lines' });
  const addLine = (product?: Product) => {
    const description = h('input', { type: 'text', placeholder: 'description', 'data-item': 'description', required: true, value: product?.description });
    if (product) description.readOnly = true;
    const line = h(
      'div',
      { class: 'order-line', ...(product ? { 'data-product-code': product.code } : {}) },
      description,
      h('input', {
        type: 'number',
        min: String(product?.minQuantity ?? 1),
        step: '1',
        value: String(product?.minQuantity ?? 1),
        'data-item': 'quantity',
        required: true,
      }),
      product
        ? h('span', { class: 'muted' }, `${product.code} · ${money(product.price, CATALOGUE_CURRENCY)} each`)
        : h('span', { class: 'muted' }, 'free text, priced by the supplier’s rule'),
      h('button', { type: 'button', class: 'secondary', onclick: () => line.remove() }, 'Remove'),
    );
    lines.append(line);
  };
  const status = h('div');
  const form = h(
    'form',
    { class: 'stack-form' },
    h('div', { class: 'row' }, customerName, email),
    h('h3', null, 'Products'),
    productPicker((p) => addLine(p)),
    lines,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', class: 'secondary', onclick: () => addLine() }, 'Add a free-text line'),
      h('button', { type: 'submit', class: 'primary' }, 'Place order'),
    ),
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const items = [...lines.querySelectorAll<HTMLElement>('.order-line')].map((line) => ({
      description: line.querySelector<HTMLInputElement>('[data-item=description]')?.value ?? '',
      quantity: Number(line.querySelector<HTMLInputElement>('[data-item=quantity]')?.value ?? 1),
      ...(line.dataset.productCode ? { productCode: line.dataset.productCode } : {}),
    }));
    if (!items.length) {
      status.replaceChildren(notice('error', 'Pick a product or add a free-text line first.'));
      return;
    }
    api<PlacedOrder>('/api/orders', { method: 'POST', body: { customerName: customerName.value, email: email.value, items } })
      .then((res) => {
        localStorage.setItem(LAST_CUSTOMER_KEY, JSON.stringify({ customerName: customerName.value, email: email.value }));
        ctx.navigate(`/orders/${res.orderId}`);
      })
      .catch((err: unknown) => status.replaceChildren(notice('error', errorMessage(err))));
  });
  return form;
}

export async function ordersPage(ctx: PageContext): Promise<void> {
  const body = h('div');
  mount(ctx.root, pageHeader('Orders'), body);
  try {
    const orders = await list<Order>('/api/orders', { limit: 200 });
    mount(
      body,
      section(
        `Orders (${orders.total})`,
        table(
          orders.items,
          [
            { title: 'Order', cell: (o) => link(`/orders/${o.id}`, `n° ${o.number}`) },
            { title: 'Customer', cell: (o) => o.customerName },
            { title: 'Email', cell: (o) => o.email },
            { title: 'Items', cell: (o) => (o.items ?? []).map((i) => `${i.quantity} × ${i.description}`).join(', ') },
            { title: 'Status', cell: (o) => orderStatus(o.status) },
            { title: 'Cost', cell: (o) => money(o.cost, o.quote?.currency ?? CATALOGUE_CURRENCY), class: 'num' },
          ],
          'No order yet.',
        ),
      ),
      section('Place an order', newOrderForm(ctx)),
    );
  } catch (err) {
    mount(body, failure(err, 'Orders', 'GET /api/orders'));
  }
}

export async function downloadQuote(id: string, accept: string, status: HTMLElement): Promise<void> {
  try {
    const res = await request(`/api/orders/${encodeURIComponent(id)}/quote`, {}, accept);
    const blob = await res.blob();
    const ext = accept === 'application/pdf' ? 'pdf' : 'txt';
    const a = h('a', { href: URL.createObjectURL(blob), download: `quote_${id}.${ext}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  } catch (err) {
    status.replaceChildren(
      err instanceof ApiError && err.status === 404 ? notice('info', 'There is no quote for this order yet.') : notice('error', errorMessage(err)),
    );
  }
}

function historyView(history: unknown): HTMLElement {
  if (Array.isArray(history) && history.every((e) => e && typeof e === 'object')) {
    const rows = history as Array<Record<string, unknown>>;
    const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    return table(
      rows,
      keys.map((k) => ({ title: label(k), cell: (r: Record<string, unknown>) => value(r[k]) })),
      'No history yet.',
    );
  }
  return h('pre', null, history === undefined ? 'No history.' : JSON.stringify(history, null, 2));
}

function quoteTable(quote: QuoteDocument): HTMLElement {
  const currency = quote.currency ?? CATALOGUE_CURRENCY;
  const t = table(quote.lines, [
    { title: 'Line', cell: (l) => (l.productCode ? [l.description, ' ', h('span', { class: 'muted' }, l.productCode)] : l.description) },
    { title: 'Unit price', cell: (l) => money(l.unitPrice, currency), class: 'num' },
    { title: 'Quantity', cell: (l) => l.quantity, class: 'num' },
    { title: 'Total', cell: (l) => money(l.amount, currency), class: 'num' },
    { title: 'Priced from', cell: (l) => (l.priceSource === 'catalogue' ? 'catalogue' : 'price rule') },
  ]);
  t.dataset.testid = 'quote-lines';
  return h(
    'div',
    null,
    h(
      'p',
      null,
      `Quote ${quote.number ?? ''} of ${dateTime(quote.createdAt)}`,
      quote.sentAt ? `, sent ${dateTime(quote.sentAt)}` : ', not sent to the client yet',
    ),
    t,
    h('p', { class: 'amount' }, 'Total ', h('strong', { 'data-testid': 'quote-total' }, money(quote.cost, currency)), ` (${currency})`),
  );
}

function notificationsTable(items: OrderNotification[]): HTMLElement {
  const t = table(
    items,
    [
      { title: 'When', cell: (n) => dateTime(n.sentAt ?? n.createdAt) },
      { title: 'To', cell: (n) => n.recipient },
      { title: 'What', cell: (n) => n.subject },
      { title: 'State', cell: (n) => badge(n.state, n.state === 'sent' ? 'ok' : n.state === 'pending' ? 'waiting' : 'muted') },
    ],
    'Nothing was sent for this order yet.',
  );
  t.dataset.testid = 'order-notifications';
  return t;
}

export async function orderPage(ctx: PageContext): Promise<void> {
  const id = ctx.params.id ?? '';
  let order: Order;
  try {
    order = await api<Order>(`/api/orders/${encodeURIComponent(id)}`);
  } catch (err) {
    mount(ctx.root, pageHeader('Order'), failure(err, 'Orders', `GET /api/orders/${id}`));
    return;
  }
  const [quote, notifications] = await Promise.all([
    order.quote ? api<QuoteDocument>(`/api/orders/${encodeURIComponent(id)}/quote`).catch((err: unknown) => err) : Promise.resolve(undefined),
    list<OrderNotification>(`/api/orders/${encodeURIComponent(id)}/notifications`).catch((err: unknown) => err),
  ]);
  const status = h('div');
  // Until the quote exists (for a client: until it was sent) there is nothing to download.
  const noQuote = order.quote ? undefined : 'No quote yet: the supplier has not made (or sent) it.';
  const quoteButton = (text: string, accept: string, kind: string, action?: string) =>
    h(
      'button',
      {
        class: kind,
        ...(action ? { 'data-action': action } : {}),
        disabled: Boolean(noQuote),
        title: noQuote,
        onclick: () => void downloadQuote(id, accept, status),
      },
      text,
    );
  mount(
    ctx.root,
    pageHeader(
      orderTitle(order),
      orderStatus(order.status),
      quoteButton('Download quote', 'text/plain', 'primary', 'quote'),
      quoteButton('Quote as PDF', 'application/pdf', 'secondary'),
    ),
    noQuote ? h('p', { class: 'muted', 'data-testid': 'quote-reason' }, noQuote) : null,
    status,
    h(
      'dl',
      { class: 'facts card' },
      h('dt', null, 'Customer'),
      h('dd', null, order.customerName),
      h('dt', null, 'Email'),
      h('dd', null, order.email),
      h('dt', null, 'Placed'),
      h('dd', null, dateTime(order.createdAt)),
      h('dt', null, 'Cost'),
      h('dd', null, money(order.cost, order.quote?.currency ?? CATALOGUE_CURRENCY)),
      order.processInstanceId
        ? [h('dt', null, 'Process'), h('dd', null, link(`/instances/${order.processInstanceId}`, shortId(order.processInstanceId)))]
        : null,
    ),
    section(
      'Items',
      table(order.items ?? [], [
        { title: 'Description', cell: (i) => i.description },
        { title: 'Product', cell: (i) => i.productCode ?? '—' },
        { title: 'Quantity', cell: (i) => i.quantity, class: 'num' },
      ]),
    ),
    section(
      'Quote',
      quote === undefined
        ? h('p', { class: 'muted' }, noQuote)
        : quote instanceof Error
          ? notice('error', errorMessage(quote))
          : quoteTable(quote as QuoteDocument),
    ),
    section(
      'Notifications',
      notifications instanceof Error
        ? notice('error', errorMessage(notifications))
        : notificationsTable((notifications as { items: OrderNotification[] }).items),
    ),
    section('History', historyView(order.history)),
  );
}
