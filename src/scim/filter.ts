/**
 * SCIM filter expressions (RFC 7644 §3.4.2.2) parsed into a tree. A small
 * tokenizer and a recursive-descent parser; precedence not > and > or.
 * Operators are case-insensitive. Values are JSON literals, plus the bare
 * words Microsoft's documentation shows (`externalId eq jyoung`).
 */

import { unstorableReason } from '../http/unstorable-text.js';

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterValue = string | number | boolean | null;
/** An attribute path: optional schema URN, attribute name, optional sub-attribute. */
export interface AttrPath {
  schema?: string;
  attr: string;
  sub?: string;
}
export type FilterNode =
  | { kind: 'and'; left: FilterNode; right: FilterNode }
  | { kind: 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; filter: FilterNode }
  | { kind: 'compare'; path: AttrPath; op: CompareOperator; value: FilterValue }
  | { kind: 'present'; path: AttrPath }
  /** attr[filter]: the inner filter's paths name sub-attributes of `path`. */
  | { kind: 'valuePath'; path: AttrPath; filter: FilterNode };

export class FilterSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterSyntaxError';
  }
}

const maxLength = 10_000;
const maxDepth = 50;
const compareOperators = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const attrName = /^[A-Za-z][\w$-]*$/;

type Token = { type: '(' | ')' | '[' | ']'; at: number } | { type: 'string'; value: string; at: number } | { type: 'word'; value: string; at: number };

/** Splits filter text into tokens; `offset` is added to positions when the text is a slice of a longer path. */
function tokenize(text: string, offset = 0): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const character = text[i]!;
    if (character === ' ' || character === '\t' || character === '\n' || character === '\r') {
      i++;
    } else if ('()[]'.includes(character)) {
      tokens.push({ type: character as '(' | ')' | '[' | ']', at: offset + i });
      i++;
    } else if (character === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw new FilterSyntaxError(`Unterminated string starting at position ${offset + i + 1}`);
      // Values are JSON strings (RFC 7644 §3.4.2.2), so JSON.parse decodes the escapes.
      let value: string;
      try {
        value = JSON.parse(text.slice(i, j + 1)) as string;
      } catch {
        throw new FilterSyntaxError(`Invalid escape in the string starting at position ${offset + i + 1}`);
      }
      // An escape can spell what the request itself could not carry ("\u0000"); it is refused the same way.
      const unstorable = unstorableReason(value);
      if (unstorable) throw new FilterSyntaxError(`The string starting at position ${offset + i + 1} ${unstorable}`);
      tokens.push({ type: 'string', value, at: offset + i });
      i = j + 1;
    } else {
      let j = i;
      // A word (name, operator, literal or bare value) ends at whitespace, a bracket or a quote.
      while (j < text.length && !' \t\n\r()[]"'.includes(text[j]!)) j++;
      tokens.push({ type: 'word', value: text.slice(i, j), at: offset + i });
      i = j;
    }
  }
  return tokens;
}

/** Splits `urn:…:User:name.givenName` or `name.givenName` into schema, attribute and sub-attribute. */
function splitPath(text: string, knownSchemas: readonly string[], at: number): AttrPath {
  let schema: string | undefined;
  let rest = text;
  if (text.toLowerCase().startsWith('urn:')) {
    const match = [...knownSchemas].sort((a, b) => b.length - a.length).find((candidate) => text.toLowerCase().startsWith(`${candidate.toLowerCase()}:`));
    if (!match) {
      const bare = knownSchemas.some((candidate) => candidate.toLowerCase() === text.toLowerCase());
      throw new FilterSyntaxError(
        bare ? `"${text}" at position ${at + 1} names a schema but no attribute` : `Unknown schema in "${text}" at position ${at + 1}`,
      );
    }
    schema = match;
    rest = text.slice(match.length + 1);
  }
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every((part) => attrName.test(part))) {
    throw new FilterSyntaxError(`"${text}" at position ${at + 1} is not an attribute path`);
  }
  return { ...(schema ? { schema } : {}), attr: parts[0]!, ...(parts[1] ? { sub: parts[1] } : {}) };
}

function literal(token: Token): FilterValue {
  if (token.type === 'string') return token.value;
  if (token.type !== 'word') throw new FilterSyntaxError(`Expected a value at position ${token.at + 1}`);
  const lower = token.value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(token.value)) return Number(token.value);
  return token.value;
}

class Parser {
  private position = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly knownSchemas: readonly string[],
    private readonly textLength: number,
  ) {}

  parseAll(): FilterNode {
    if (this.tokens.length === 0) throw new FilterSyntaxError('The filter is empty');
    const node = this.parseOr(false);
    const extra = this.peek();
    if (extra) throw new FilterSyntaxError(`Unexpected "${this.describe(extra)}" at position ${extra.at + 1}`);
    return node;
  }

  /** The filter inside a PATCH path's brackets. */
  parseBracketFilter(): FilterNode {
    if (this.tokens.length === 0) throw new FilterSyntaxError('The [filter] is empty');
    const node = this.parseOr(true);
    const extra = this.peek();
    if (extra) throw new FilterSyntaxError(`Unexpected "${this.describe(extra)}" inside [ ] at position ${extra.at + 1}`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(expected: string): Token {
    const token = this.tokens[this.position++];
    if (!token) throw new FilterSyntaxError(`Expected ${expected} at position ${this.textLength + 1}, found the end of the filter`);
    return token;
  }

  private describe(token: Token): string {
    return token.type === 'word' || token.type === 'string' ? token.value : token.type;
  }

  private isKeyword(token: Token | undefined, keyword: string): boolean {
    return token?.type === 'word' && token.value.toLowerCase() === keyword;
  }

  private parseOr(inner: boolean): FilterNode {
    let left = this.parseAnd(inner);
    while (this.isKeyword(this.peek(), 'or')) {
      this.position++;
      left = { kind: 'or', left, right: this.parseAnd(inner) };
    }
    return left;
  }

  private parseAnd(inner: boolean): FilterNode {
    let left = this.parseUnary(inner);
    while (this.isKeyword(this.peek(), 'and')) {
      this.position++;
      left = { kind: 'and', left, right: this.parseUnary(inner) };
    }
    return left;
  }

  private parseUnary(inner: boolean): FilterNode {
    const token = this.next('an attribute, "not" or "("');
    if (this.isKeyword(token, 'not')) {
      const open = this.next('"(" after "not"');
      if (open.type !== '(') throw new FilterSyntaxError(`Expected "(" after "not" at position ${open.at + 1}`);
      return { kind: 'not', filter: this.parseGroup(inner) };
    }
    if (token.type === '(') return this.parseGroup(inner);
    if (token.type !== 'word') throw new FilterSyntaxError(`Expected an attribute at position ${token.at + 1}, found "${this.describe(token)}"`);
    return this.parseAttributeExpression(token, inner);
  }

  private parseGroup(inner: boolean): FilterNode {
    if (++this.depth > maxDepth) throw new FilterSyntaxError(`Parentheses nest deeper than ${maxDepth} levels`);
    const node = this.parseOr(inner);
    const close = this.next('")"');
    if (close.type !== ')') throw new FilterSyntaxError(`Expected ")" at position ${close.at + 1}, found "${this.describe(close)}"`);
    this.depth--;
    return node;
  }

  private parseAttributeExpression(token: Token & { type: 'word' }, inner: boolean): FilterNode {
    const path = splitPath(token.value, this.knownSchemas, token.at);
    if (this.peek()?.type === '[') {
      if (inner) throw new FilterSyntaxError(`A [filter] cannot be nested inside another, at position ${this.peek()!.at + 1}`);
      if (path.sub) throw new FilterSyntaxError(`"${token.value}" at position ${token.at + 1} cannot take a [filter]`);
      this.position++;
      if (++this.depth > maxDepth) throw new FilterSyntaxError(`Filters nest deeper than ${maxDepth} levels`);
      const filter = this.parseOr(true);
      const close = this.next('"]"');
      if (close.type !== ']') throw new FilterSyntaxError(`Expected "]" at position ${close.at + 1}, found "${this.describe(close)}"`);
      this.depth--;
      // `emails[type eq "work"].value eq "x"`: the trailing sub-attribute joins the bracket filter.
      const after = this.peek();
      if (after?.type === 'word' && after.value.startsWith('.') && after.at === close.at + 1) {
        this.position++;
        const sub = after.value.slice(1);
        if (!attrName.test(sub)) throw new FilterSyntaxError(`"${after.value}" at position ${after.at + 1} is not a sub-attribute`);
        const condition = this.parseComparison({ attr: sub }, after);
        return { kind: 'valuePath', path, filter: { kind: 'and', left: filter, right: condition } };
      }
      return { kind: 'valuePath', path, filter };
    }
    return this.parseComparison(path, token);
  }

  private parseComparison(path: AttrPath, token: Token): FilterNode {
    const operator = this.next(`a comparison operator after "${this.describe(token)}"`);
    const name = operator.type === 'word' ? operator.value.toLowerCase() : '';
    if (name === 'pr') return { kind: 'present', path };
    if (!compareOperators.has(name)) {
      throw new FilterSyntaxError(
        `Expected a comparison operator after "${this.describe(token)}" at position ${operator.at + 1}, found "${this.describe(operator)}"`,
      );
    }
    const value = this.next(`a value after "${name}"`);
    if (value.type !== 'string' && value.type !== 'word') throw new FilterSyntaxError(`Expected a value at position ${value.at + 1}`);
    return { kind: 'compare', path, op: name as CompareOperator, value: literal(value) };
  }
}

export function parseFilter(text: string, knownSchemas: readonly string[]): FilterNode {
  if (text.length > maxLength) throw new FilterSyntaxError(`The filter is longer than ${maxLength} characters`);
  return new Parser(tokenize(text), knownSchemas, text.length).parseAll();
}

export function parseAttrPath(text: string, knownSchemas: readonly string[]): AttrPath {
  if (text.length > maxLength) throw new FilterSyntaxError(`The attribute path is longer than ${maxLength} characters`);
  const trimmed = text.trim();
  if (!trimmed) throw new FilterSyntaxError('The attribute path is empty');
  return splitPath(trimmed, knownSchemas, text.length - text.trimStart().length);
}

/** A PATCH path (RFC 7644 §3.5.2): attrPath, or valuePath with an optional trailing `.subAttr`. */
export function parsePatchPath(text: string, knownSchemas: readonly string[]): { path: AttrPath; filter?: FilterNode; sub?: string } {
  if (text.length > maxLength) throw new FilterSyntaxError(`The path is longer than ${maxLength} characters`);
  const trimmed = text.trim();
  const lead = text.length - text.trimStart().length;
  const open = trimmed.indexOf('[');
  if (open < 0) return { path: parseAttrPath(trimmed, knownSchemas) };
  const close = trimmed.lastIndexOf(']');
  if (close < open) throw new FilterSyntaxError(`Unbalanced "[" in path "${text}"`);
  const path = splitPath(trimmed.slice(0, open), knownSchemas, lead);
  if (path.sub) throw new FilterSyntaxError(`"${trimmed.slice(0, open)}" cannot take a [filter]`);
  // Positions in messages count from the start of the whole path.
  const tokens = tokenize(trimmed.slice(open + 1, close), lead + open + 1);
  const parser = new Parser(tokens, knownSchemas, lead + close);
  const filter = parser.parseBracketFilter();
  const rest = trimmed.slice(close + 1);
  if (rest && !/^\.[A-Za-z][\w$-]*$/.test(rest)) throw new FilterSyntaxError(`Unexpected "${rest}" after "]" in path "${text}"`);
  return { path, filter, ...(rest ? { sub: rest.slice(1) } : {}) };
}
