// Messages (correlated by instance id, business key or correlation keys) and signals.
import { Router } from 'express';
import { currentUser } from '../auth';
import type { HttpContext } from '../context';
import { messageBody, signalBody } from '../schemas';
import { parseWith } from '../validation';

export function messageRoutes(ctx: HttpContext): Router {
  const r = Router();
  const messages = ctx.app.messages;

  r.post('/messages', async (req, res) => {
    const body = parseWith(messageBody, req.body ?? {});
    res.json({ correlated: await messages.correlate(currentUser(res), body, req.get('Idempotency-Key')) });
  });

  r.post('/signals', async (req, res) => {
    const body = parseWith(signalBody, req.body ?? {});
    res.json({ delivered: await messages.signal(currentUser(res), body.signalName, body.variables ?? {}) });
  });

  return r;
}
