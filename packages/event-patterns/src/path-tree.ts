/**
 * The tree of field paths the loaded rules refer to (event keys are split on dots), shared by the object walk of the
 * flattener and the text scanner: both visit only the members of an event that lead somewhere in it.
 */
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
