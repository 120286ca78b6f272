/**
 * The update-expression builder of the conditional record updates: attributes to set and to remove, the
 * condition with its own names and values, the record's `updated_at` set to the time of the write, and the
 * revision (the ETag) bumped when asked.
 */

/** A conditional update of a record: what it changes, and the condition (with its names and values). */
export interface RecordUpdate {
  readonly set: Readonly<Record<string, unknown>>;
  readonly remove?: readonly string[];
  readonly condition: string;
  readonly names: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, unknown>>;
}

/** The expression parts of an `UpdateItem` request (besides the table and key). */
export interface UpdateExpressionParts {
  readonly UpdateExpression: string;
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, unknown> | undefined;
}

/**
 * The expressions of `update` written at `updatedAt`: each attribute set through placeholders (`#s0 = :s0`),
 * `updated_at` always, `revision + 1` when `bumpRevision`, then the removed attributes.
 */
export function updateExpressionOf(
  update: RecordUpdate,
  options: { readonly updatedAt: string; readonly bumpRevision: boolean },
): UpdateExpressionParts {
  const names: Record<string, string> = { ...update.names, '#updated_at': 'updated_at' };
  const values: Record<string, unknown> = { ...update.values, ':updated_at': options.updatedAt };
  const assignments = ['#updated_at = :updated_at'];
  Object.entries(update.set).forEach(([name, value], index) => {
    names[`#s${index}`] = name;
    values[`:s${index}`] = value;
    assignments.push(`#s${index} = :s${index}`);
  });
  if (options.bumpRevision) {
    names['#revision'] = 'revision';
    values[':one'] = 1;
    assignments.push('#revision = #revision + :one');
  }
  let expression = `SET ${assignments.join(', ')}`;
  if (update.remove !== undefined && update.remove.length > 0) {
    const removed = update.remove.map((name, index) => {
      names[`#r${index}`] = name;
      return `#r${index}`;
    });
    expression += ` REMOVE ${removed.join(', ')}`;
  }
  return {
    UpdateExpression: expression,
    ConditionExpression: update.condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: Object.keys(values).length === 0 ? undefined : values,
  };
}
