/**
 * Reading an event straight from its JSON text, without building the object.
 *
 * The rules loaded in a machine refer to a tree of field paths ({@link PathNode}). {@link EventTextScanner} walks the
 * text once: values on those paths are decoded and handed to an {@link EventSink}, everything else is only checked
 * for well-formedness and skipped. The values it reports, and the array memberships they carry, are the ones the
 * machine's object walk reports for `JSON.parse(text)`, so both give the same matches.
 *
 * The scanner declines (returns `false`) whenever the text is not something it can read alone with certainty: a
 * syntax error, a key named by a rule that appears twice in one object (`JSON.parse` keeps the last value, which a
 * single forward pass cannot know in advance), a root that is not an object, or nesting too deep for the call stack.
 * The caller then parses the text with `JSON.parse`, which reports the syntax error or yields the object to walk.
 */

/** A node of the tree of field paths the loaded rules refer to (event keys are split on dots). */
export class PathNode {
  children: Map<string, PathNode> | null = null;
  keyId = -1;
  /** The children's keys bucketed by length (parallel to {@link byLengthNodes}), to find a key without slicing it. */
  byLengthKeys: (string[] | undefined)[] = [];
  byLengthNodes: (PathNode[] | undefined)[] = [];
  /** Whether some child has children of its own, so that a dot-joined key can lead somewhere. */
  deep = false;

  child(segment: string): PathNode {
    this.children ??= new Map();
    let c = this.children.get(segment);
    if (c === undefined) {
      c = new PathNode();
      this.children.set(segment, c);
      const n = segment.length;
      while (this.byLengthKeys.length <= n) {
        this.byLengthKeys.push(undefined);
        this.byLengthNodes.push(undefined);
      }
      this.byLengthKeys[n] = [...(this.byLengthKeys[n] ?? []), segment];
      this.byLengthNodes[n] = [...(this.byLengthNodes[n] ?? []), c];
    }
    return c;
  }

  /** The node a dot-joined key leads to from here (`"a.b"` is the path `a` → `b`), if any rule names it. */
  descend(key: string): PathNode | undefined {
    let n: PathNode | undefined = this;
    if (!this.deep) return undefined;
    for (const segment of key.split('.')) {
      n = n.children?.get(segment);
      if (n === undefined) return undefined;
    }
    return n;
  }
}

/** Array memberships: flat [arrayId, index, arrayId, index, …]. */
export type Membership = readonly number[];

/** Receives the values found on the paths rules name. */
export interface EventSink {
  emit(keyId: number, value: unknown, membership: Membership | null): void;
  /** A fresh identity for an array met in the event. */
  newArray(): number;
}

/** Thrown inside the scanner to give the text back to the full parser; never escapes {@link EventTextScanner.scan}. */
const DECLINE: unique symbol = Symbol('decline');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** Characters that may follow a backslash in a JSON string: `"` `\` `/` `b` `f` `n` `r` `t` (`u` is handled apart). */
function isSimpleEscape(c: number): boolean {
  return (
    c === QUOTE ||
    c === BACKSLASH ||
    c === 0x2f ||
    c === 0x62 ||
    c === 0x66 ||
    c === 0x6e ||
    c === 0x72 ||
    c === 0x74
  );
}

export class EventTextScanner {
  private s = '';
  private pos = 0;
  /** Whether the last string read by {@link stringEnd} had an escape sequence. */
  private escaped = false;
  /** The path nodes met in each open object, stacked, to detect a duplicated key that a rule names. */
  private readonly seen: PathNode[] = [];
  private nSeen = 0;
  /** Scratch for {@link skipContainer}: whether each open container is an object. */
  private readonly kinds: boolean[] = [];

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
      this.pos++;
      this.object(root, null);
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

  /** The index of the quote closing the string whose content starts at `i`; checks its escapes. */
  private stringEnd(i: number): number {
    const s = this.s;
    const n = s.length;
    this.escaped = false;
    for (;;) {
      if (i >= n) throw DECLINE;
      const c = s.charCodeAt(i);
      if (c === QUOTE) return i;
      if (c === BACKSLASH) {
        this.escaped = true;
        const e = s.charCodeAt(i + 1);
        if (e === 0x75) {
          if (!(isHex(s.charCodeAt(i + 2)) && isHex(s.charCodeAt(i + 3)))) throw DECLINE;
          if (!(isHex(s.charCodeAt(i + 4)) && isHex(s.charCodeAt(i + 5)))) throw DECLINE;
          i += 6;
        } else if (isSimpleEscape(e)) {
          i += 2;
        } else {
          throw DECLINE;
        }
      } else if (c < 0x20) {
        throw DECLINE;
      } else {
        i++;
      }
    }
  }

  /** The index just past the string whose opening quote is at `open`; plain strings are scanned inline. */
  private skipString(open: number): number {
    const s = this.s;
    let j = open + 1;
    let c = s.charCodeAt(j);
    while (c !== QUOTE && c !== BACKSLASH && c >= 0x20) c = s.charCodeAt(++j);
    return c === QUOTE ? j + 1 : this.stringEnd(open + 1) + 1;
  }

  /** The string whose opening quote is at `open` and closing quote at `close`, decoded. */
  private stringValue(open: number, close: number): string {
    return this.escaped
      ? (JSON.parse(this.s.slice(open, close + 1)) as string)
      : this.s.slice(open + 1, close);
  }

  /** The index just past the number starting at `i`; checks JSON's number grammar. */
  private numberEnd(i: number): number {
    const s = this.s;
    let c = s.charCodeAt(i);
    if (c === MINUS) c = s.charCodeAt(++i);
    if (c === ZERO) {
      c = s.charCodeAt(++i);
    } else if (c > ZERO && c <= NINE) {
      do c = s.charCodeAt(++i);
      while (c >= ZERO && c <= NINE);
    } else {
      throw DECLINE;
    }
    if (c === DOT) {
      c = s.charCodeAt(++i);
      if (!(c >= ZERO && c <= NINE)) throw DECLINE;
      do c = s.charCodeAt(++i);
      while (c >= ZERO && c <= NINE);
    }
    if (c === 0x65 || c === 0x45) {
      c = s.charCodeAt(++i);
      if (c === 0x2b || c === MINUS) c = s.charCodeAt(++i);
      if (!(c >= ZERO && c <= NINE)) throw DECLINE;
      do c = s.charCodeAt(++i);
      while (c >= ZERO && c <= NINE);
    }
    return i;
  }

  /** Reads `true`, `false` or `null` at the current position. */
  private literal(c: number): boolean | null {
    const s = this.s;
    const at = this.pos;
    if (c === 0x74 && s.startsWith('true', at)) {
      this.pos = at + 4;
      return true;
    }
    if (c === 0x66 && s.startsWith('false', at)) {
      this.pos = at + 5;
      return false;
    }
    if (c === 0x6e && s.startsWith('null', at)) {
      this.pos = at + 4;
      return null;
    }
    throw DECLINE;
  }

  /** Reads the value at the current position (white space skipped), reporting what lies on `node`'s paths. */
  private value(node: PathNode, membership: Membership | null): void {
    const s = this.s;
    const at = this.pos;
    const c = s.charCodeAt(at);
    if (c === QUOTE) {
      const close = this.stringEnd(at + 1);
      this.pos = close + 1;
      if (node.keyId >= 0) this.sink.emit(node.keyId, this.stringValue(at, close), membership);
    } else if (c === OPEN_OBJECT) {
      this.pos = at + 1;
      this.object(node, membership);
    } else if (c === OPEN_ARRAY) {
      this.pos = at + 1;
      this.array(node, membership);
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      const end = this.numberEnd(at);
      this.pos = end;
      if (node.keyId >= 0) this.sink.emit(node.keyId, Number(s.slice(at, end)), membership);
    } else {
      const v = this.literal(c);
      if (node.keyId >= 0) this.sink.emit(node.keyId, v, membership);
    }
  }

  /** Reads an object's members, its `{` consumed. */
  private object(node: PathNode, membership: Membership | null): void {
    const children = node.children;
    if (children === null) {
      this.skipObject();
      return;
    }
    const frame = this.nSeen;
    let c = this.ws();
    if (c === CLOSE_OBJECT) {
      this.pos++;
      return;
    }
    for (;;) {
      if (c !== QUOTE) throw DECLINE;
      const open = this.pos;
      const close = this.stringEnd(open + 1);
      const child = this.escaped
        ? this.childByKey(node, this.stringValue(open, close))
        : this.childAt(node, open, close);
      this.pos = close + 1;
      if (this.ws() !== COLON) throw DECLINE;
      this.pos++;
      c = this.ws();
      if (child === undefined) {
        this.skipValue(c);
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

  /** Checks and skips the value starting with `c` at the current position. */
  private skipValue(c: number): void {
    if (c === QUOTE) {
      this.pos = this.stringEnd(this.pos + 1) + 1;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      this.pos++;
      this.skipContainer(c === OPEN_OBJECT);
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      this.pos = this.numberEnd(this.pos);
    } else {
      this.literal(c);
    }
  }

  private skipObject(): void {
    this.skipContainer(true);
  }

  /**
   * Checks and skips the members of an object (or the elements of an array) whose opening bracket was consumed,
   * nested containers included, in one loop: `kinds` stacks whether each open container is an object.
   */
  private skipContainer(isObject: boolean): void {
    const s = this.s;
    const n = s.length;
    const kinds = this.kinds;
    let depth = 0;
    kinds[0] = isObject;
    let i = this.pos;
    let c: number;
    let first = true;
    for (;;) {
      // At the start of a member or element (or at the close of an empty container).
      c = s.charCodeAt(i);
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = s.charCodeAt(++i);
      if (first && c === (isObject ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        i++;
        if (depth === 0) {
          this.pos = i;
          return;
        }
        isObject = kinds[--depth];
      } else {
        if (isObject) {
          if (c !== QUOTE) throw DECLINE;
          i = this.skipString(i);
          c = s.charCodeAt(i);
          while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = s.charCodeAt(++i);
          if (c !== COLON) throw DECLINE;
          c = s.charCodeAt(++i);
          while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = s.charCodeAt(++i);
        }
        if (c === QUOTE) {
          i = this.skipString(i);
        } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
          isObject = c === OPEN_OBJECT;
          kinds[++depth] = isObject;
          first = true;
          i++;
          continue;
        } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
          i = this.numberEnd(i);
        } else {
          this.pos = i;
          this.literal(c);
          i = this.pos;
        }
      }
      // After a value (or a closed container): a comma, or the close of the container.
      for (;;) {
        if (i >= n) throw DECLINE;
        c = s.charCodeAt(i);
        while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = s.charCodeAt(++i);
        if (c === COMMA) {
          i++;
          first = false;
          break;
        }
        if (c !== (isObject ? CLOSE_OBJECT : CLOSE_ARRAY)) throw DECLINE;
        i++;
        if (depth === 0) {
          this.pos = i;
          return;
        }
        isObject = kinds[--depth];
      }
    }
  }
}
