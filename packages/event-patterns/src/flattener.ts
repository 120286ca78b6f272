/**
 * Flattening: an event (an object, or its JSON text through the {@link EventTextScanner}) becomes, per match, the
 * values found on the field paths rules refer to, each with its *membership* — which element of which array it came
 * from — so that one sub-rule never combines fields of two different elements of the same array. Only the parts of
 * the event some rule names are visited. The scratch arrays are reused from one event to the next.
 */
import { type EventSink, EventTextScanner, type Membership } from './event-text';
import { PathNode } from './path-tree';

/** False when two memberships put one array at two different elements. */
export function compatible(a: Membership, b: Membership): boolean {
  for (let i = 0; i < b.length; i += 2) {
    for (let j = 0; j < a.length; j += 2) {
      if (a[j] === b[i] && a[j + 1] !== b[i + 1]) return false;
    }
  }
  return true;
}

/** The membership of a match that used values of both. */
export function merge(a: Membership | null, b: Membership | null): Membership | null {
  if (a === null || a.length === 0) return b;
  if (b === null || b.length === 0) return a;
  const out = a.slice();
  for (let i = 0; i < b.length; i += 2) {
    let found = false;
    for (let j = 0; j < a.length; j += 2) {
      if (a[j] === b[i]) {
        found = true;
        break;
      }
    }
    if (!found) out.push(b[i], b[i + 1]);
  }
  return out;
}

/** The field paths rules refer to, and the values an event has on them. */
export class EventFlattener implements EventSink {
  private readonly root = new PathNode();
  private readonly keyIds = new Map<string, number>();
  private readonly scanner = new EventTextScanner(this);

  // Per-event scratch, indexed by key id.
  /** The event being flattened; a key id's values belong to it when `keyGen[keyId] === gen`. */
  gen = 0;
  readonly keyGen: number[] = [];
  readonly values: unknown[][] = [];
  readonly memberships: (Membership | null)[][] = [];
  readonly counts: number[] = [];
  /** The key ids the event has values for: the first `nPresent`. */
  readonly present: number[] = [];
  nPresent = 0;
  private arrays = 0;

  /** The id of a field path, registered on first use. */
  keyId(path: string): number {
    let id = this.keyIds.get(path);
    if (id === undefined) {
      id = this.keyIds.size;
      this.keyIds.set(path, id);
      let node = this.root;
      let parent: PathNode | null = null;
      for (const segment of path.split('.')) {
        if (parent !== null) parent.deep = true;
        parent = node;
        node = node.child(segment);
      }
      node.keyId = id;
      this.keyGen.push(0);
      this.values.push([]);
      this.memberships.push([]);
      this.counts.push(0);
    }
    return id;
  }

  newArray(): number {
    return ++this.arrays;
  }

  emit(keyId: number, v: unknown, membership: Membership | null): void {
    if (this.keyGen[keyId] !== this.gen) {
      this.keyGen[keyId] = this.gen;
      this.counts[keyId] = 0;
      this.present[this.nPresent++] = keyId;
    }
    const n = this.counts[keyId]++;
    this.values[keyId][n] = v;
    this.memberships[keyId][n] = membership;
  }

  private walk(obj: object, node: PathNode, membership: Membership | null): void {
    const children = node.children;
    if (children === null) return;
    const record = obj as Record<string, unknown>;
    for (const k in record) {
      let child = children.get(k);
      if (child === undefined) {
        if (k.indexOf('.') < 0) continue;
        child = node.descend(k);
        if (child === undefined) continue;
      }
      this.visit(record[k], child, membership);
    }
  }

  private visit(v: unknown, node: PathNode, membership: Membership | null): void {
    if (v === null || typeof v !== 'object') {
      if (node.keyId >= 0 && v !== undefined && typeof v !== 'function' && typeof v !== 'symbol') {
        this.emit(node.keyId, v, membership);
      }
    } else if (Array.isArray(v)) {
      const arrayId = ++this.arrays;
      for (let i = 0; i < v.length; i++) {
        const element: unknown = v[i];
        if (element !== null && typeof element === 'object') {
          this.visit(element, node, membership === null ? [arrayId, i] : [...membership, arrayId, i]);
        } else {
          this.visit(element, node, membership);
        }
      }
    } else {
      this.walk(v, node, membership);
    }
  }

  private begin(): void {
    this.gen++;
    this.nPresent = 0;
    this.arrays = 0;
  }

  /** Flattens an event object. */
  flatten(event: unknown): void {
    this.begin();
    if (event !== null && typeof event === 'object' && !Array.isArray(event)) {
      this.walk(event, this.root, null);
    }
  }

  /**
   * Flattens an event's JSON text, reading only the parts of the text that rules name; false when the text must be
   * parsed instead (then nothing was flattened).
   */
  flattenText(text: string): boolean {
    this.begin();
    return this.scanner.scan(text, this.root);
  }
}
