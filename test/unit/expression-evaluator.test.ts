// The safe evaluator: the expressions modelers write for Camunda 7, and what it refuses.
import { evaluateExpression, ExpressionError, resolveTemplate } from '../../src/engine/expression-evaluator';

const vars: Record<string, unknown> = {
  approved: true,
  urgent: false,
  amount: 1500,
  status: 'ok',
  customer: { vip: true, name: 'Ada', tags: ['a', 'b'] },
  empty: '',
  list: [],
};
const scope = (name: string) => vars[name];
const ev = (src: string) => evaluateExpression(src, scope);

describe('expressions as Camunda modelers write them', () => {
  test.each([
    ['approved', true],
    ['!approved', false],
    ['not approved', false],
    ['amount > 1000 && !urgent', true],
    ['amount gt 1000 and urgent', false],
    ['amount >= 1500', true],
    ['amount < 10 || customer.vip', true],
    ["status == 'ok'", true],
    ['status eq "ok"', true],
    ["status != 'ok'", false],
    ['amount == "1500"', true],
    ['customer.name', 'Ada'],
    ["customer['name']", 'Ada'],
    ['customer.tags[1]', 'b'],
    ['customer.tags.length', 2],
    ['amount * 2 + 1', 3001],
    ['amount / 3 > 499', true],
    ['amount mod 7', 1500 % 7],
    ["'n=' + amount", 'n=1500'],
    ['urgent ? 1 : 2', 2],
    ['missing', undefined],
    ['missing.deep.path', undefined],
    ['-amount', -1500],
    ['(amount > 10) == true', true],
  ])('%s → %p', (src, expected) => {
    expect(ev(src)).toEqual(expected);
  });

  test('empty is true for missing, empty strings and empty lists', () => {
    expect([ev('empty missing'), ev('empty list'), ev('empty status')]).toEqual([true, true, false]);
  });

  test('a template that is exactly one expression gives the value; a mixed one gives a string', () => {
    expect(resolveTemplate('${amount > 1000}', scope)).toBe(true);
    expect(resolveTemplate('Dear ${customer.name}, total ${amount}', scope)).toBe('Dear Ada, total 1500');
    expect(resolveTemplate("#{status == 'ok'}", scope)).toBe(true);
  });
});

describe('what the evaluator refuses', () => {
  test('prototype and constructor are never reachable', () => {
    expect(ev('customer.constructor')).toBeUndefined();
    expect(ev('customer.__proto__')).toBeUndefined();
    expect(ev("customer['constructor']['constructor']")).toBeUndefined();
    expect(ev('status.constructor')).toBeUndefined();
  });

  test('calls to anything but the given functions fail', () => {
    expect(() => ev('process.exit(1)')).toThrow(ExpressionError);
    expect(() => ev('require("fs")')).toThrow(/unknown function <require>/);
    expect(evaluateExpression('now()', scope, { now: () => 'T' })).toBe('T');
  });

  test('syntax errors say where', () => {
    expect(() => ev('amount >')).toThrow(ExpressionError);
    expect(() => ev("status == 'open")).toThrow(/unterminated string/);
    expect(() => ev('amount ; drop')).toThrow(/unexpected character <;>/);
  });
});
