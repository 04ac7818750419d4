// The single-page app: sign-in, navigation by group, a history-API router, one page at a time.
import './styles.css';
import type { User } from '@contract';
import { api, session } from './api';
import { loadServiceClock } from './clock';
import { h, mount } from './dom';
import { jobsPage } from './pages/jobs-page';
import { usersPage } from './pages/users-page';
import { routes, type Route } from './routes';
import { errorMessage, notice } from './ui';

const app = document.getElementById('app') as HTMLElement;
// Users & tokens: in the navigation for admins only (the API refuses everyone else anyway).
routes.push({ path: '/users', title: 'Users & tokens', nav: 'Users & tokens', groups: ['admin'], page: usersPage });
// Jobs: waiting timers, retries and scheduled starts, for admins and operations.
routes.push({ path: '/jobs', title: 'Jobs', nav: 'Jobs', groups: ['admin', 'ops'], page: jobsPage });
let me: User | undefined;
let leaving: Array<() => void> = [];

function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  void render();
}

function signOut(): void {
  session.token = null;
  me = undefined;
  navigate('/sign-in');
}

session.onUnauthenticated = () => {
  session.token = null;
  me = undefined;
  if (location.pathname !== '/sign-in') navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`, true);
};

function match(path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const route of routes) {
    const names: string[] = [];
    const re = new RegExp(`^${route.path.replace(/:(\w+)/g, (_m, n: string) => (names.push(n), '([^/]+)'))}/?$`);
    const m = re.exec(path);
    if (m) return { route, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')])) };
  }
  return undefined;
}

function signInPage(): void {
  const input = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'off', placeholder: 'bearer token', required: true });
  const status = h('div');
  const form = h(
    'form',
    { class: 'sign-in card' },
    h('h1', null, 'procflow'),
    h('p', null, 'Sign in with your API token. It is kept in this browser tab only, until you sign out or close it.'),
    h('label', { for: 'token' }, 'Token'),
    input,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const token = input.value.trim();
    api<User>('/api/me', { token })
      .then((user) => {
        session.token = token;
        me = user;
        const next = new URLSearchParams(location.search).get('next');
        navigate(next && next.startsWith('/') && !next.startsWith('/sign-in') ? next : '/tasks', true);
      })
      .catch((err: unknown) => status.replaceChildren(notice('error', errorMessage(err))));
  });
  mount(app, h('main', { class: 'sign-in-page' }, form));
  input.focus();
}

function nav(user: User, current: string): HTMLElement {
  const items = routes.filter((r) => r.nav && (!r.groups || r.groups.some((g) => user.groups.includes(g))));
  return h(
    'nav',
    { class: 'sidebar' },
    h('div', { class: 'brand' }, h('span', { class: 'logo' }, '◆'), ' procflow'),
    h(
      'ul',
      null,
      items.map((r) => {
        const active = current === r.path || current.startsWith(`${r.path}/`);
        return h('li', null, h('a', { href: r.path, 'data-link': true, class: active ? 'active' : undefined }, r.nav));
      }),
    ),
    h(
      'div',
      { class: 'who' },
      h('div', { class: 'who-name', 'data-testid': 'user-name' }, user.name),
      h('div', { class: 'who-groups' }, user.groups.join(', ') || 'no groups'),
      h('button', { class: 'link', onclick: signOut }, 'Sign out'),
    ),
  );
}

async function render(): Promise<void> {
  for (const fn of leaving) fn();
  leaving = [];
  const path = location.pathname;
  if (path === '/sign-in' || !session.token) {
    if (path !== '/sign-in') history.replaceState(null, '', `/sign-in?next=${encodeURIComponent(path + location.search)}`);
    signInPage();
    return;
  }
  if (!me) {
    try {
      me = await api<User>('/api/me');
    } catch {
      return; // 401 has sent us to the sign-in page
    }
  }
  const user = me;
  // Durations are measured against the service clock, read once per page load.
  await loadServiceClock();
  if (path === '/' || path === '') {
    navigate('/tasks', true);
    return;
  }
  const found = match(path);
  const root = h('main', { class: 'page' });
  mount(app, h('div', { class: 'layout' }, nav(user, path), root));
  if (!found) {
    mount(root, notice('warning', `There is no page at ${path}.`));
    return;
  }
  document.title = `${found.route.title} · procflow`;
  try {
    await found.route.page({
      root,
      params: found.params,
      query: new URLSearchParams(location.search),
      me: user,
      navigate: (p) => navigate(p),
      onLeave: (fn) => leaving.push(fn),
    });
  } catch (err) {
    root.append(notice('error', errorMessage(err)));
  }
}

document.addEventListener('click', (e) => {
  const a = (e.target as Element | null)?.closest?.('a[data-link]');
  if (!(a instanceof HTMLAnchorElement) || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
  if (a.origin !== location.origin) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
});
window.addEventListener('popstate', () => void render());
void render();
