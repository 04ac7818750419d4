// Bearer-token authentication: who the caller is. What the caller may do is decided by the
// application layer (src/app/access.ts).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthedActor } from '../app/access';
import type { UserRecord } from '../app/records';
import { AppError } from '../errors/app-error';

export type AuthedUser = AuthedActor;

export function currentUser(res: Response): AuthedUser {
  const user = res.locals.user as AuthedUser | undefined;
  if (!user) throw new AppError('UNAUTHENTICATED', 'a valid bearer token is required');
  return user;
}

export function authenticate(users: { authenticate(token: string): Promise<UserRecord | undefined> }): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return next(new AppError('UNAUTHENTICATED', 'send Authorization: Bearer <token>'));
    users
      .authenticate(match[1] as string)
      .then((user) => {
        if (!user) return next(new AppError('UNAUTHENTICATED', 'the bearer token is not known'));
        res.locals.user = { id: user.id, name: user.name, groups: user.groups } satisfies AuthedUser;
        next();
      })
      .catch(next);
  };
}
