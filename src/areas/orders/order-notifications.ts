// Notifications to an order's client: each is recorded (one row per run of a service task) and
// mailed over SMTP when it is configured. A task that runs again after a recover finds its row
// and does not mail twice; without SMTP the notification is only recorded and logged.
import type { Logger } from 'winston';
import type { MailAttachment, Mailer } from '../../connectors/mailer';
import type { Clock } from '../../engine/clock';
import type { ServiceCall } from '../../engine/service-registry';
import type { NotificationRecord, OrderRecord, OrderStore, QuoteRecord } from './order-store';
import { formatEuros } from './quote-document';

export const NOTIFICATION_KINDS = ['order-rejected', 'quote-rejected', 'quote', 'quote-reminder', 'quote-expired', 'service-done'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface Notification {
  kind: NotificationKind;
  subject: string;
  text: string;
  attachments?: MailAttachment[];
}

function reasonOf(value: unknown): string {
  return typeof value === 'string' && value.trim() ? ` : ${value.trim()}` : '';
}

/** The quote's number and amount as the client knows them: from the quote row, else the instance's variables. */
function quoteFacts(variables: Readonly<Record<string, unknown>>, quote?: QuoteRecord): { number: string; amount: string } {
  const number = quote?.number ?? (typeof variables.quoteNumber === 'string' ? variables.quoteNumber : null);
  const cents = quote?.totalCents ?? (typeof variables.cost === 'number' ? Math.round(variables.cost * 100) : null);
  return { number: number ? ` ${number}` : '', amount: cents === null ? '' : `, d'un montant de ${formatEuros(cents)},` };
}

function letter(order: OrderRecord, ...paragraphs: string[]): string {
  return [`Bonjour ${order.customerName},`, '', ...paragraphs.flatMap((p) => [p, '']), 'Cordialement,', 'Le service commandes'].join('\n') + '\n';
}

/** What the client is told at each step, from the order and the instance's variables. */
export function composeNotification(
  kind: NotificationKind,
  order: OrderRecord,
  variables: Readonly<Record<string, unknown>>,
  quote?: QuoteRecord,
): Notification {
  const n = order.number;
  switch (kind) {
    case 'order-rejected':
      return {
        kind,
        subject: `Commande n° ${n} rejetée`,
        text: letter(order, `Votre commande n° ${n} a été rejetée${reasonOf(variables.rejectionReason)}.`, 'Veuillez passer une nouvelle commande.'),
      };
    case 'quote-rejected':
      return {
        kind,
        subject: `Commande n° ${n} : devis non retenu`,
        text: letter(
          order,
          `Nous ne pouvons pas vous proposer de devis pour votre commande n° ${n}${reasonOf(variables.quoteRejectionReason)}.`,
          'Veuillez passer une nouvelle commande.',
        ),
      };
    case 'quote': {
      if (!quote?.number || quote.totalCents === null || !quote.text || !quote.pdf) {
        throw new Error(`order <${order.id}> has no complete quote to send: expected one written by "Generate quote"`);
      }
      return {
        kind,
        subject: `Devis ${quote.number} pour votre commande n° ${n}`,
        text: letter(
          order,
          `Veuillez trouver ci-joint le devis ${quote.number} pour votre commande n° ${n}, d'un montant de ${formatEuros(quote.totalCents)}.`,
          'Acceptez-le ou refusez-le dans votre liste de tâches.',
        ),
        attachments: [
          { filename: `devis-${quote.number}.pdf`, content: quote.pdf, contentType: 'application/pdf' },
          { filename: `devis-${quote.number}.txt`, content: quote.text, contentType: 'text/plain; charset=utf-8' },
        ],
      };
    }
    case 'quote-reminder': {
      const q = quoteFacts(variables, quote);
      return {
        kind,
        subject: `Rappel : devis${q.number} pour votre commande n° ${n}`,
        text: letter(
          order,
          `Le devis${q.number} pour votre commande n° ${n}${q.amount} attend toujours votre réponse.`,
          'Acceptez-le ou refusez-le dans votre liste de tâches. Sans réponse de votre part, il expirera et il faudra passer une nouvelle commande.',
        ),
      };
    }
    case 'quote-expired': {
      const q = quoteFacts(variables, quote);
      return {
        kind,
        subject: `Commande n° ${n} : devis${q.number} expiré`,
        text: letter(order, `Le devis${q.number} pour votre commande n° ${n} a expiré sans réponse de votre part.`, 'Veuillez passer une nouvelle commande.'),
      };
    }
    case 'service-done':
      return {
        kind,
        subject: `Commande n° ${n} : prestation réalisée`,
        text: letter(
          order,
          `La prestation de votre commande n° ${n} a été réalisée${reasonOf(variables.serviceReport)}.`,
          'Merci de confirmer dans votre liste de tâches qu’elle vous convient, ou de nous dire ce qui ne va pas.',
        ),
      };
  }
}

export class OrderNotifier {
  constructor(
    private readonly orders: OrderStore,
    private readonly mailer: Mailer | null,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async notify(order: OrderRecord, call: ServiceCall, message: Notification): Promise<NotificationRecord> {
    const record = await this.orders.claimNotification({
      orderId: order.id,
      processInstanceId: call.processInstanceId,
      activityId: call.activityId,
      executionId: call.executionId,
      kind: message.kind,
      recipient: order.email,
      subject: message.subject,
      body: message.text,
      createdAt: this.clock.now().toISOString(),
    });
    if (record.state !== 'pending') return record;
    const meta = { order: order.id, orderNumber: order.number, kind: message.kind, to: order.email };
    if (!this.mailer) {
      const at = this.clock.now().toISOString();
      await this.orders.markNotification(record.id, 'recorded', at, null);
      this.logger.info(`notification <${message.kind}> of order ${order.number} recorded, not mailed: PROCFLOW_SMTP_URL is not set`, meta);
      return { ...record, state: 'recorded', sentAt: at };
    }
    // A failure here leaves the row pending and the task with an incident; its retry mails again.
    const { messageId } = await this.mailer.send({
      to: order.email,
      subject: message.subject,
      text: message.text,
      ...(message.attachments ? { attachments: message.attachments } : {}),
    });
    const at = this.clock.now().toISOString();
    await this.orders.markNotification(record.id, 'sent', at, messageId);
    this.logger.info(`notification <${message.kind}> of order ${order.number} mailed`, { ...meta, messageId });
    return { ...record, state: 'sent', messageId, sentAt: at };
  }
}
