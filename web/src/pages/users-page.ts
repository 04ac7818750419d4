// Users & tokens (admin): the users with their groups, creating one with groups, and per user its
// tokens: issue one (shown once, with a copy button), rotate (a new one, the others revoked),
// revoke one, and deleting the user.
import { api, list } from '../api';
import { isAdmin, type PageContext } from '../context';
import { badge, h, mount, table } from '../dom';
import { dateTime, shortId } from '../format';
import { errorMessage, failure, notice, pageHeader, section } from '../ui';
import type { CreatedUser, IssuedToken, TokenInfo, User } from '@contract';

const path = (id: string) => `/api/users/${encodeURIComponent(id)}`;

/** A token shown once: read-only field, copy button, and the warning that it is not shown again. */
function revealedToken(owner: string, token: string): HTMLElement {
  const field = h('input', {
    type: 'text',
    readonly: true,
    value: token,
    'aria-label': `token of ${owner}`,
    'data-testid': 'new-token-value',
    spellcheck: 'false',
  });
  field.style.width = '100%';
  field.style.fontFamily = 'ui-monospace, SFMono-Regular, Menlo, monospace';
  const copy = h('button', { type: 'button', class: 'secondary small', 'data-testid': 'copy-token' }, 'Copy');
  copy.addEventListener('click', () => {
    field.select();
    const done = () => {
      copy.textContent = 'Copied';
    };
    if (navigator.clipboard?.writeText) {
      navigator.clipboard.writeText(token).then(done, () => {
        copy.textContent = 'Select and copy it by hand';
      });
    } else {
      copy.textContent = 'Select and copy it by hand';
    }
  });
  const row = h('div', { class: 'inline-form' }, field, copy);
  row.style.flexWrap = 'nowrap';
  return notice('success', h('p', null, h('strong', null, `New token for ${owner}. `), 'Copy it now: it is shown this once and cannot be read again.'), row);
}

function groupBadges(groups: string[]): HTMLElement {
  const box = h(
    'span',
    { class: 'groups' },
    groups.length ? groups.map((g) => [badge(g, g === 'admin' ? 'warning' : 'muted'), ' ']) : h('span', { class: 'muted' }, 'no groups'),
  );
  return box;
}

function createUserForm(onCreated: (user: CreatedUser) => void): HTMLElement {
  const name = h('input', { type: 'text', name: 'name', placeholder: 'name', required: true, maxlength: '255', 'aria-label': 'name', autocomplete: 'off' });
  const groups = h('input', { type: 'text', name: 'groups', placeholder: 'groups, comma-separated', 'aria-label': 'groups', autocomplete: 'off' });
  const status = h('div');
  const form = h(
    'form',
    { class: 'inline-form', 'data-testid': 'create-user' },
    name,
    groups,
    h('button', { type: 'submit', class: 'primary' }, 'Create user'),
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = {
      name: name.value.trim(),
      groups: groups.value
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean),
    };
    if (!body.name) {
      status.replaceChildren(notice('error', 'Give the user a name.'));
      return;
    }
    status.replaceChildren();
    api<CreatedUser>('/api/users', { method: 'POST', body })
      .then((user) => {
        form.reset();
        onCreated(user);
      })
      .catch((err: unknown) => status.replaceChildren(notice('error', errorMessage(err))));
  });
  return form;
}

/** One user's tokens and what can be done with them and with the user. */
async function userDetail(ctx: PageContext, user: User, box: HTMLElement, reveal: HTMLElement, onChanged: () => Promise<void>): Promise<void> {
  const status = h('div');
  const self = user.id === ctx.me.id;
  const reload = () => userDetail(ctx, user, box, reveal, onChanged);
  const run = (fn: () => Promise<void>) => {
    status.replaceChildren();
    fn().catch((err: unknown) => status.replaceChildren(notice('error', errorMessage(err))));
  };
  const issue = (rotate: boolean) =>
    run(async () => {
      const issued = await api<IssuedToken>(`${path(user.id)}/tokens`, { method: 'POST', query: rotate ? { rotate: true } : undefined });
      mount(reveal, revealedToken(user.name, issued.token));
      await reload();
    });
  let tokens: TokenInfo[];
  try {
    tokens = (await list<TokenInfo>(`${path(user.id)}/tokens`)).items;
  } catch (err) {
    mount(box, failure(err, 'Tokens', 'GET /api/users/{id}/tokens'));
    return;
  }
  const actions = h(
    'div',
    { class: 'inline-form' },
    h('button', { type: 'button', class: 'primary small', 'data-testid': 'issue-token', onclick: () => issue(false) }, 'Issue token'),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary small',
        'data-testid': 'rotate-tokens',
        onclick: () => {
          const warn = self ? '\n\nThis is your own user: the token you are signed in with stops working too.' : '';
          if (window.confirm(`Rotate ${user.name}'s tokens? A new token is issued and every other token of ${user.name} stops working.${warn}`)) issue(true);
        },
      },
      'Rotate (revoke the others)',
    ),
    self
      ? null
      : h(
          'button',
          {
            type: 'button',
            class: 'danger small',
            'data-testid': 'delete-user',
            onclick: () => {
              if (!window.confirm(`Delete the user ${user.name}? Its tokens stop working at once, and the name cannot be used again.`)) return;
              run(async () => {
                await api(path(user.id), { method: 'DELETE' });
                mount(reveal);
                mount(box);
                await onChanged();
              });
            },
          },
          'Delete user',
        ),
  );
  actions.style.marginTop = '0.75rem';
  mount(
    box,
    section(
      `Tokens of ${user.name}`,
      h('p', { class: 'muted' }, 'Tokens are stored as hashes: a token can be read only when it is issued.'),
      table(
        tokens,
        [
          { title: 'Token', cell: (t) => h('code', { title: t.id }, shortId(t.id)) },
          { title: 'Source', cell: (t) => t.source ?? '—' },
          { title: 'Created', cell: (t) => dateTime(t.createdAt) },
          {
            title: '',
            cell: (t) =>
              h(
                'button',
                {
                  type: 'button',
                  class: 'danger small',
                  'data-testid': 'revoke-token',
                  onclick: () => {
                    if (!window.confirm(`Revoke this token of ${user.name}? Whoever uses it gets 401 from now on.`)) return;
                    run(async () => {
                      await api(`${path(user.id)}/tokens/${encodeURIComponent(t.id)}`, { method: 'DELETE' });
                      await reload();
                    });
                  },
                },
                'Revoke',
              ),
          },
        ],
        `${user.name} has no token: issue one to let it sign in.`,
      ),
      actions,
      status,
    ),
  );
  box.dataset.user = user.name;
}

export async function usersPage(ctx: PageContext): Promise<void> {
  if (!isAdmin(ctx.me)) {
    mount(ctx.root, pageHeader('Users & tokens'), notice('warning', 'Only an admin manages users and tokens.'));
    return;
  }
  const reveal = h('div', { 'data-testid': 'token-reveal' });
  const listBox = h('div');
  const detail = h('div', { 'data-testid': 'user-detail' });
  const load = async () => {
    let users: User[];
    try {
      users = (await list<User>('/api/users')).items;
    } catch (err) {
      mount(listBox, failure(err, 'Users', 'GET /api/users'));
      return;
    }
    mount(
      listBox,
      table(
        [...users].sort((a, b) => a.name.localeCompare(b.name)),
        [
          { title: 'User', cell: (u) => [h('strong', null, u.name), u.id === ctx.me.id ? [' ', badge('you', 'ok')] : null] },
          { title: 'Groups', cell: (u) => groupBadges(u.groups) },
          {
            title: '',
            cell: (u) =>
              h(
                'button',
                {
                  type: 'button',
                  class: 'secondary small',
                  'data-testid': `manage-${u.name}`,
                  onclick: () => {
                    mount(reveal);
                    void userDetail(ctx, u, detail, reveal, load).then(() => detail.scrollIntoView({ block: 'nearest' }));
                  },
                },
                'Tokens…',
              ),
          },
        ],
        'No users.',
      ),
    );
  };
  mount(
    ctx.root,
    pageHeader('Users & tokens'),
    section(
      'Create a user',
      h(
        'p',
        { class: 'muted' },
        'The user gets a first token, shown once below. Groups decide what it sees and may do (admin, supplier, client, workers, ops, sales, metrics…).',
      ),
      createUserForm((user) => {
        mount(reveal, revealedToken(user.name, user.token));
        void load();
        void userDetail(ctx, user, detail, reveal, load);
      }),
    ),
    reveal,
    section('Users', listBox),
    detail,
  );
  await load();
}
