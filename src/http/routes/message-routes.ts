// Messages (correlated by instance id, business key or correlation keys) and signals.
import { Router } from 'express';
import { currentUser, route } from '../auth';
import type { HttpContext } from '../context';
import { messageBody, signalBody } from '../schemas';
import { parseWith } from '../validation';

export function messageRoutes(ctx: HttpContext): Router {
  const r = Router();
  r.post(
    '/messages',
    route(async (req, res) => {
      const user = currentUser(res);
      const body = parseWith(messageBody, req.body ?? {});
      const correlated = await ctx.runtime.correlateMessage(body, user);
      res.json({ correlated });
    }),
  );
  r.post(
    '/signals',
    route(async (req, res) => {
      const user = currentUser(res);
      const body = parseWith(signalBody, req.body ?? {});
      res.json({ delivered: await ctx.runtime.broadcastSignal(body.signalName, body.variables ?? {}, user) });
    }),
  );
  return r;
}
