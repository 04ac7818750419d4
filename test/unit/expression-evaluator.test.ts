// The safe evaluator: the expressions modelers write for Camunda 7, and what it refuses.
import { evaluateExpression, ExpressionError, resolveTemplate, SET_VARIABLE } from '../../src/engine/expression-evaluator';

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
    ["'n=' += amount", 'n=1500'],
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

describe('+ adds and += joins, as in Camunda 7 (JUEL, EL 3.0)', () => {
  test.each([
    ["'1' + 2", 3],
    ["'1.5' + '1'", 2.5],
    [" ' 4 ' + 1", 5],
    ["'' + 2", 2],
    ['missing + 2', 2],
    ['null + null', 0],
    ["'2e1' - 1", 19],
    ["'6' * '7'", 42],
    ["'a' += 'b'", 'ab'],
    ["'n=' += amount += '!'", 'n=1500!'],
    ["'total ' += amount + 1", 'total 1501'],
    ["'x' += missing", 'x'],
    ['1 += 2', '12'],
    ["'#' += customer.tags", '#["a","b"]'],
    ["('a' += 'b') == 'ab'", true],
    ["'b' += 'c' > 'bb'", true],
  ])('%s → %p', (src, expected) => {
    expect(ev(src)).toEqual(expected);
  });

  test('+ on a text that is not a number fails and says to join with +=', () => {
    expect(() => ev("'n=' + amount")).toThrow(ExpressionError);
    expect(() => ev("status + 'x'")).toThrow(/<\+> works on numbers: the text <ok> is not a number \(join texts with \+=\)/);
    expect(() => ev("'1x' - 1")).toThrow(/the text <1x> is not a number/);
  });

  test('+ on a boolean, a list or a map fails', () => {
    expect(() => ev('approved + 1')).toThrow(/the boolean <true> is not a number/);
    expect(() => ev('customer.tags + 1')).toThrow(/a list is not a number/);
    expect(() => ev('customer * 2')).toThrow(/a map is not a number/);
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

describe('method calls: the safe set', () => {
  const mvars: Record<string, unknown> = {
    name: '  Ada Lovelace ',
    user: { name: 'ann', vip: true, Code: 'X1' },
    tags: ['a', 'b'],
    none: [],
    amount: 12.7,
    execution: undefined,
  };
  const mscope = (n: string) => mvars[n];
  const mv = (src: string) => evaluateExpression(src, mscope);

  test.each([
    ['name.trim()', 'Ada Lovelace'],
    ['name.trim().toUpperCase()', 'ADA LOVELACE'],
    ['name.toLowerCase()', '  ada lovelace '],
    ['name.trim().length()', 12],
    ['name.trim().substring(0, 3)', 'Ada'],
    ['name.trim().substring(4)', 'Lovelace'],
    ["name.contains('Love')", true],
    ["name.trim().startsWith('Ada')", true],
    ["name.trim().endsWith('x')", false],
    ["name.trim().equals('Ada Lovelace')", true],
    ["name.trim().equalsIgnoreCase('ada lovelace')", true],
    ["''.isEmpty()", true],
    ['user.getName()', 'ann'],
    ['user.isVip()', true],
    ['user.getCode()', 'X1'],
    ["user.get('name')", 'ann'],
    ["user.containsKey('vip')", true],
    ['user.size()', 3],
    ['tags.size()', 2],
    ['none.isEmpty()', true],
    ["tags.contains('b')", true],
    ['tags.get(1)', 'b'],
    ['amount.intValue()', 12],
    ['amount.toString()', '12.7'],
    ["execution.getVariable('tags').size()", 2],
    ["getVariable('user').getName()", 'ann'],
    ["execution.hasVariable('missing')", false],
    ['user.getMissing()', null],
  ])('%s → %p', (src, expected) => {
    expect(mv(src)).toEqual(expected);
  });

  test('a method on a value that is not set, or not of its kind, fails with what was expected and found', () => {
    expect(() => mv('missing.toUpperCase()')).toThrow('cannot call <toUpperCase()> on <missing>: it is not set');
    expect(() => mv('tags.toUpperCase()')).toThrow("<toUpperCase()> is not a method procflow's expressions can call on <tags> (a list)");
    expect(() => mv('user.name.size()')).toThrow('on <user.name> (a string)');
    expect(() => mv('name.substring(0, 99)')).toThrow('out of range');
    expect(() => mv("name.substring('a')")).toThrow('expects an integer argument');
  });

  test('nothing on the value itself is called: not its functions, prototype or constructor', () => {
    const hostile = { toUpperCase: () => 'called', name: () => 'called', getName: () => 'called' };
    const hscope = (n: string) => (n === 'h' ? hostile : undefined);
    expect(() => evaluateExpression('h.toUpperCase()', hscope)).toThrow(ExpressionError);
    expect(() => evaluateExpression('h.getName()', hscope)).toThrow(ExpressionError);
    expect(() => evaluateExpression("name.constructor('return 1')", mscope)).toThrow(ExpressionError);
    expect(() => evaluateExpression('user.valueOf()', mscope)).toThrow(ExpressionError);
    expect(evaluateExpression("user.get('__proto__')", mscope)).toBeNull();
  });

  test('execution.setVariable works only where the host allows setting variables', () => {
    expect(() => mv("execution.setVariable('x', 1)")).toThrow('sets variables only in a script task, a camunda:expression task or a listener');
    const set: Array<[unknown, unknown]> = [];
    expect(evaluateExpression("execution.setVariable('x', 1 + 1)", mscope, { [SET_VARIABLE]: (n, v) => void set.push([n, v]) })).toBeNull();
    expect(set).toEqual([['x', 2]]);
  });
});
