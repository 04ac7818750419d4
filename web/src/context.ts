// What every page is handed by the router.
import type { User } from '@contract';

export interface PageContext {
  root: HTMLElement;
  params: Record<string, string>;
  query: URLSearchParams;
  me: User;
  navigate(path: string): void;
  /** Called when the page is left: stop timers, destroy charts. */
  onLeave(fn: () => void): void;
}

export function isAdmin(user: User): boolean {
  return user.groups.includes('admin');
}

/** Repeats `fn` every `ms` while the page is shown and the tab visible. */
export function every(ctx: PageContext, ms: number, fn: () => Promise<void> | void): void {
  const timer = window.setInterval(() => {
    if (document.visibilityState === 'visible') void fn();
  }, ms);
  ctx.onLeave(() => window.clearInterval(timer));
}
