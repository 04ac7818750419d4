// Quartz cron expressions as Camunda 7 reads a timeCycle. The examples and their descriptions are
// quoted verbatim from the Quartz Scheduler documentation, "CronTrigger Tutorial" (Examples and
// Special characters), http://www.quartz-scheduler.org/documentation/quartz-2.3.0/tutorials/crontrigger.html
// (Apache-2.0). Times are UTC: procflow computes cron timers on the service clock in UTC.
import { looksLikeQuartzCron, parseQuartzCron, QuartzCronError } from '../../src/engine/quartz-cron';

/** The first `count` firings after `from`. */
function firings(expr: string, from: string, count: number): Array<string | null> {
  const cron = parseQuartzCron(expr);
  const out: Array<string | null> = [];
  let at: Date | null = new Date(from);
  for (let i = 0; i < count && at; i++) {
    at = cron.next(at);
    out.push(at ? at.toISOString() : null);
  }
  return out;
}

describe('the examples of the Quartz CronTrigger tutorial', () => {
  const JAN_2026 = '2026-01-01T00:00:00Z'; // a Thursday

  test('"0 0 12 * * ?" — Fire at 12pm (noon) every day', () => {
    expect(firings('0 0 12 * * ?', JAN_2026, 2)).toEqual(['2026-01-01T12:00:00.000Z', '2026-01-02T12:00:00.000Z']);
  });

  test('"0 15 10 ? * *", "0 15 10 * * ?" and "0 15 10 * * ? *" — Fire at 10:15am every day', () => {
    for (const expr of ['0 15 10 ? * *', '0 15 10 * * ?', '0 15 10 * * ? *']) {
      expect(firings(expr, JAN_2026, 2)).toEqual(['2026-01-01T10:15:00.000Z', '2026-01-02T10:15:00.000Z']);
    }
  });

  test('"0 15 10 * * ? 2005" — Fire at 10:15am every day during the year 2005', () => {
    expect(firings('0 15 10 * * ? 2005', '2004-06-01T00:00:00Z', 1)).toEqual(['2005-01-01T10:15:00.000Z']);
    expect(firings('0 15 10 * * ? 2005', '2005-12-31T10:15:00Z', 1)).toEqual([null]);
  });

  test('"0 * 14 * * ?" — Fire every minute starting at 2pm and ending at 2:59pm, every day', () => {
    const day = firings('0 * 14 * * ?', JAN_2026, 61);
    expect(day[0]).toBe('2026-01-01T14:00:00.000Z');
    expect(day[59]).toBe('2026-01-01T14:59:00.000Z');
    expect(day[60]).toBe('2026-01-02T14:00:00.000Z');
  });

  test('"0 0/5 14 * * ?" — Fire every 5 minutes starting at 2pm and ending at 2:55pm, every day', () => {
    const day = firings('0 0/5 14 * * ?', JAN_2026, 13);
    expect(day.slice(0, 2)).toEqual(['2026-01-01T14:00:00.000Z', '2026-01-01T14:05:00.000Z']);
    expect(day[11]).toBe('2026-01-01T14:55:00.000Z');
    expect(day[12]).toBe('2026-01-02T14:00:00.000Z');
  });

  test('"0 0/5 14,18 * * ?" — Fire every 5 minutes starting at 2pm and ending at 2:55pm, AND fire every 5 minutes starting at 6pm and ending at 6:55pm, every day', () => {
    const day = firings('0 0/5 14,18 * * ?', JAN_2026, 13);
    expect(day[11]).toBe('2026-01-01T14:55:00.000Z');
    expect(day[12]).toBe('2026-01-01T18:00:00.000Z');
  });

  test('"0 0-5 14 * * ?" — Fire every minute starting at 2pm and ending at 2:05pm, every day', () => {
    expect(firings('0 0-5 14 * * ?', JAN_2026, 7)).toEqual([
      '2026-01-01T14:00:00.000Z',
      '2026-01-01T14:01:00.000Z',
      '2026-01-01T14:02:00.000Z',
      '2026-01-01T14:03:00.000Z',
      '2026-01-01T14:04:00.000Z',
      '2026-01-01T14:05:00.000Z',
      '2026-01-02T14:00:00.000Z',
    ]);
  });

  test('"0 10,44 14 ? 3 WED" — Fire at 2:10pm and at 2:44pm every Wednesday in the month of March', () => {
    expect(firings('0 10,44 14 ? 3 WED', JAN_2026, 3)).toEqual(['2026-03-04T14:10:00.000Z', '2026-03-04T14:44:00.000Z', '2026-03-11T14:10:00.000Z']);
  });

  test('"0 15 10 ? * MON-FRI" — Fire at 10:15am every Monday, Tuesday, Wednesday, Thursday and Friday', () => {
    expect(firings('0 15 10 ? * MON-FRI', JAN_2026, 3)).toEqual(['2026-01-01T10:15:00.000Z', '2026-01-02T10:15:00.000Z', '2026-01-05T10:15:00.000Z']);
  });

  test('"0 15 10 15 * ?" — Fire at 10:15am on the 15th day of every month', () => {
    expect(firings('0 15 10 15 * ?', JAN_2026, 2)).toEqual(['2026-01-15T10:15:00.000Z', '2026-02-15T10:15:00.000Z']);
  });

  test('"0 15 10 L * ?" — Fire at 10:15am on the last day of every month', () => {
    expect(firings('0 15 10 L * ?', JAN_2026, 3)).toEqual(['2026-01-31T10:15:00.000Z', '2026-02-28T10:15:00.000Z', '2026-03-31T10:15:00.000Z']);
    expect(firings('0 15 10 L * ?', '2028-02-01T00:00:00Z', 1)).toEqual(['2028-02-29T10:15:00.000Z']);
  });

  test('"0 15 10 L-2 * ?" — Fire at 10:15am on the 2nd-to-last last day of every month', () => {
    expect(firings('0 15 10 L-2 * ?', JAN_2026, 2)).toEqual(['2026-01-29T10:15:00.000Z', '2026-02-26T10:15:00.000Z']);
  });

  test('"0 15 10 ? * 6L" — Fire at 10:15am on the last Friday of every month', () => {
    expect(firings('0 15 10 ? * 6L', JAN_2026, 2)).toEqual(['2026-01-30T10:15:00.000Z', '2026-02-27T10:15:00.000Z']);
  });

  test('"0 15 10 ? * 6L 2002-2005" — Fire at 10:15am on every last friday of every month during the years 2002, 2003, 2004 and 2005', () => {
    expect(firings('0 15 10 ? * 6L 2002-2005', '2001-01-01T00:00:00Z', 1)).toEqual(['2002-01-25T10:15:00.000Z']);
    expect(firings('0 15 10 ? * 6L 2002-2005', '2005-12-01T00:00:00Z', 2)).toEqual(['2005-12-30T10:15:00.000Z', null]);
  });

  test('"0 15 10 ? * 6#3" — Fire at 10:15am on the third Friday of every month', () => {
    expect(firings('0 15 10 ? * 6#3', JAN_2026, 2)).toEqual(['2026-01-16T10:15:00.000Z', '2026-02-20T10:15:00.000Z']);
  });

  test('"0 0 12 1/5 * ?" — Fire at 12pm (noon) every 5 days every month, starting on the first day of the month', () => {
    const jan = firings('0 0 12 1/5 * ?', JAN_2026, 8);
    expect(jan.slice(0, 3)).toEqual(['2026-01-01T12:00:00.000Z', '2026-01-06T12:00:00.000Z', '2026-01-11T12:00:00.000Z']);
    // 1, 6, 11, 16, 21, 26, 31 — then the 1st of the next month.
    expect(jan[6]).toBe('2026-01-31T12:00:00.000Z');
    expect(jan[7]).toBe('2026-02-01T12:00:00.000Z');
  });

  test('"0 11 11 11 11 ?" — Fire every November 11th at 11:11am', () => {
    expect(firings('0 11 11 11 11 ?', JAN_2026, 2)).toEqual(['2026-11-11T11:11:00.000Z', '2027-11-11T11:11:00.000Z']);
  });
});

describe('the special characters of the Quartz CronTrigger tutorial', () => {
  test('"15W": "if the 15th is a Saturday, the trigger will fire on Friday the 14th. If the 15th is a Sunday, the trigger will fire on Monday the 16th"', () => {
    // 15 Aug 2026 is a Saturday, 15 Feb 2026 a Sunday.
    expect(firings('0 0 12 15W * ?', '2026-08-01T00:00:00Z', 1)).toEqual(['2026-08-14T12:00:00.000Z']);
    expect(firings('0 0 12 15W * ?', '2026-02-01T00:00:00Z', 1)).toEqual(['2026-02-16T12:00:00.000Z']);
  });

  test('"1W": "if the 1st is a Saturday, the trigger will fire on Monday the 3rd, as it will not \'jump\' over the boundary of a month\'s days"', () => {
    // 1 Aug 2026 is a Saturday.
    expect(firings('0 0 12 1W * ?', '2026-07-31T23:00:00Z', 1)).toEqual(['2026-08-03T12:00:00.000Z']);
  });

  test('"LW": "which translates to *last weekday of the month*"', () => {
    // 31 Jan 2026 is a Saturday.
    expect(firings('0 0 12 LW * ?', '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-30T12:00:00.000Z']);
  });

  test('"L" alone in the day-of-week field "means 7 or SAT"; day-of-week 1 is SUN', () => {
    expect(firings('0 0 12 ? * L', '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-03T12:00:00.000Z']);
    expect(firings('0 0 12 ? * 1', '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-04T12:00:00.000Z']);
  });

  test('Camunda\'s own timeCycle "0 0/5 * * * ?" fires every five minutes, strictly after the given time', () => {
    expect(firings('0 0/5 * * * ?', '2026-01-01T00:05:00Z', 2)).toEqual(['2026-01-01T00:10:00.000Z', '2026-01-01T00:15:00.000Z']);
  });
});

describe('what is not a Quartz cron expression', () => {
  test.each([
    ['0 0 12 * * *', /exactly one of day-of-month and day-of-week/],
    ['0 0 12 ? * ?', /exactly one of day-of-month and day-of-week/],
    ['0 0 12 * *', /expected 6 or 7 fields/],
    ['60 0 12 * * ?', /seconds field expected 0 to 59, found <60>/],
    ['0 0 12 ? * 6#6', /expected n#1 to n#5/],
    ['0 0 12 ? * FOO', /day-of-week field expected a number or a name/],
    ['0 ? 12 * * ?', /minutes field/],
  ])('<%s> is refused, saying what is wrong', (expr, message) => {
    expect(() => parseQuartzCron(expr)).toThrow(QuartzCronError);
    expect(() => parseQuartzCron(expr)).toThrow(message);
  });

  test('ISO 8601 cycles and five-field Unix cron do not look like Quartz cron', () => {
    expect(looksLikeQuartzCron('0 0/5 * * * ?')).toBe(true);
    expect(looksLikeQuartzCron('0 15 10 * * ? 2005')).toBe(true);
    expect(looksLikeQuartzCron('R/PT5M')).toBe(false);
    expect(looksLikeQuartzCron('*/5 * * * *')).toBe(false);
  });
});
