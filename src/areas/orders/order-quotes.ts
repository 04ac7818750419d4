// One quote per order, numbered from a database sequence (Q-<year>-<seq>). Making it is
// idempotent: the row is reserved first (its seq fixes the number), then priced and rendered;
// a run that finds the row finished returns it, one that finds it unfinished finishes it.
import type { Clock } from '../../engine/clock';
import type { OrderRecord, OrderStore, QuoteRecord } from './order-store';
import { priceOrder, type ProductPrices } from './pricing';
import { quoteValidity, renderQuotePdf, renderQuoteText, type QuoteContent } from './quote-document';

export function quoteNumber(seq: number, createdAt: string): string {
  return `Q-${new Date(createdAt).getUTCFullYear()}-${String(seq).padStart(6, '0')}`;
}

export class OrderQuotes {
  constructor(
    private readonly orders: OrderStore,
    private readonly prices: ProductPrices,
    private readonly defaultUnitPrice: number,
    private readonly clock: Clock,
    /** PROCFLOW_QUOTE_EXPIRES_AFTER: the document states this validity, the process enforces it. */
    private readonly expiresAfter: string,
  ) {}

  async ensure(order: OrderRecord, processInstanceId: string): Promise<QuoteRecord> {
    const existing = await this.orders.quoteOf(order.id);
    if (existing?.number) return existing;
    const reserved = existing ?? (await this.orders.reserveQuote(order.id, processInstanceId, this.clock.now().toISOString()));
    const priced = await priceOrder(order.items, this.prices, this.defaultUnitPrice);
    const content: QuoteContent = {
      number: quoteNumber(reserved.seq, reserved.createdAt),
      createdAt: reserved.createdAt,
      order: { number: order.number, customerName: order.customerName, email: order.email },
      ...priced,
      validity: quoteValidity(reserved.createdAt, this.expiresAfter),
    };
    return this.orders.writeQuote(order.id, {
      number: content.number,
      currency: priced.currency,
      totalCents: priced.totalCents,
      lines: priced.lines,
      text: renderQuoteText(content),
      pdf: await renderQuotePdf(content),
    });
  }
}
