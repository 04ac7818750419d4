// Authentication: who the caller is, from a bearer token — or, where a route allows it (Camunda's
// /engine-rest, for Camunda Modeler and the external-task clients), from HTTP Basic whose
// password is the user's token and whose user name is the user's name. What the caller may do is
// decided by the application layer (src/app/access.ts).
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

/** `Basic base64(name:token)` as name and token; undefined when it is not that. */
function basicCredentials(header: string): { name: string; token: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { name: decoded.slice(0, colon), token: decoded.slice(colon + 1) };
}

/** The token of an `Authorization: Bearer <token>` header, if there is one. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}

export function authenticate(users: { authenticate(token: string): Promise<UserRecord | undefined> }, options: { basic?: boolean } = {}): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const bearer = bearerToken(header);
    const basic = options.basic && !bearer ? basicCredentials(header) : undefined;
    if (!bearer && !basic) {
      return next(
        new AppError(
          'UNAUTHENTICATED',
          options.basic ? 'send Authorization: Bearer <token>, or Basic with your user name and token' : 'send Authorization: Bearer <token>',
        ),
      );
    }
    users
      .authenticate(bearer ?? basic?.token ?? '')
      .then((user) => {
        if (!user) return next(new AppError('UNAUTHENTICATED', bearer ? 'the bearer token is not known' : 'the user name and token are not known'));
        // A token is one user's: Basic must name that user.
        if (basic && basic.name !== user.name) return next(new AppError('UNAUTHENTICATED', 'the user name and token are not known'));
        res.locals.user = { id: user.id, name: user.name, groups: user.groups } satisfies AuthedUser;
        next();
      })
      .catch(next);
  };
}
