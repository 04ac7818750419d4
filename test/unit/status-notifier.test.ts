// Status-change notifications by e-mail (a stand-in mailer): one mail per poll, whatever the count.
import type { MailMessage } from '../../src/connectors/mailer';
import { StatusNotifier, type StatusChange } from '../../src/connectors/status-notifier';

const change = (name: string, online: boolean): StatusChange => ({
  serverId: name,
  serverName: name,
  at: '2026-11-23T10:00:00.000Z',
  online,
  message: online ? `game server <${name}> is back online` : `game server <${name}> went offline`,
});

test('without a mailer or a webhook, changes are only recorded', async () => {
  expect(await new StatusNotifier({ timeoutMs: 100 }).deliver([change('a', false)])).toBe('recorded');
});

test('with a mailer and a recipient, the changes go out in one mail', async () => {
  const sent: MailMessage[] = [];
  const notifier = new StatusNotifier({
    timeoutMs: 100,
    emailTo: 'ops@example.org',
    mailer: { send: (m) => (sent.push(m), Promise.resolve({ messageId: 'x' })) },
  });
  expect(await notifier.deliver([change('a', false), change('b', true)])).toBe('mailed to ops@example.org');
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({ to: 'ops@example.org', subject: '2 game servers changed status (1 offline)' });
  expect(sent[0]?.text).toContain('OFFLINE  game server <a> went offline');
  const single = await notifier.deliver([change('c', false)]);
  expect(single).toBe('mailed to ops@example.org');
  expect(sent[1]?.subject).toBe('game server <c> went offline');
});

test('a mail that cannot be sent is an error (the notify step gets an incident)', async () => {
  const notifier = new StatusNotifier({ timeoutMs: 100, emailTo: 'ops@example.org', mailer: { send: () => Promise.reject(new Error('550 no such user')) } });
  await expect(notifier.deliver([change('a', false)])).rejects.toThrow('could not mail the status changes to <ops@example.org>: 550 no such user');
});
