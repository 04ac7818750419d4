// Shared page pieces: headers, notices, the "not available yet" state, error boxes.
import { ApiError, isForbidden, isMissingEndpoint } from './api';
import { h, type Child } from './dom';

export function pageHeader(title: string, ...actions: Child[]): HTMLElement {
  return h('header', { class: 'page-header' }, h('h1', null, title), h('div', { class: 'actions' }, ...actions));
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', null, title), ...children);
}

export function notice(kind: 'info' | 'error' | 'success' | 'warning', ...children: Child[]): HTMLElement {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}

/** Shown instead of a page whose endpoint this service does not offer yet (it answered 404). */
export function unavailable(feature: string, endpoint: string): HTMLElement {
  return h(
    'div',
    { class: 'unavailable', 'data-testid': 'unavailable' },
    h('h2', null, `${feature}: not available yet`),
    h('p', null, 'This procflow service does not offer ', h('code', null, endpoint), ' yet (it answered 404).'),
    h('p', null, 'The page works as soon as the endpoint is deployed; nothing is shown until then.'),
  );
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    const extra = err.problem.errors?.length ? ` — ${err.problem.errors.map((e) => `${e.pointer ?? e.elementId ?? ''} ${e.message}`.trim()).join('; ')}` : '';
    return `${err.problem.title ?? `HTTP ${err.status}`}${err.code ? ` (${err.code})` : ''}: ${err.message}${extra}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** What a page shows when loading failed: missing endpoint, not allowed, or the error. */
export function failure(err: unknown, feature: string, endpoint: string): HTMLElement {
  if (isMissingEndpoint(err)) return unavailable(feature, endpoint);
  if (isForbidden(err)) return notice('warning', `Your groups do not allow ${feature.toLowerCase()}: `, errorMessage(err));
  return notice('error', errorMessage(err));
}

/** Runs an action from a button, disabling it meanwhile and reporting errors into `status`. */
export function action(button: HTMLButtonElement, status: HTMLElement, fn: () => Promise<void>): void {
  button.addEventListener('click', (e) => {
    e.preventDefault();
    button.disabled = true;
    status.replaceChildren();
    fn()
      .catch((err: unknown) => status.replaceChildren(notice('error', errorMessage(err))))
      .finally(() => {
        button.disabled = false;
      });
  });
}

export function loading(): HTMLElement {
  return h('p', { class: 'loading' }, 'Loading…');
}
