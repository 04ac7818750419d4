// The FastAPI prototype's four routes, outside /api, answering with its French messages. Open to
// anonymous callers only when PROCFLOW_LEGACY_ROUTES_OPEN=true; otherwise they need a bearer
// token like /api (and a client sees only its own orders there too).
import express, { Router, type RequestHandler, type Response } from 'express';
import { AppError } from '../../../errors/app-error';
import type { OrderDetails, OrderService } from '../order-service';
import type { OrderStatus } from '../order-status';
import { authenticate, type AuthedUser } from '../../../http/auth';
import type { HttpContext } from '../../../http/context';
import { legacyPlaceOrderBody } from './order-schemas';
import { parseWith } from '../../../http/validation';

export const ORDER_RECEIVED = 'Commande reçue, en attente de validation';

/** The order prototype's own messages: its clients read these, so they are answered as it wrote them. */
export const PROTOTYPE = {
  orderVerified: 'Votre commande a été vérifiée',
  orderInvalidated: 'Votre commande a été invalidée, veuillez remplacer votre commande',
  quoteAwaitingValidation: 'Votre devis est en attente de validation',
  quoteVerified: 'Votre devis a été vérifiée',
  serviceDone: 'Le service a été réalisé',
} as const;

const QUOTE_REJECTED = 'Devis rejeté par le fournisseur, veuillez passer une nouvelle commande';
const QUOTE_EXPIRED = 'Devis expiré, veuillez passer une nouvelle commande';
const CANCELLED = 'Commande annulée';

/**
 * /check_order/{id}: where the order itself stands. The prototype's message where it had one for
 * the state (docs/orders.md has the mapping), procflow's where it had none.
 */
export const CHECK_ORDER: Record<OrderStatus, string> = {
  awaiting_validation: 'Commande en attente de validation',
  rejected: PROTOTYPE.orderInvalidated,
  quote_pending: PROTOTYPE.orderVerified,
  quote_rejected_by_supplier: PROTOTYPE.orderVerified,
  quote_sent: PROTOTYPE.orderVerified,
  quote_refused: PROTOTYPE.orderVerified,
  quote_expired: PROTOTYPE.orderVerified,
  in_progress: PROTOTYPE.orderVerified,
  service_done: PROTOTYPE.orderVerified,
  service_disputed: PROTOTYPE.orderVerified,
  completed: 'Commande terminée',
  cancelled: CANCELLED,
};

/** /check_quote/{id}: where the quote stands. */
export const CHECK_QUOTE: Record<OrderStatus, string> = {
  awaiting_validation: 'Commande en attente de validation, pas encore de devis',
  rejected: PROTOTYPE.orderInvalidated,
  quote_pending: PROTOTYPE.quoteAwaitingValidation,
  quote_rejected_by_supplier: QUOTE_REJECTED,
  quote_sent: PROTOTYPE.quoteVerified,
  quote_refused: 'Devis refusé',
  quote_expired: QUOTE_EXPIRED,
  in_progress: 'Devis accepté',
  service_done: 'Devis accepté',
  service_disputed: 'Devis accepté',
  completed: 'Devis accepté',
  cancelled: CANCELLED,
};

/** /check_realization/{id}: where the service stands. */
export const CHECK_REALIZATION: Record<OrderStatus, string> = {
  awaiting_validation: 'Prestation pas encore commencée',
  rejected: PROTOTYPE.orderInvalidated,
  quote_pending: 'Prestation pas encore commencée',
  quote_rejected_by_supplier: QUOTE_REJECTED,
  quote_sent: 'Prestation pas encore commencée, devis en attente de votre réponse',
  quote_refused: 'Devis refusé, pas de prestation',
  quote_expired: QUOTE_EXPIRED,
  in_progress: 'Prestation en cours',
  service_done: PROTOTYPE.serviceDone,
  service_disputed: 'Prestation contestée, reprise en cours',
  completed: PROTOTYPE.serviceDone,
  cancelled: CANCELLED,
};

/** With the routes open, a caller may still send a token (a client placing its own order). */
function optionalAuthenticate(ctx: HttpContext): RequestHandler {
  const auth = authenticate(ctx.app.users);
  return (req, res, next) => (req.headers.authorization ? auth(req, res, next) : next());
}

function caller(res: Response): AuthedUser | null {
  return (res.locals.user as AuthedUser | undefined) ?? null;
}

export function legacyOrderRoutes(ctx: HttpContext, orders: OrderService): Router {
  const r = Router();
  const auth = ctx.config.legacyRoutesOpen ? optionalAuthenticate(ctx) : authenticate(ctx.app.users);
  const json = express.json({ limit: ctx.config.maxBodyBytes });

  r.post('/place_order', json, auth, async (req, res) => {
    const body = parseWith(legacyPlaceOrderBody, req.body ?? {});
    // The prototype's order was one service for a named customer.
    const items = body.items ?? [{ description: 'Prestation', quantity: 1 }];
    const placed = await orders.place({ customerName: body.name, email: body.email, items }, caller(res));
    res.json({ message: ORDER_RECEIVED, order_id: placed.order.number });
  });

  const check = (path: string, message: (d: OrderDetails) => string) =>
    r.get(`/${path}/:id`, auth, async (req, res) => {
      const raw = String(req.params.id);
      if (!/^\d{1,15}$/.test(raw)) throw new AppError('ORDER_NOT_FOUND', `Commande ${raw} introuvable`);
      const details = await orders.get({ number: Number(raw) }, caller(res)).catch((err: unknown) => {
        throw err instanceof AppError && err.code === 'ORDER_NOT_FOUND' ? new AppError('ORDER_NOT_FOUND', `Commande ${raw} introuvable`) : err;
      });
      res.json({ message: message(details) });
    });
  check('check_order', (d) => CHECK_ORDER[d.status]);
  check('check_quote', (d) => CHECK_QUOTE[d.status]);
  check('check_realization', (d) => CHECK_REALIZATION[d.status]);

  return r;
}
