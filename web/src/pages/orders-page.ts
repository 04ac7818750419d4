// Orders (client/supplier order handling): the list, one order with its items, status, history
// and quote download, and placing a new order.
import { api, ApiError, list, request } from '../api';
import type { PageContext } from '../context';
import { badge, h, link, mount, table } from '../dom';
import { label, shortId, value } from '../format';
import { errorMessage, failure, notice, pageHeader, section } from '../ui';
import type { Order, OrderStatus, PlacedOrder } from '@contract';

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

function newOrderForm(ctx: PageContext): HTMLElement {
  const customerName = h('input', { type: 'text', name: 'customerName', placeholder: 'customer name', required: true });
  const email = h('input', { type: 'email', name: 'email', placeholder: 'email', required: true });
  const lines = h('div', { class: 'order-lines' });
  const addLine = () =>
    lines.append(
      h(
        'div',
        { class: 'order-line' },
        h('input', { type: 'text', placeholder: 'description', 'data-item': 'description', required: true }),
        h('input', { type: 'number', min: '1', step: '1', value: '1', 'data-item': 'quantity', required: true }),
      ),
    );
  addLine();
  const status = h('div');
  const form = h(
    'form',
    { class: 'stack-form' },
    h('div', { class: 'row' }, customerName, email),
    lines,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', class: 'secondary', onclick: addLine }, 'Add a line'),
      h('button', { type: 'submit', class: 'primary' }, 'Place order'),
    ),
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const items = [...lines.querySelectorAll('.order-line')].map((line) => ({
      description: line.querySelector<HTMLInputElement>('[data-item=description]')?.value ?? '',
      quantity: Number(line.querySelector<HTMLInputElement>('[data-item=quantity]')?.value ?? 1),
    }));
    api<PlacedOrder>('/api/orders', { method: 'POST', body: { customerName: customerName.value, email: email.value, items } })
      .then((res) => ctx.navigate(`/orders/${res.orderId}`))
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
            { title: 'Order', cell: (o) => link(`/orders/${o.id}`, `#${o.id}`) },
            { title: 'Customer', cell: (o) => o.customerName },
            { title: 'Email', cell: (o) => o.email },
            { title: 'Items', cell: (o) => (o.items ?? []).map((i) => `${i.quantity} × ${i.description}`).join(', ') },
            { title: 'Status', cell: (o) => orderStatus(o.status) },
            { title: 'Cost', cell: (o) => (o.cost === null || o.cost === undefined ? '—' : String(o.cost)), class: 'num' },
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

export async function orderPage(ctx: PageContext): Promise<void> {
  const id = ctx.params.id ?? '';
  let order: Order;
  try {
    order = await api<Order>(`/api/orders/${encodeURIComponent(id)}`);
  } catch (err) {
    mount(ctx.root, pageHeader(`Order #${id}`), failure(err, 'Orders', `GET /api/orders/${id}`));
    return;
  }
  const status = h('div');
  mount(
    ctx.root,
    pageHeader(
      `Order #${order.id}`,
      orderStatus(order.status),
      h('button', { class: 'primary', 'data-action': 'quote', onclick: () => void downloadQuote(id, 'text/plain', status) }, 'Download quote'),
      h('button', { class: 'secondary', onclick: () => void downloadQuote(id, 'application/pdf', status) }, 'Quote as PDF'),
    ),
    status,
    h(
      'dl',
      { class: 'facts card' },
      h('dt', null, 'Customer'),
      h('dd', null, order.customerName),
      h('dt', null, 'Email'),
      h('dd', null, order.email),
      h('dt', null, 'Cost'),
      h('dd', null, order.cost === null || order.cost === undefined ? '—' : String(order.cost)),
      order.processInstanceId
        ? [h('dt', null, 'Process'), h('dd', null, link(`/instances/${order.processInstanceId}`, shortId(order.processInstanceId)))]
        : null,
    ),
    section(
      'Items',
      table(order.items ?? [], [
        { title: 'Description', cell: (i) => i.description },
        { title: 'Quantity', cell: (i) => i.quantity, class: 'num' },
      ]),
    ),
    order.quote !== undefined && order.quote !== null
      ? section('Quote', h('pre', null, typeof order.quote === 'string' ? order.quote : JSON.stringify(order.quote, null, 2)))
      : null,
    section('History', historyView(order.history)),
  );
}
