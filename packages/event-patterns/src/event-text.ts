/**
 * Reading an event straight from its JSON text, without building the object.
 *
 * The rules loaded in a machine refer to a tree of field paths ({@link PathNode}). {@link EventTextScanner} walks the
 * text once: values on those paths are decoded and handed to an {@link EventSink}, everything else is only checked
 * for well-formedness and skipped (`json-skip.ts`). The values it reports, and the array memberships they carry, are the ones the
 * machine's object walk reports for `JSON.parse(text)`, so both give the same matches.
 *
 * The scanner declines (returns `false`) whenever the text is not something it can read alone with certainty: a
 * syntax error, a key named by a rule that appears twice in one object (`JSON.parse` keeps the last value, which a
 * single forward pass cannot know in advance), a root that is not an object, or nesting too deep for the call stack.
 * The caller then parses the text with `JSON.parse`, which reports the syntax error or yields the object to walk.
 */
import { DECLINE, literalEnd, numberEnd, skipValue, stringEnd } from './json-skip';
import type { PathNode } from './path-tree';

/** Array memberships: flat [arrayId, index, arrayId, index, …]. */
export type Membership = readonly number[];

/** Receives the values found on the paths rules name. */
export interface EventSink {
  emit(keyId: number, value: unknown, membership: Membership | null): void;
  /** A fresh identity for an array met in the event. */
  newArray(): number;
}

// Character codes (kept local: constants imported from another module may be read through a getter each time).
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const DOT = 0x2e;

export class EventTextScanner {
  private s = '';
  private pos = 0;
  /** Whether the last string read by {@link stringClose} had an escape sequence. */
  private escaped = false;
  /** The path nodes met in each open object, stacked, to detect a duplicated key that a rule names. */
  private readonly seen: PathNode[] = [];
  private nSeen = 0;

  constructor(private readonly sink: EventSink) {}

  /**
   * Reports the values of `text` along the paths under `root`. Returns `false`, having possibly reported some
   * values, when the text has to be parsed in full instead (see the module comment).
   */
  scan(text: string, root: PathNode): boolean {
    this.s = text;
    this.pos = 0;
    this.nSeen = 0;
    try {
      if (this.ws() !== OPEN_OBJECT) return false;
      // With no rule loaded, no path has children: the event is only checked, as any object no rule looks into.
      if (root.children === null) this.pos = skipValue(this.s, this.pos, OPEN_OBJECT);
      else {
        this.pos++;
        this.object(root, null);
      }
      return this.ws() === -1;
    } catch (error) {
      if (error === DECLINE || error instanceof RangeError) return false;
      throw error;
    } finally {
      this.s = '';
    }
  }

  /** Skips white space; returns the next character code (not consumed), or -1 at the end of the text. */
  private ws(): number {
    const s = this.s;
    let i = this.pos;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
      } else {
        this.pos = i;
        return c;
      }
    }
    this.pos = i;
    return -1;
  }

  /** The index of the quote closing the string whose opening quote is at `open`; sets {@link escaped}. */
  private stringClose(open: number): number {
    const s = this.s;
    let j = open + 1;
    let c = s.charCodeAt(j);
    while (c !== QUOTE && c !== BACKSLASH && c >= 0x20) c = s.charCodeAt(++j);
    if (c === QUOTE) {
      this.escaped = false;
      return j;
    }
    this.escaped = true;
    return stringEnd(s, j);
  }

  /** The string whose opening quote is at `open` and closing quote at `close`, decoded. */
  private stringValue(open: number, close: number): string {
    return this.escaped
      ? (JSON.parse(this.s.slice(open, close + 1)) as string)
      : this.s.slice(open + 1, close);
  }

  /** Reads the value at the current position (white space skipped), reporting what lies on `node`'s paths. */
  private value(node: PathNode, membership: Membership | null): void {
    const s = this.s;
    const at = this.pos;
    const c = s.charCodeAt(at);
    if (c === QUOTE) {
      const close = this.stringClose(at);
      this.pos = close + 1;
      if (node.keyId >= 0) this.sink.emit(node.keyId, this.stringValue(at, close), membership);
    } else if (c === OPEN_OBJECT) {
      if (node.children === null) {
        this.pos = skipValue(s, at, c);
      } else {
        this.pos = at + 1;
        this.object(node, membership);
      }
    } else if (c === OPEN_ARRAY) {
      this.pos = at + 1;
      this.array(node, membership);
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      const end = numberEnd(s, at);
      this.pos = end;
      if (node.keyId >= 0) this.sink.emit(node.keyId, Number(s.slice(at, end)), membership);
    } else {
      this.pos = literalEnd(s, at, c);
      if (node.keyId >= 0)
        this.sink.emit(node.keyId, c === 0x74 ? true : c === 0x66 ? false : null, membership);
    }
  }

  /** Reads the members of an object whose node has children, its `{` consumed. */
  private object(node: PathNode, membership: Membership | null): void {
    const s = this.s;
    const frame = this.nSeen;
    let c = this.ws();
    if (c === CLOSE_OBJECT) {
      this.pos++;
      return;
    }
    for (;;) {
      if (c !== QUOTE) throw DECLINE;
      const open = this.pos;
      const close = this.stringClose(open);
      const child = this.escaped
        ? this.childByKey(node, this.stringValue(open, close))
        : this.childAt(node, open, close);
      this.pos = close + 1;
      if (this.ws() !== COLON) throw DECLINE;
      this.pos++;
      c = this.ws();
      if (child === undefined) {
        this.pos = skipValue(s, this.pos, c);
      } else {
        for (let j = frame; j < this.nSeen; j++) {
          if (this.seen[j] === child) throw DECLINE;
        }
        this.seen[this.nSeen++] = child;
        this.value(child, membership);
      }
      c = this.ws();
      if (c === COMMA) {
        this.pos++;
        c = this.ws();
      } else if (c === CLOSE_OBJECT) {
        this.pos++;
        this.nSeen = frame;
        return;
      } else {
        throw DECLINE;
      }
    }
  }

  /** The child of `node` named by the unescaped key between quotes at `open` and `close`, read in place. */
  private childAt(node: PathNode, open: number, close: number): PathNode | undefined {
    const s = this.s;
    const length = close - open - 1;
    if (length < node.byLengthKeys.length) {
      const keys = node.byLengthKeys[length];
      if (keys !== undefined) {
        for (let k = 0; k < keys.length; k++) {
          if (s.startsWith(keys[k], open + 1)) return (node.byLengthNodes[length] as PathNode[])[k];
        }
      }
    }
    if (!node.deep) return undefined;
    for (let i = open + 1; i < close; i++) {
      if (s.charCodeAt(i) === DOT) return node.descend(s.slice(open + 1, close));
    }
    return undefined;
  }

  private childByKey(node: PathNode, key: string): PathNode | undefined {
    const child = (node.children as Map<string, PathNode>).get(key);
    if (child !== undefined || key.indexOf('.') < 0) return child;
    return node.descend(key);
  }

  /** Reads an array's elements, its `[` consumed. Elements that are objects or arrays remember their index. */
  private array(node: PathNode, membership: Membership | null): void {
    const arrayId = this.sink.newArray();
    let c = this.ws();
    if (c === CLOSE_ARRAY) {
      this.pos++;
      return;
    }
    for (let index = 0; ; index++) {
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        this.value(node, membership === null ? [arrayId, index] : [...membership, arrayId, index]);
      } else {
        this.value(node, membership);
      }
      c = this.ws();
      if (c === COMMA) {
        this.pos++;
        c = this.ws();
      } else if (c === CLOSE_ARRAY) {
        this.pos++;
        return;
      } else {
        throw DECLINE;
      }
    }
  }
}
