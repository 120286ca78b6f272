import {
  BadRequestException,
  ConflictException,
  CreateRegistryCommand,
  CreateSchemaCommand,
  DeleteSchemaCommand,
  DeleteSchemaVersionCommand,
  DescribeRegistryCommand,
  DescribeSchemaCommand,
  ListSchemaVersionsCommand,
  NotFoundException,
  type SchemasClient,
  Type,
  UpdateSchemaCommand,
} from '@aws-sdk/client-schemas';
import { type JsonSchema, ValidationError } from '@bridgeport/core';
import { canonicalJson } from '../services/canonical';

export interface SchemaRegistryOptions {
  readonly client: SchemasClient;
  readonly registryName: string;
}

/**
 * The EventBridge schema registry, one schema per event type and one schema version per event type
 * version. Uses only CreateRegistry, DescribeRegistry, CreateSchema, UpdateSchema, DescribeSchema,
 * ListSchemaVersions, DeleteSchemaVersion and DeleteSchema (type `JSONSchemaDraft4`). Every operation is
 * idempotent, so a failed request can be repeated.
 */
export class SchemaRegistry {
  readonly registryName: string;
  private readonly client: SchemasClient;
  private registryReady = false;

  constructor(options: SchemaRegistryOptions) {
    this.client = options.client;
    this.registryName = options.registryName;
  }

  /** Creates the registry unless it exists. */
  async ensureRegistry(): Promise<void> {
    if (this.registryReady) return;
    try {
      await this.client.send(new DescribeRegistryCommand({ RegistryName: this.registryName }));
    } catch (error) {
      if (!(error instanceof NotFoundException)) throw error;
      try {
        await this.client.send(new CreateRegistryCommand({ RegistryName: this.registryName }));
      } catch (createError) {
        if (!(createError instanceof ConflictException)) throw createError;
      }
    }
    this.registryReady = true;
  }

  /**
   * Makes `content` the latest version of the schema and answers the registry version that holds it. Creates
   * the schema when missing and adds a version unless the latest already has this content.
   *
   * `after` keeps the registry one version per event version: it is the registry version of the previous
   * event version (`null` for version 1), and every registry version after it that does not end up holding
   * `content` is a leftover of an earlier attempt at this event version and is deleted. Leave it `undefined`
   * when the previous registry version is not known: nothing is deleted then.
   *
   * `guard`, when given, runs right before each call that changes the registry and stops the publication by
   * throwing: the caller's fence on its ownership of the work.
   *
   * A schema the registry refuses (BadRequestException) is the caller's mistake: `ValidationError` at `$.data`.
   */
  async publish(
    schemaName: string,
    content: JsonSchema,
    description: string,
    after?: string | null,
    guard: () => Promise<void> = async () => undefined,
  ): Promise<string> {
    try {
      return await this.publishVersion(schemaName, content, description, after, guard);
    } catch (error) {
      if (!(error instanceof BadRequestException)) throw error;
      throw new ValidationError('The schema registry rejected the schema', [
        { path: '$.data', message: `is not accepted by the schema registry: ${error.message}` },
      ]);
    }
  }

  private async publishVersion(
    schemaName: string,
    content: JsonSchema,
    description: string,
    after: string | null | undefined,
    guard: () => Promise<void>,
  ): Promise<string> {
    await this.ensureRegistry();
    const text = JSON.stringify(content);
    let latest = await this.describeVersion(schemaName);
    if (latest === undefined) {
      await guard();
      try {
        const created = await this.client.send(
          new CreateSchemaCommand({
            RegistryName: this.registryName,
            SchemaName: schemaName,
            Type: Type.JSONSchemaDraft4,
            Content: text,
            Description: description,
          }),
        );
        return created.SchemaVersion ?? '1';
      } catch (error) {
        if (!(error instanceof ConflictException)) throw error;
      }
      latest = await this.describeVersion(schemaName);
    }
    let version: string;
    if (latest !== undefined && sameContent(latest.content, content) && isAfter(latest.version, after)) {
      version = latest.version;
    } else {
      await guard();
      const updated = await this.client.send(
        new UpdateSchemaCommand({
          RegistryName: this.registryName,
          SchemaName: schemaName,
          Type: Type.JSONSchemaDraft4,
          Content: text,
          Description: description,
        }),
      );
      version = updated.SchemaVersion ?? '';
    }
    if (after !== undefined) {
      for (const leftover of await this.versionsAfter(schemaName, after)) {
        if (leftover === version) continue;
        await guard();
        await this.deleteVersion(schemaName, leftover);
      }
    }
    return version;
  }

  /** The schema's versions numbered after `after` (every version when `after` is null), oldest first. */
  private async versionsAfter(schemaName: string, after: string | null): Promise<string[]> {
    const versions: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListSchemaVersionsCommand({
          RegistryName: this.registryName,
          SchemaName: schemaName,
          NextToken: nextToken,
        }),
      );
      for (const listed of page.SchemaVersions ?? []) {
        if (listed.SchemaVersion !== undefined && isAfter(listed.SchemaVersion, after))
          versions.push(listed.SchemaVersion);
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return versions.sort((a, b) => Number(a) - Number(b));
  }

  private async deleteVersion(schemaName: string, version: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteSchemaVersionCommand({
          RegistryName: this.registryName,
          SchemaName: schemaName,
          SchemaVersion: version,
        }),
      );
    } catch (error) {
      if (!(error instanceof NotFoundException)) throw error;
    }
  }

  /** The latest version of a schema and its content, or undefined when there is no such schema. */
  private async describeVersion(
    schemaName: string,
  ): Promise<{ version: string; content: string } | undefined> {
    try {
      const result = await this.client.send(
        new DescribeSchemaCommand({ RegistryName: this.registryName, SchemaName: schemaName }),
      );
      return { version: result.SchemaVersion ?? '', content: result.Content ?? '' };
    } catch (error) {
      if (error instanceof NotFoundException) return undefined;
      throw error;
    }
  }

  /** The latest content of a schema, or undefined when there is no such schema. */
  async describe(schemaName: string): Promise<string | undefined> {
    try {
      const result = await this.client.send(
        new DescribeSchemaCommand({ RegistryName: this.registryName, SchemaName: schemaName }),
      );
      return result.Content ?? '';
    } catch (error) {
      if (error instanceof NotFoundException) return undefined;
      throw error;
    }
  }

  /** Deletes the schema with all its versions; nothing happens when it does not exist. */
  async deleteSchema(schemaName: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteSchemaCommand({ RegistryName: this.registryName, SchemaName: schemaName }),
      );
    } catch (error) {
      if (!(error instanceof NotFoundException)) throw error;
    }
  }
}

function sameContent(text: string | undefined, content: JsonSchema): boolean {
  if (text === undefined) return false;
  try {
    return canonicalJson(JSON.parse(text)) === canonicalJson(content);
  } catch {
    return false;
  }
}

/** Whether registry version `version` is numbered after `after` (null: before the first; undefined: unknown). */
function isAfter(version: string, after: string | null | undefined): boolean {
  return after === undefined || after === null || Number(version) > Number(after);
}
