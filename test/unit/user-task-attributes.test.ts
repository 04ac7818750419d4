// A user task's due and follow-up dates and its priority as the model gives them, once resolved:
// ISO date-times, ISO durations from the service clock's now, integers, and what is refused.
import { DEFAULT_TASK_PRIORITY, taskDate, taskPriority } from '../../src/engine/elements/user-task';

const NOW = '2027-01-04T09:00:00.000Z';

describe('task dates', () => {
  test('an ISO duration counts from now; an ISO date-time is taken as it is, in UTC', () => {
    expect(taskDate('P2D', NOW)).toBe('2027-01-06T09:00:00.000Z');
    expect(taskDate('PT90M', NOW)).toBe('2027-01-04T10:30:00.000Z');
    expect(taskDate(' P1DT2H ', NOW)).toBe('2027-01-05T11:00:00.000Z');
    expect(taskDate('2027-03-01T12:00:00+02:00', NOW)).toBe('2027-03-01T10:00:00.000Z');
    expect(taskDate(new Date('2027-03-01T12:00:00Z'), NOW)).toBe('2027-03-01T12:00:00.000Z');
  });

  test('anything else gives no date rather than a wrong one', () => {
    for (const v of ['tomorrow', '', 'P', 'PT', '12:00', '1969-12-31T23:59:59Z', '10000-01-01T00:00:00Z', 42, null, undefined, {}]) {
      expect([v, taskDate(v, NOW)]).toEqual([v, null]);
    }
  });
});

describe('task priority', () => {
  test('an integer or a numeric text; anything else is Camunda’s default 50', () => {
    expect(taskPriority(80)).toBe(80);
    expect(taskPriority(' -3 ')).toBe(-3);
    expect(taskPriority('0')).toBe(0);
    for (const v of [1.5, '1.5', 'high', '', null, undefined, 2 ** 31, Number.NaN, true]) {
      expect([v, taskPriority(v)]).toEqual([v, DEFAULT_TASK_PRIORITY]);
    }
    expect(DEFAULT_TASK_PRIORITY).toBe(50);
  });
});
