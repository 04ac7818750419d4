// Users (admin) and /api/me.
import { Router } from 'express';
import { currentUser, requireAdmin, route } from '../auth';
import type { HttpContext } from '../context';
import { userBody } from '../schemas';
import { parseWith } from '../validation';

export function userRoutes(ctx: HttpContext): Router {
  const r = Router();
  r.get(
    '/me',
    route((_req, res) => {
      const u = currentUser(res);
      res.json({ id: u.id, name: u.name, groups: u.groups });
      return Promise.resolve();
    }),
  );
  r.get(
    '/users',
    route(async (_req, res) => {
      requireAdmin(res);
      const users = await ctx.users.list();
      res.json({ items: users, total: users.length });
    }),
  );
  r.post(
    '/users',
    route(async (req, res) => {
      requireAdmin(res);
      const body = parseWith(userBody, req.body ?? {});
      const user = await ctx.users.create(body.name, body.groups);
      res.status(201).json({ id: user.id, name: user.name, groups: user.groups, token: user.token });
    }),
  );
  r.delete(
    '/users/:id',
    route(async (req, res) => {
      requireAdmin(res);
      await ctx.users.delete(String(req.params.id));
      res.status(204).end();
    }),
  );
  return r;
}
