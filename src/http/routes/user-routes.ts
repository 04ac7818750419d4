// Users (admin) and /api/me.
import { Router } from 'express';
import { currentUser } from '../auth';
import type { HttpContext } from '../context';
import { userBody } from '../schemas';
import { parseWith } from '../validation';

export function userRoutes(ctx: HttpContext): Router {
  const r = Router();
  const users = ctx.app.users;

  r.get('/me', (_req, res) => {
    const u = currentUser(res);
    res.json({ id: u.id, name: u.name, groups: u.groups });
  });

  r.get('/users', async (_req, res) => {
    const items = await users.list(currentUser(res));
    res.json({ items, total: items.length });
  });

  r.post('/users', async (req, res) => {
    const body = parseWith(userBody, req.body ?? {});
    const user = await users.create(currentUser(res), body.name, body.groups);
    res.status(201).json({ id: user.id, name: user.name, groups: user.groups, token: user.token });
  });

  r.delete('/users/:id', async (req, res) => {
    await users.delete(currentUser(res), String(req.params.id));
    res.status(204).end();
  });

  // A user's tokens (admin, or the user itself): list, issue (shown once; ?rotate=true revokes the others), revoke.
  r.get('/users/:id/tokens', async (req, res) => {
    const items = (await users.tokens(currentUser(res), String(req.params.id))).map((t) => ({ id: t.id, source: t.source, createdAt: t.createdAt }));
    res.json({ items, total: items.length });
  });

  r.post('/users/:id/tokens', async (req, res) => {
    const issued = await users.issueToken(currentUser(res), String(req.params.id), req.query.rotate === 'true');
    res.status(201).json(issued);
  });

  r.delete('/users/:id/tokens/:tokenId', async (req, res) => {
    await users.revokeToken(currentUser(res), String(req.params.id), String(req.params.tokenId));
    res.status(204).end();
  });

  return r;
}
