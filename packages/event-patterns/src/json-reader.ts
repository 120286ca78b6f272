/**
 * A streaming JSON reader that reports syntax errors in the words (and with the locations) of the
 * Jackson parser EventBridge runs, e.g.
 * `Unrecognized token 'this': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')
 *  at [Source: (String)"this is …"; line: 1, column: 5]`.
 *
 * It is streaming on purpose: EventBridge validates a pattern token by token, so the first problem in document
 * order (syntax or semantics) is the one reported.
 */

export const Token = {
  START_OBJECT: 1,
  END_OBJECT: 2,
  START_ARRAY: 3,
  END_ARRAY: 4,
  FIELD_NAME: 5,
  VALUE_STRING: 6,
  VALUE_NUMBER: 7,
  VALUE_TRUE: 8,
  VALUE_FALSE: 9,
  VALUE_NULL: 10,
  /** End of input at the root level. */
  NONE: 0,
} as const;
export type Token = (typeof Token)[keyof typeof Token];

/** Raised for malformed JSON and for pattern problems found while reading. */
export class JsonReadError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'JsonReadError';
  }
}

const VALID_VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";
const SNIPPET_MAX = 500;
const TOKEN_MAX = 256;

interface Context {
  readonly kind: 'root' | 'object' | 'array';
  count: number;
  readonly start: number;
}

function isIdentifierPart(ch: string): boolean {
  return /^[\p{L}\p{N}_$\p{Mn}\p{Mc}\p{Pc}]$/u.test(ch);
}

function charDescription(code: number): string {
  const ch = String.fromCharCode(code);
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
    return `(CTRL-CHAR, code ${code})`;
  }
  if (code > 255) {
    return `'${ch}' (code ${code} / 0x${code.toString(16).toUpperCase()})`;
  }
  return `'${ch}' (code ${code})`;
}

export class JsonReader {
  private pos = 0;
  private readonly stack: Context[] = [{ kind: 'root', count: 0, start: 0 }];
  private afterName = false;
  private tokenEnd = 0;
  /** Text of the current string / field name / number token. */
  text = '';
  /** Value of the current number token. */
  number = 0;

  constructor(private readonly source: string) {}

  /** The text read so far. */
  consumed(): string {
    return this.source.slice(0, this.pos);
  }

  /** Where the reader stands after the current token, in Jackson's `[Source: …]` form. */
  location(index: number = this.tokenEnd): string {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < index && i < this.source.length; i++) {
      const c = this.source.charCodeAt(i);
      if (c === 10) {
        line++;
        lineStart = i + 1;
      } else if (c === 13) {
        if (this.source.charCodeAt(i + 1) === 10) i++;
        line++;
        lineStart = i + 1;
      }
    }
    const column = index - lineStart + 1;
    const snippet =
      this.source.length > SNIPPET_MAX
        ? `"${this.source.slice(0, SNIPPET_MAX)}"[truncated ${this.source.length - SNIPPET_MAX} chars]`
        : `"${this.source}"`;
    return `[Source: (String)${snippet}; line: ${line}, column: ${column}]`;
  }

  /** An error carrying the current location, like Jackson's `JsonParseException`. */
  errorHere(message: string): JsonReadError {
    return new JsonReadError(`${message}\n at ${this.location()}`);
  }

  private failAt(message: string, index: number): never {
    throw new JsonReadError(`${message}\n at ${this.location(index)}`);
  }

  private unexpectedChar(index: number, comment: string): never {
    this.failAt(
      `Unexpected character (${charDescription(this.source.charCodeAt(index))}): ${comment}`,
      index,
    );
  }

  private skipWhitespace(): number {
    const s = this.source;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) {
        this.pos++;
      } else if (c < 32) {
        this.failAt(
          `Illegal character (${charDescription(c)}): only regular white space (\\r, \\n, \\t) is allowed between tokens`,
          this.pos,
        );
      } else {
        return c;
      }
    }
    return -1;
  }

  private endOfInput(): never {
    const ctx = this.stack[this.stack.length - 1];
    const kind = ctx.kind === 'object' ? 'Object' : 'Array';
    this.failAt(
      `Unexpected end-of-input: expected close marker for ${kind} (start marker at ${this.location(ctx.start)})`,
      this.source.length,
    );
  }

  next(): Token {
    if (this.afterName) {
      this.afterName = false;
      const c = this.skipWhitespace();
      if (c < 0) this.endOfInput();
      return this.value(c);
    }
    let c = this.skipWhitespace();
    const ctx = this.stack[this.stack.length - 1];
    if (c < 0) {
      if (ctx.kind === 'root') {
        this.tokenEnd = this.pos;
        return Token.NONE;
      }
      this.endOfInput();
    }
    if (c === 0x7d || c === 0x5d) {
      const closesObject = c === 0x7d;
      if (ctx.kind === (closesObject ? 'object' : 'array')) {
        this.stack.pop();
        this.text = String.fromCharCode(c);
        this.pos++;
        this.tokenEnd = this.pos;
        return closesObject ? Token.END_OBJECT : Token.END_ARRAY;
      }
      if (ctx.kind !== 'root') {
        const expected = ctx.kind === 'object' ? '}' : ']';
        const kind = ctx.kind === 'object' ? 'Object' : 'Array';
        this.failAt(
          `Unexpected close marker '${String.fromCharCode(c)}': expected '${expected}' (for ${kind} starting at ${this.location(ctx.start)})`,
          this.pos,
        );
      }
    }
    if (ctx.count > 0 && ctx.kind !== 'root') {
      if (c !== 0x2c) {
        this.unexpectedChar(
          this.pos,
          `was expecting comma to separate ${ctx.kind === 'object' ? 'Object' : 'Array'} entries`,
        );
      }
      this.pos++;
      c = this.skipWhitespace();
      if (c < 0) this.endOfInput();
    }
    ctx.count++;
    if (ctx.kind === 'object') {
      if (c !== 0x22) {
        this.unexpectedChar(this.pos, 'was expecting double-quote to start field name');
      }
      this.readString();
      const colon = this.skipWhitespace();
      if (colon < 0) this.endOfInput();
      if (colon !== 0x3a) {
        this.unexpectedChar(this.pos, 'was expecting a colon to separate field name and value');
      }
      this.pos++;
      this.afterName = true;
      return Token.FIELD_NAME;
    }
    return this.value(c);
  }

  private value(c: number): Token {
    const start = this.pos;
    switch (c) {
      case 0x22:
        this.readString();
        return Token.VALUE_STRING;
      case 0x7b:
        this.text = '{';
        this.pos++;
        this.tokenEnd = this.pos;
        this.stack.push({ kind: 'object', count: 0, start });
        return Token.START_OBJECT;
      case 0x5b:
        this.text = '[';
        this.pos++;
        this.tokenEnd = this.pos;
        this.stack.push({ kind: 'array', count: 0, start });
        return Token.START_ARRAY;
      case 0x74:
        return this.literal('true', Token.VALUE_TRUE);
      case 0x66:
        return this.literal('false', Token.VALUE_FALSE);
      case 0x6e:
        return this.literal('null', Token.VALUE_NULL);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
          return this.readNumber();
        }
        if (isIdentifierPart(String.fromCharCode(c)) && !(c >= 0x30 && c <= 0x39)) {
          this.invalidToken(start);
        }
        this.unexpectedChar(start, `expected a valid value ${VALID_VALUES}`);
    }
  }

  private invalidToken(start: number): never {
    let end = start + 1;
    while (end < this.source.length && end - start < TOKEN_MAX && isIdentifierPart(this.source[end])) {
      end++;
    }
    this.failAt(`Unrecognized token '${this.source.slice(start, end)}': was expecting ${VALID_VALUES}`, end);
  }

  private literal(word: string, token: Token): Token {
    const start = this.pos;
    let end = start;
    while (end < this.source.length && end - start < TOKEN_MAX && isIdentifierPart(this.source[end])) {
      end++;
    }
    if (this.source.slice(start, end) !== word) {
      this.invalidToken(start);
    }
    this.pos = end;
    this.tokenEnd = end;
    this.text = word;
    return token;
  }

  private readNumber(): Token {
    const s = this.source;
    const start = this.pos;
    let i = start;
    const code = (k: number): number => (k < s.length ? s.charCodeAt(k) : -1);
    const isDigit = (k: number): boolean => code(k) >= 0x30 && code(k) <= 0x39;
    const numberChar = (k: number, comment: string): never => {
      if (k >= s.length) {
        this.failAt(`Unexpected end-of-input in a Number value: ${comment}`, k);
      }
      this.failAt(`Unexpected character (${charDescription(code(k))}) in numeric value: ${comment}`, k);
    };
    if (code(i) === 0x2d) {
      i++;
      if (!isDigit(i)) numberChar(i, 'expected digit (0-9) to follow minus sign, for valid numeric value');
    }
    if (code(i) === 0x30 && isDigit(i + 1)) {
      this.failAt('Invalid numeric value: Leading zeroes not allowed', i + 1);
    }
    while (isDigit(i)) i++;
    if (code(i) === 0x2e) {
      i++;
      if (!isDigit(i)) numberChar(i, 'Decimal point not followed by a digit');
      while (isDigit(i)) i++;
    }
    if (code(i) === 0x65 || code(i) === 0x45) {
      i++;
      if (code(i) === 0x2b || code(i) === 0x2d) i++;
      if (!isDigit(i)) numberChar(i, 'Exponent indicator not followed by a digit');
      while (isDigit(i)) i++;
    }
    this.pos = i;
    this.tokenEnd = i;
    this.text = s.slice(start, i);
    this.number = Number(this.text);
    return Token.VALUE_NUMBER;
  }

  private readString(): void {
    const s = this.source;
    let i = this.pos + 1;
    let out = '';
    let chunkStart = i;
    for (;;) {
      if (i >= s.length) {
        this.failAt('Unexpected end-of-input: was expecting closing quote for a string value', s.length);
      }
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        out += s.slice(chunkStart, i);
        i++;
        break;
      }
      if (c === 0x5c) {
        out += s.slice(chunkStart, i);
        const e = i + 1 < s.length ? s.charCodeAt(i + 1) : -1;
        if (e < 0) {
          this.failAt('Unexpected end-of-input in character escape sequence', s.length);
        }
        switch (e) {
          case 0x22:
            out += '"';
            break;
          case 0x5c:
            out += '\\';
            break;
          case 0x2f:
            out += '/';
            break;
          case 0x62:
            out += '\b';
            break;
          case 0x66:
            out += '\f';
            break;
          case 0x6e:
            out += '\n';
            break;
          case 0x72:
            out += '\r';
            break;
          case 0x74:
            out += '\t';
            break;
          case 0x75: {
            let value = 0;
            for (let k = 0; k < 4; k++) {
              const h = i + 2 + k;
              if (h >= s.length) {
                this.failAt('Unexpected end-of-input in character escape sequence', s.length);
              }
              const digit = Number.parseInt(s[h], 16);
              if (Number.isNaN(digit)) {
                this.unexpectedChar(h, 'expected a hex-digit for character escape sequence');
              }
              value = value * 16 + digit;
            }
            out += String.fromCharCode(value);
            i += 4;
            break;
          }
          default:
            this.failAt(`Unrecognized character escape ${charDescription(e)}`, i + 1);
        }
        i += 2;
        chunkStart = i;
        continue;
      }
      if (c < 0x20) {
        this.failAt(
          `Illegal unquoted character (${charDescription(c)}): has to be escaped using backslash to be included in string value`,
          i,
        );
      }
      i++;
    }
    this.pos = i;
    this.tokenEnd = i;
    this.text = out;
  }
}
