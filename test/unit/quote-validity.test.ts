// The validity a quote document states: the expiry setting (an ISO 8601 duration) in French words,
// and its end from the quote's date, as the text document says it (the PDF prints the same sentence).
import { frenchDuration, quoteValidity, renderQuoteText, type QuoteContent } from '../../src/areas/orders/quote-document';

const content = (expiresAfter: string): QuoteContent => ({
  number: 'Q-2026-000001',
  createdAt: '2026-12-01T09:30:00.000Z',
  order: { number: 4, customerName: 'Alice Martin', email: 'alice@example.com' },
  lines: [{ description: 'Taille de haie', productCode: 'TDH-02', quantity: 2, unitPriceCents: 4250, amountCents: 8500, priceSource: 'catalogue' }],
  totalCents: 8500,
  currency: 'EUR',
  validity: quoteValidity('2026-12-01T09:30:00.000Z', expiresAfter),
});

describe('the validity a quote states', () => {
  test('the default P7D reads "valable 7 jours" and ends seven days after the quote’s date', () => {
    expect(quoteValidity('2026-12-01T09:30:00.000Z', 'P7D')).toEqual({ duration: 'P7D', until: '2026-12-08T09:30:00.000Z' });
    expect(renderQuoteText(content('P7D'))).toContain("Devis valable 7 jours, jusqu'au 08/12/2026 à 09:30 UTC.");
  });

  test('a duration is said in the largest unit that divides it', () => {
    expect(frenchDuration(86_400_000)).toBe('1 jour');
    expect(frenchDuration(36 * 3_600_000)).toBe('36 heures');
    expect(frenchDuration(90 * 60_000)).toBe('90 minutes');
    expect(frenchDuration(14 * 86_400_000)).toBe('14 jours');
    expect(renderQuoteText(content('PT36H'))).toContain("Devis valable 36 heures, jusqu'au 02/12/2026 à 21:30 UTC.");
  });

  test('a setting that is not an ISO 8601 duration is refused with what was found', () => {
    expect(() => quoteValidity('2026-12-01T09:30:00.000Z', 'seven days')).toThrow(/expected an ISO 8601 duration .* found <seven days>/);
  });
});
