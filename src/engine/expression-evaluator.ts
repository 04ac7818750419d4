// A small, safe evaluator for the expressions modelers write for Camunda 7 (JUEL-like):
// `${approved}`, `${amount > 1000 && !urgent}`, `${customer.vip}`, `${status == 'ok'}`.
// Model text is tokenized and parsed here; it is never handed to eval or new Function.

export type Scope = (name: string) => unknown;
export type Functions = Record<string, (...args: unknown[]) => unknown>;

type Node =
  | { k: 'lit'; v: unknown }
  | { k: 'id'; name: string }
  | { k: 'member'; obj: Node; prop: Node }
  | { k: 'call'; name: string; args: Node[] }
  | { k: 'method'; obj: Node; name: string; args: Node[] }
  | { k: 'unary'; op: string; arg: Node }
  | { k: 'binary'; op: string; left: Node; right: Node }
  | { k: 'cond'; test: Node; then: Node; else: Node };

interface Token {
  t: 'num' | 'str' | 'id' | 'op' | 'end';
  v: string;
  pos: number;
}

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly expression: string,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

const WORD_OPS: Record<string, string> = {
  and: '&&',
  or: '||',
  not: '!',
  eq: '==',
  ne: '!=',
  lt: '<',
  gt: '>',
  le: '<=',
  ge: '>=',
  div: '/',
  mod: '%',
  empty: 'empty',
};
const SYMBOL_OPS = ['===', '!==', '==', '!=', '<=', '>=', '&&', '||', '+=', '<', '>', '!', '+', '-', '*', '/', '%', '?', ':', '.', '(', ')', '[', ']', ','];
const FORBIDDEN_PROPS = new Set(['__proto__', 'prototype', 'constructor', '__defineGetter__', '__defineSetter__', '__lookupGetter__']);

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?/.exec(src.slice(i));
      const text = m ? m[0] : c;
      tokens.push({ t: 'num', v: text, pos: i });
      i += text.length;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let out = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) {
          j++;
        }
        out += src[j];
        j++;
      }
      if (j >= src.length) throw new ExpressionError(`unterminated string starting at ${i}`, src);
      tokens.push({ t: 'str', v: out, pos: i });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i)) as RegExpExecArray;
      const word = m[0];
      const op = Object.hasOwn(WORD_OPS, word) ? WORD_OPS[word] : undefined;
      tokens.push(op ? { t: 'op', v: op, pos: i } : { t: 'id', v: word, pos: i });
      i += word.length;
      continue;
    }
    const sym = SYMBOL_OPS.find((s) => src.startsWith(s, i));
    if (!sym) throw new ExpressionError(`unexpected character <${c}> at ${i}`, src);
    tokens.push({ t: 'op', v: sym === '===' ? '==' : sym === '!==' ? '!=' : sym, pos: i });
    i += sym.length;
  }
  tokens.push({ t: 'end', v: '', pos: src.length });
  return tokens;
}

const BINARY_PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '>': 4,
  '<=': 4,
  '>=': 4,
  // EL 3.0's string concatenation, between the relational and the additive operators.
  '+=': 5,
  '+': 6,
  '-': 6,
  '*': 7,
  '/': 7,
  '%': 7,
};

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly src: string,
  ) {}

  parse(): Node {
    const node = this.ternary();
    const tok = this.peek();
    if (tok.t !== 'end') throw this.error(`unexpected <${tok.v}> at ${tok.pos}`);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }
  private next(): Token {
    return this.tokens[this.i++] as Token;
  }
  private isOp(v: string): boolean {
    const tok = this.peek();
    return tok.t === 'op' && tok.v === v;
  }
  private expect(v: string): void {
    const tok = this.next();
    if (tok.t !== 'op' || tok.v !== v) throw this.error(`expected <${v}> at ${tok.pos}, found <${tok.v || 'end'}>`);
  }
  private error(message: string): ExpressionError {
    return new ExpressionError(message, this.src);
  }

  private ternary(): Node {
    const test = this.binary(1);
    if (!this.isOp('?')) return test;
    this.next();
    const then = this.ternary();
    this.expect(':');
    return { k: 'cond', test, then, else: this.ternary() };
  }

  private binary(minPrec: number): Node {
    let left = this.unary();
    for (;;) {
      const tok = this.peek();
      const prec = tok.t === 'op' && Object.hasOwn(BINARY_PRECEDENCE, tok.v) ? BINARY_PRECEDENCE[tok.v] : undefined;
      if (prec === undefined || prec < minPrec) return left;
      this.next();
      const right = this.binary(prec + 1);
      left = { k: 'binary', op: tok.v, left, right };
    }
  }

  private unary(): Node {
    if (this.isOp('!') || this.isOp('-') || this.isOp('empty')) {
      const op = this.next().v;
      return { k: 'unary', op, arg: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private postfix(node: Node): Node {
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        const tok = this.next();
        if (tok.t !== 'id' && !(tok.t === 'op' && /^[a-z]+$/.test(tok.v))) throw this.error(`expected a property name at ${tok.pos}`);
        const name = tok.t === 'id' ? tok.v : (Object.keys(WORD_OPS).find((w) => WORD_OPS[w] === tok.v) ?? tok.v);
        if (this.isOp('(')) node = { k: 'method', obj: node, name, args: this.args() };
        else node = { k: 'member', obj: node, prop: { k: 'lit', v: name } };
      } else if (this.isOp('[')) {
        this.next();
        const prop = this.ternary();
        this.expect(']');
        node = { k: 'member', obj: node, prop };
      } else {
        return node;
      }
    }
  }

  /** `( a, b )` after a function or method name. */
  private args(): Node[] {
    this.expect('(');
    const args: Node[] = [];
    while (!this.isOp(')')) {
      args.push(this.ternary());
      if (!this.isOp(')')) this.expect(',');
    }
    this.expect(')');
    return args;
  }

  private primary(): Node {
    const tok = this.next();
    switch (tok.t) {
      case 'num':
        return { k: 'lit', v: Number(tok.v) };
      case 'str':
        return { k: 'lit', v: tok.v };
      case 'id': {
        if (tok.v === 'true') return { k: 'lit', v: true };
        if (tok.v === 'false') return { k: 'lit', v: false };
        if (tok.v === 'null' || tok.v === 'undefined') return { k: 'lit', v: null };
        if (this.isOp('(')) return { k: 'call', name: tok.v, args: this.args() };
        return { k: 'id', name: tok.v };
      }
      case 'op':
        if (tok.v === '(') {
          const inner = this.ternary();
          this.expect(')');
          return inner;
        }
        throw this.error(`unexpected <${tok.v}> at ${tok.pos}`);
      default:
        throw this.error('unexpected end of expression');
    }
  }
}

function readProp(obj: unknown, prop: unknown): unknown {
  if (obj === null || obj === undefined) return undefined;
  const key = String(prop);
  if (FORBIDDEN_PROPS.has(key)) return undefined;
  if (typeof obj === 'string' && key === 'length') return obj.length;
  if (Array.isArray(obj) && key === 'length') return obj.length;
  if (typeof obj !== 'object') return undefined;
  return Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

function looseEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined) return b === null || b === undefined;
  if (typeof a === 'number' && typeof b === 'string') return b.trim() !== '' && a === Number(b);
  if (typeof a === 'string' && typeof b === 'number') return a.trim() !== '' && Number(a) === b;
  if (typeof a === 'boolean' && typeof b === 'string') return String(a) === b;
  if (typeof a === 'string' && typeof b === 'boolean') return a === String(b);
  return false;
}

/**
 * An operand of `+ - * / %` coerced to a number as JUEL does: null (or not set) is 0, a text is
 * parsed as a number ('' is 0) and a text that is no number is an error, as are a boolean and any
 * other value. So `+` always adds (`${'1' + 2}` is 3); `+=` joins texts.
 */
function arithmeticOperand(v: unknown, op: string): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const trimmed = v.trim();
    if (trimmed === '') return 0;
    if (NUMERIC_TEXT.test(trimmed)) return Number(trimmed);
    throw new ExpressionError(`<${op}> works on numbers: the text <${v}> is not a number (join texts with +=)`, v);
  }
  const what = typeof v === 'object' ? `a ${kindOf(v)}` : `the ${typeof v} <${String(v)}>`;
  throw new ExpressionError(`<${op}> works on numbers: ${what} is not a number`, String(v));
}

const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** An operand of `+=` as text: null (or not set) is the empty text, an object its JSON. */
function concatenated(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function evaluate(node: Node, scope: Scope, fns: Functions): unknown {
  switch (node.k) {
    case 'lit':
      return node.v;
    case 'id':
      return scope(node.name);
    case 'member':
      return readProp(evaluate(node.obj, scope, fns), evaluate(node.prop, scope, fns));
    case 'call': {
      const args = node.args.map((a) => evaluate(a, scope, fns));
      const fn = Object.hasOwn(fns, node.name) ? fns[node.name] : undefined;
      if (fn) return fn(...args);
      if (node.name === 'getVariable') return scope(String(args[0]));
      throw new ExpressionError(`unknown function <${node.name}>`, node.name);
    }
    case 'method': {
      const args = node.args.map((a) => evaluate(a, scope, fns));
      // `execution.getVariable('x')` and, in a task listener, `task.setVariable('x', 1)`.
      if (node.obj.k === 'id' && (node.obj.name === 'execution' || node.obj.name === 'task')) {
        const handled = executionMethod(node.obj.name, node.name, args, scope, fns);
        if (handled !== NOT_HANDLED) return handled;
      }
      return callMethod(evaluate(node.obj, scope, fns), node.name, args, describeTarget(node.obj));
    }
    case 'unary': {
      const v = evaluate(node.arg, scope, fns);
      if (node.op === '!') return !v;
      if (node.op === 'empty') return isEmpty(v);
      return -Number(v);
    }
    case 'cond':
      return evaluate(node.test, scope, fns) ? evaluate(node.then, scope, fns) : evaluate(node.else, scope, fns);
    case 'binary': {
      if (node.op === '&&') return Boolean(evaluate(node.left, scope, fns)) && Boolean(evaluate(node.right, scope, fns));
      if (node.op === '||') return Boolean(evaluate(node.left, scope, fns)) || Boolean(evaluate(node.right, scope, fns));
      const l = evaluate(node.left, scope, fns);
      const r = evaluate(node.right, scope, fns);
      switch (node.op) {
        case '==':
          return looseEquals(l, r);
        case '!=':
          return !looseEquals(l, r);
        case '<':
          return (l as number) < (r as number);
        case '>':
          return (l as number) > (r as number);
        case '<=':
          return (l as number) <= (r as number);
        case '>=':
          return (l as number) >= (r as number);
        case '+=':
          return concatenated(l) + concatenated(r);
        case '+':
          return arithmeticOperand(l, '+') + arithmeticOperand(r, '+');
        case '-':
          return arithmeticOperand(l, '-') - arithmeticOperand(r, '-');
        case '*':
          return arithmeticOperand(l, '*') * arithmeticOperand(r, '*');
        case '/':
          return arithmeticOperand(l, '/') / arithmeticOperand(r, '/');
        case '%':
          return arithmeticOperand(l, '%') % arithmeticOperand(r, '%');
      }
    }
  }
  throw new ExpressionError('cannot evaluate expression', '');
}

// ----- method calls -----
// Method calls, as Camunda modelers write them on JUEL values (`${name.toUpperCase()}`,
// `${execution.getVariable('x')}`, `${items.size()}`): a fixed set per kind of value, read on the
// JSON values procflow keeps. Nothing is looked up on the value itself, so no function of a
// variable and no prototype is ever called.
const NOT_HANDLED = Symbol('not handled');

/** The function a host passes where an expression may set variables (script and expression tasks). */
export const SET_VARIABLE = 'execution.setVariable';

const STRING_METHODS = [
  'toUpperCase',
  'toLowerCase',
  'trim',
  'length',
  'isEmpty',
  'substring',
  'contains',
  'startsWith',
  'endsWith',
  'indexOf',
  'equals',
  'equalsIgnoreCase',
  'toString',
];
const LIST_METHODS = ['size', 'isEmpty', 'contains', 'get', 'indexOf', 'equals', 'toString'];
const MAP_METHODS = ['get', 'containsKey', 'size', 'isEmpty', 'equals', 'toString'];
const NUMBER_METHODS = ['intValue', 'longValue', 'doubleValue', 'equals', 'toString'];
const EXECUTION_METHODS = ['getVariable', 'getVariableLocal', 'hasVariable', 'hasVariableLocal', 'setVariable', 'setVariableLocal'];

/** Every method name an expression may call; besides these, JavaBean getters (`getName()`, `isVip()`) on objects. */
export const METHOD_NAMES: ReadonlySet<string> = new Set([...STRING_METHODS, ...LIST_METHODS, ...MAP_METHODS, ...NUMBER_METHODS, ...EXECUTION_METHODS]);
const GETTER = /^(get|is)([A-Z].*)$/;

export function isKnownMethod(name: string): boolean {
  return METHOD_NAMES.has(name) || GETTER.test(name);
}

function describeTarget(node: Node): string {
  if (node.k === 'id') return `<${node.name}>`;
  if (node.k === 'member' && node.prop.k === 'lit') return `<${describeTarget(node.obj).slice(1, -1)}.${String(node.prop.v)}>`;
  return 'the value';
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  return typeof v;
}

function integer(v: unknown, method: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw new ExpressionError(`<${method}()> expects an integer argument, found <${String(v)}>`, method);
  return n;
}

function text(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a && b && typeof a === 'object' && typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

/** `execution.getVariable('x')` (or `task.…`) and its kin, read from (or written to) the expression's variables. */
function executionMethod(receiver: string, name: string, args: unknown[], scope: Scope, fns: Functions): unknown {
  const variable = String(args[0]);
  switch (name) {
    case 'getVariable':
    case 'getVariableLocal':
      return scope(variable);
    case 'hasVariable':
    case 'hasVariableLocal':
      return scope(variable) !== undefined;
    case 'setVariable':
    case 'setVariableLocal': {
      const set = Object.hasOwn(fns, SET_VARIABLE) ? fns[SET_VARIABLE] : undefined;
      if (!set) throw new ExpressionError(`<${receiver}.${name}()> sets variables only in a script task, a camunda:expression task or a listener`, name);
      set(variable, args[1]);
      return null;
    }
    default:
      return NOT_HANDLED;
  }
}

function stringMethod(s: string, name: string, args: unknown[]): unknown {
  switch (name) {
    case 'toUpperCase':
      return s.toUpperCase();
    case 'toLowerCase':
      return s.toLowerCase();
    case 'trim':
      return s.trim();
    case 'length':
      return s.length;
    case 'isEmpty':
      return s.length === 0;
    case 'substring': {
      const begin = integer(args[0], name);
      const end = args.length > 1 ? integer(args[1], name) : s.length;
      if (begin < 0 || end > s.length || begin > end)
        throw new ExpressionError(`<substring(${begin}, ${end})> is out of range for a text of length ${s.length}`, name);
      return s.substring(begin, end);
    }
    case 'contains':
      return s.includes(text(args[0]));
    case 'startsWith':
      return s.startsWith(text(args[0]));
    case 'endsWith':
      return s.endsWith(text(args[0]));
    case 'indexOf':
      return s.indexOf(text(args[0]));
    case 'equals':
      return s === args[0];
    case 'equalsIgnoreCase':
      return typeof args[0] === 'string' && s.toLowerCase() === args[0].toLowerCase();
    case 'toString':
      return s;
  }
  return NOT_HANDLED;
}

function listMethod(list: unknown[], name: string, args: unknown[]): unknown {
  switch (name) {
    case 'size':
      return list.length;
    case 'isEmpty':
      return list.length === 0;
    case 'contains':
      return list.some((item) => sameValue(item, args[0]));
    case 'indexOf':
      return list.findIndex((item) => sameValue(item, args[0]));
    case 'get': {
      const i = integer(args[0], name);
      if (i < 0 || i >= list.length) throw new ExpressionError(`<get(${i})> is out of range for a list of size ${list.length}`, name);
      return list[i];
    }
    case 'equals':
      return sameValue(list, args[0]);
    case 'toString':
      return JSON.stringify(list);
  }
  return NOT_HANDLED;
}

function mapMethod(map: Record<string, unknown>, name: string, args: unknown[]): unknown {
  const own = (key: string) => Object.prototype.hasOwnProperty.call(map, key) && !FORBIDDEN_PROPS.has(key);
  switch (name) {
    case 'get':
      return own(String(args[0])) ? map[String(args[0])] : null;
    case 'containsKey':
      return own(String(args[0]));
    case 'size':
      return Object.keys(map).length;
    case 'isEmpty':
      return Object.keys(map).length === 0;
    case 'equals':
      return sameValue(map, args[0]);
    case 'toString':
      return JSON.stringify(map);
  }
  // A JavaBean getter reads the property: `getName()` is `name`, `isVip()` is `vip`.
  const getter = args.length === 0 ? GETTER.exec(name) : null;
  if (getter) {
    const rest = getter[2] as string;
    const prop = rest.charAt(0).toLowerCase() + rest.slice(1);
    if (own(prop)) {
      const v = map[prop];
      return typeof v === 'function' ? NOT_HANDLED : v;
    }
    if (own(rest)) return map[rest];
    return null;
  }
  return NOT_HANDLED;
}

function scalarMethod(v: number | boolean, name: string, args: unknown[]): unknown {
  switch (name) {
    case 'equals':
      return v === args[0];
    case 'toString':
      return String(v);
  }
  if (typeof v !== 'number') return NOT_HANDLED;
  switch (name) {
    case 'intValue':
    case 'longValue':
      return Math.trunc(v);
    case 'doubleValue':
      return v;
  }
  return NOT_HANDLED;
}

function callMethod(target: unknown, name: string, args: unknown[], what: string): unknown {
  if (target === null || target === undefined) {
    throw new ExpressionError(`cannot call <${name}()> on ${what}: it is ${target === null ? 'null' : 'not set'}`, name);
  }
  let result: unknown = NOT_HANDLED;
  if (typeof target === 'string') result = stringMethod(target, name, args);
  else if (Array.isArray(target)) result = listMethod(target, name, args);
  else if (typeof target === 'number' || typeof target === 'boolean') result = scalarMethod(target, name, args);
  else if (typeof target === 'object') result = mapMethod(target as Record<string, unknown>, name, args);
  if (result === NOT_HANDLED) {
    throw new ExpressionError(
      `<${name}()> is not a method procflow's expressions can call on ${what} (a ${kindOf(target)}); see "Expressions" in docs/modelling.md`,
      name,
    );
  }
  return result;
}

const cache = new Map<string, Node>();
const CACHE_LIMIT = 5000;

/** Parses one expression body (the text inside `${…}`), caching the tree. */
export function compileExpression(body: string): Node {
  let node = cache.get(body);
  if (!node) {
    node = new Parser(tokenize(body), body).parse();
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(body, node);
  }
  return node;
}

export function evaluateExpression(body: string, scope: Scope, fns: Functions = {}): unknown {
  return evaluate(compileExpression(body), scope, fns);
}

const TEMPLATE = /[$#]\{((?:[^}'"]|'[^']*'|"[^"]*")*)\}/g;
const WHOLE = /^\s*[$#]\{((?:[^}'"]|'[^']*'|"[^"]*")*)\}\s*$/;

export function hasTemplate(text: unknown): boolean {
  return typeof text === 'string' && /[$#]\{/.test(text);
}

/**
 * Resolves a template: a text that is exactly one `${…}` gives the value itself; a text mixing
 * literal parts and expressions gives a string.
 */
export function resolveTemplate(text: string, scope: Scope, fns: Functions = {}): unknown {
  const whole = WHOLE.exec(text);
  if (whole) return evaluateExpression(whole[1] as string, scope, fns);
  return text.replace(TEMPLATE, (_m, body: string) => {
    const v = evaluateExpression(body, scope, fns);
    return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}
