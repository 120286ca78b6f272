/** The EventBridge schema registry as operations see it: every schema with the content of each version. */
import {
  ConflictException,
  CreateRegistryCommand,
  CreateSchemaCommand,
  DeleteSchemaCommand,
  DescribeRegistryCommand,
  DescribeSchemaCommand,
  ListSchemasCommand,
  ListSchemaVersionsCommand,
  NotFoundException,
  type SchemasClient,
  Type,
  UpdateSchemaCommand,
} from '@aws-sdk/client-schemas';
import { type JsonSchema, toDraft04Model } from '@bridgeport/core';
import { canonicalJson } from '@bridgeport/portal';

export interface RegistryVersion {
  readonly version: string;
  readonly content: string;
}

export interface RegistryReaderOptions {
  readonly client: SchemasClient;
  readonly registryName: string;
}

/** The registry content the portal publishes for a version's envelope schema. */
export function registryContentOf(envelope: JsonSchema): JsonSchema {
  return toDraft04Model(envelope) ?? envelope;
}

/** Whether registry text holds this content (compared as canonical JSON). */
export function sameRegistryContent(text: string, content: JsonSchema): boolean {
  try {
    return canonicalJson(JSON.parse(text)) === canonicalJson(content);
  } catch {
    return false;
  }
}

/** Reads and rebuilds one registry through the Schemas API (type `JSONSchemaDraft4`, as the portal writes). */
export class RegistryStore {
  readonly registryName: string;
  private readonly client: SchemasClient;

  constructor(options: RegistryReaderOptions) {
    this.client = options.client;
    this.registryName = options.registryName;
  }

  async exists(): Promise<boolean> {
    try {
      await this.client.send(new DescribeRegistryCommand({ RegistryName: this.registryName }));
      return true;
    } catch (error) {
      if (error instanceof NotFoundException) return false;
      throw error;
    }
  }

  async ensureRegistry(): Promise<void> {
    if (await this.exists()) return;
    try {
      await this.client.send(new CreateRegistryCommand({ RegistryName: this.registryName }));
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
    }
  }

  /** Names of every schema of the registry (none when the registry does not exist). */
  async schemaNames(): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListSchemasCommand({ RegistryName: this.registryName, NextToken: token }),
        );
        for (const schema of page.Schemas ?? []) if (schema.SchemaName) names.push(schema.SchemaName);
        token = page.NextToken;
      } while (token !== undefined);
    } catch (error) {
      if (error instanceof NotFoundException) return [];
      throw error;
    }
    return names.sort();
  }

  /** Every version of a schema with its content, oldest first; undefined when there is no such schema. */
  async versions(schemaName: string): Promise<RegistryVersion[] | undefined> {
    const numbers: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListSchemaVersionsCommand({
            RegistryName: this.registryName,
            SchemaName: schemaName,
            NextToken: token,
          }),
        );
        for (const listed of page.SchemaVersions ?? []) {
          if (listed.SchemaVersion !== undefined) numbers.push(listed.SchemaVersion);
        }
        token = page.NextToken;
      } while (token !== undefined);
    } catch (error) {
      if (error instanceof NotFoundException) return undefined;
      throw error;
    }
    numbers.sort((a, b) => Number(a) - Number(b));
    const versions: RegistryVersion[] = [];
    for (const version of numbers) {
      const described = await this.client.send(
        new DescribeSchemaCommand({
          RegistryName: this.registryName,
          SchemaName: schemaName,
          SchemaVersion: version,
        }),
      );
      versions.push({ version, content: described.Content ?? '' });
    }
    return versions;
  }

  /** Adds a version holding `content` (creating the schema for the first); answers its registry version. */
  async addVersion(
    schemaName: string,
    content: JsonSchema,
    description: string,
    first: boolean,
  ): Promise<string> {
    const input = {
      RegistryName: this.registryName,
      SchemaName: schemaName,
      Type: Type.JSONSchemaDraft4,
      Content: JSON.stringify(content),
      Description: description,
    };
    if (first) {
      const created = await this.client.send(new CreateSchemaCommand(input));
      return created.SchemaVersion ?? '1';
    }
    const updated = await this.client.send(new UpdateSchemaCommand(input));
    return updated.SchemaVersion ?? '';
  }

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
