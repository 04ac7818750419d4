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
const SYMBOL_OPS = ['===', '!==', '==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '+', '-', '*', '/', '%', '?', ':', '.', '(', ')', '[', ']', ','];
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
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
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
        node = { k: 'member', obj: node, prop: { k: 'lit', v: name } };
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
        if (this.isOp('(')) {
          this.next();
          const args: Node[] = [];
          while (!this.isOp(')')) {
            args.push(this.ternary());
            if (!this.isOp(')')) this.expect(',');
          }
          this.expect(')');
          return { k: 'call', name: tok.v, args };
        }
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

function evaluate(node: Node, scope: Scope, fns: Functions): unknown {
  switch (node.k) {
    case 'lit':
      return node.v;
    case 'id':
      return scope(node.name);
    case 'member':
      return readProp(evaluate(node.obj, scope, fns), evaluate(node.prop, scope, fns));
    case 'call': {
      const fn = fns[node.name];
      if (!fn) throw new ExpressionError(`unknown function <${node.name}>`, node.name);
      return fn(...node.args.map((a) => evaluate(a, scope, fns)));
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
        case '+':
          return typeof l === 'string' || typeof r === 'string' ? `${String(l ?? '')}${String(r ?? '')}` : Number(l) + Number(r);
        case '-':
          return Number(l) - Number(r);
        case '*':
          return Number(l) * Number(r);
        case '/':
          return Number(l) / Number(r);
        case '%':
          return Number(l) % Number(r);
      }
    }
  }
  throw new ExpressionError('cannot evaluate expression', '');
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
