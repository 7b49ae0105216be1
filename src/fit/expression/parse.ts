/**
 * A small recursive-descent parser for user-defined laws such as `b - a*exp(c*H)`. It builds a syntax tree
 * and never evaluates text as code: the tree is later compiled into a tape of arithmetic operations
 * (`compile.ts`).
 *
 * Grammar (lowest precedence first):
 *   sum     := product (('+' | '-') product)*
 *   product := unary (('*' | '/') unary)*
 *   unary   := ('-' | '+') unary | power
 *   power   := primary (('^' | '**') unary)?        right-associative; -x^2 = -(x^2), 2^-1 allowed
 *   primary := number | name | name '(' sum (',' sum)* ')' | '(' sum ')'
 * Numbers: 12, 1.5, .5, 1e-3, 2.5E+4. Names: letters, digits and `_`, not starting with a digit.
 */
import { UsageError } from '../../util/errors.ts';

/** One-argument functions the parser knows. */
export const UNARY_FUNCTIONS = ['exp', 'log', 'sqrt', 'sin', 'cos', 'tan', 'atan', 'abs'] as const;
export type UnaryFunction = (typeof UNARY_FUNCTIONS)[number];

/** Named constants; every other name is a variable (a data column) or a parameter. */
export const CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI };

/** A node of the syntax tree. */
export type Expr =
  | { kind: 'number'; value: number }
  | { kind: 'name'; name: string }
  | { kind: 'neg'; arg: Expr }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/' | '^'; left: Expr; right: Expr }
  | { kind: 'call'; fn: UnaryFunction; arg: Expr };

interface Token {
  type: 'number' | 'name' | 'op' | 'end';
  text: string;
  /** 1-based column of the token's first character, for error messages. */
  column: number;
}

const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const rest = source.slice(i);
    const num = NUMBER.exec(rest);
    if (num) {
      tokens.push({ type: 'number', text: num[0], column: i + 1 });
      i += num[0].length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      tokens.push({ type: 'name', text: name[0], column: i + 1 });
      i += name[0].length;
      continue;
    }
    if (rest.startsWith('**')) {
      tokens.push({ type: 'op', text: '^', column: i + 1 });
      i += 2;
      continue;
    }
    if ('+-*/^(),'.includes(ch)) {
      tokens.push({ type: 'op', text: ch, column: i + 1 });
      i++;
      continue;
    }
    throw new UsageError(`invalid expression "${source}": unexpected character '${ch}' at column ${i + 1}`);
  }
  tokens.push({ type: 'end', text: '', column: source.length + 1 });
  return tokens;
}

/**
 * Parses an arithmetic expression into a syntax tree. Throws a `UsageError` naming the column of the first
 * problem (unknown character, unbalanced parentheses, unknown function, wrong number of arguments).
 * @example parseExpression('b - a*exp(H)') // => { kind: 'binary', op: '-', ... }
 */
export function parseExpression(source: string): Expr {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = (): Token => tokens[pos];
  const fail = (message: string, token: Token = peek()): never => {
    const where = token.type === 'end' ? 'at the end' : `at column ${token.column}`;
    throw new UsageError(`invalid expression "${source}": ${message} ${where}`);
  };
  const expectOp = (text: string): void => {
    const t = peek();
    if (t.type !== 'op' || t.text !== text) fail(`expected '${text}'`);
    pos++;
  };
  const isOp = (text: string): boolean => peek().type === 'op' && peek().text === text;

  function sum(): Expr {
    let left = product();
    while (isOp('+') || isOp('-')) {
      const op = tokens[pos++].text as '+' | '-';
      left = { kind: 'binary', op, left, right: product() };
    }
    return left;
  }
  function product(): Expr {
    let left = unary();
    while (isOp('*') || isOp('/')) {
      const op = tokens[pos++].text as '*' | '/';
      left = { kind: 'binary', op, left, right: unary() };
    }
    return left;
  }
  function unary(): Expr {
    if (isOp('-')) {
      pos++;
      return { kind: 'neg', arg: unary() };
    }
    if (isOp('+')) {
      pos++;
      return unary();
    }
    return power();
  }
  function power(): Expr {
    const base = primary();
    if (isOp('^')) {
      pos++;
      return { kind: 'binary', op: '^', left: base, right: unary() };
    }
    return base;
  }
  function args(name: Token): Expr[] {
    expectOp('(');
    const list = [sum()];
    while (isOp(',')) {
      pos++;
      list.push(sum());
    }
    if (!isOp(')')) fail(`expected ')' to close ${name.text}(`);
    pos++;
    return list;
  }
  function primary(): Expr {
    const t = peek();
    if (t.type === 'number') {
      pos++;
      return { kind: 'number', value: Number(t.text) };
    }
    if (t.type === 'name') {
      pos++;
      if (!isOp('(')) return t.text in CONSTANTS ? { kind: 'number', value: CONSTANTS[t.text] } : { kind: 'name', name: t.text };
      const list = args(t);
      if (t.text === 'pow') {
        if (list.length !== 2) fail(`pow takes 2 arguments, got ${list.length}`, t);
        return { kind: 'binary', op: '^', left: list[0], right: list[1] };
      }
      if (!(UNARY_FUNCTIONS as readonly string[]).includes(t.text)) {
        fail(`unknown function '${t.text}' (known: ${[...UNARY_FUNCTIONS, 'pow'].join(', ')})`, t);
      }
      if (list.length !== 1) fail(`${t.text} takes 1 argument, got ${list.length}`, t);
      return { kind: 'call', fn: t.text as UnaryFunction, arg: list[0] };
    }
    if (isOp('(')) {
      pos++;
      const inner = sum();
      if (!isOp(')')) fail(`expected ')'`);
      pos++;
      return inner;
    }
    return fail(t.type === 'end' ? 'unexpected end' : `unexpected '${t.text}'`);
  }

  const tree = sum();
  if (peek().type !== 'end') fail(`unexpected '${peek().text}'`);
  return tree;
}

/**
 * The distinct names (not constants, not functions) an expression uses, in order of first use.
 * @example namesIn(parseExpression('b - a*exp(H)')) // => ['b', 'a', 'H']
 */
export function namesIn(expr: Expr, out: string[] = []): string[] {
  switch (expr.kind) {
    case 'name':
      if (!out.includes(expr.name)) out.push(expr.name);
      break;
    case 'neg':
    case 'call':
      namesIn(expr.arg, out);
      break;
    case 'binary':
      namesIn(expr.left, out);
      namesIn(expr.right, out);
      break;
    default:
      break;
  }
  return out;
}
