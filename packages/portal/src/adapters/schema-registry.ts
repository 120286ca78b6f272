import {
  BadRequestException,
  ConflictException,
  CreateRegistryCommand,
  CreateSchemaCommand,
  DeleteSchemaCommand,
  DescribeRegistryCommand,
  DescribeSchemaCommand,
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
 * version. Uses only CreateRegistry, DescribeRegistry, CreateSchema, UpdateSchema, DescribeSchema and
 * DeleteSchema (type `JSONSchemaDraft4`). Every operation is idempotent, so a failed request can be repeated.
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
   * Makes `content` the latest version of the schema: creates the schema when missing, adds a version when
   * the latest differs, and does nothing when the latest already has this content. A schema the registry
   * refuses (BadRequestException) is the caller's mistake: `ValidationError` at `$.data`.
   */
  async publish(schemaName: string, content: JsonSchema, description: string): Promise<void> {
    try {
      await this.publishVersion(schemaName, content, description);
    } catch (error) {
      if (!(error instanceof BadRequestException)) throw error;
      throw new ValidationError('The schema registry rejected the schema', [
        { path: '$.data', message: `is not accepted by the schema registry: ${error.message}` },
      ]);
    }
  }

  private async publishVersion(schemaName: string, content: JsonSchema, description: string): Promise<void> {
    await this.ensureRegistry();
    const text = JSON.stringify(content);
    const latest = await this.describe(schemaName);
    if (latest === undefined) {
      try {
        await this.client.send(
          new CreateSchemaCommand({
            RegistryName: this.registryName,
            SchemaName: schemaName,
            Type: Type.JSONSchemaDraft4,
            Content: text,
            Description: description,
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof ConflictException)) throw error;
      }
      if (sameContent(await this.describe(schemaName), content)) return;
    } else if (sameContent(latest, content)) {
      return;
    }
    await this.client.send(
      new UpdateSchemaCommand({
        RegistryName: this.registryName,
        SchemaName: schemaName,
        Type: Type.JSONSchemaDraft4,
        Content: text,
        Description: description,
      }),
    );
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
