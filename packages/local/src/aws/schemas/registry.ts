import { readFile } from 'node:fs/promises';
import { type AwsScope, LOCAL_PARTITION, scopedArn } from '@bridgeport/core';
import { writeFileAtomic } from '../../bus/durable-file';
import { AwsServiceError } from '../protocol';

export const SchemaType = { OPEN_API_3: 'OpenApi3', JSON_SCHEMA_DRAFT_4: 'JSONSchemaDraft4' } as const;
export type SchemaType = (typeof SchemaType)[keyof typeof SchemaType];

const SCHEMA_TYPES: readonly string[] = Object.values(SchemaType);
const MAX_CONTENT_LENGTH = 100_000;

export interface RegistryDescription {
  readonly RegistryName: string;
  readonly RegistryArn: string;
  readonly Description?: string;
  readonly Tags: Record<string, string>;
}

export interface SchemaVersionDescription {
  readonly SchemaName: string;
  readonly SchemaArn: string;
  readonly SchemaVersion: string;
  readonly Type: SchemaType;
  readonly Content: string;
  readonly Description?: string;
  readonly Tags: Record<string, string>;
  /** ISO-8601. */
  readonly LastModified: string;
  readonly VersionCreatedDate: string;
}

interface StoredVersion {
  version: string;
  content: string;
  type: SchemaType;
  created: string;
}

interface StoredSchema {
  name: string;
  description?: string;
  tags: Record<string, string>;
  lastModified: string;
  /** Highest version number ever issued (numbers are never reused). */
  lastVersion: number;
  versions: StoredVersion[];
}

interface StoredRegistry {
  name: string;
  description?: string;
  tags: Record<string, string>;
  schemas: Record<string, StoredSchema>;
}

interface RegistryFile {
  format: 1;
  registries: Record<string, StoredRegistry>;
}

const NAME = /^[.\-_A-Za-z@0-9]{1,385}$/;

/**
 * The Schemas API subset the portal uses, persisted as one JSON file (written atomically on every
 * change). Versions are numbered "1", "2", … per schema, as EventBridge Schemas does.
 */
export class SchemaRegistryStore {
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    private readonly filePath: string,
    private readonly state: RegistryFile,
    private readonly scope: AwsScope,
  ) {}

  static async open(
    filePath: string,
    options: { account: string; region: string; partition?: string },
  ): Promise<SchemaRegistryStore> {
    let state: RegistryFile = { format: 1, registries: {} };
    try {
      state = JSON.parse(await readFile(filePath, 'utf8')) as RegistryFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return new SchemaRegistryStore(filePath, state, {
      partition: options.partition ?? LOCAL_PARTITION,
      account: options.account,
      region: options.region,
    });
  }

  // ---- registries ----------------------------------------------------------------------------

  async createRegistry(
    name: string,
    input: { Description?: string; Tags?: Record<string, string> },
  ): Promise<RegistryDescription> {
    checkName(name, 'RegistryName');
    if (this.state.registries[name])
      throw new AwsServiceError('ConflictException', `Registry with name ${name} already exists.`, 409);
    const registry: StoredRegistry = {
      name,
      description: input.Description,
      tags: input.Tags ?? {},
      schemas: {},
    };
    this.state.registries[name] = registry;
    await this.persist();
    return this.registryDescription(registry);
  }

  describeRegistry(name: string): RegistryDescription {
    return this.registryDescription(this.registry(name));
  }

  listRegistries(prefix?: string): RegistryDescription[] {
    return Object.values(this.state.registries)
      .filter((registry) => !prefix || registry.name.startsWith(prefix))
      .sort(byName)
      .map((registry) => this.registryDescription(registry));
  }

  async updateRegistry(name: string, input: { Description?: string }): Promise<RegistryDescription> {
    const registry = this.registry(name);
    if (input.Description !== undefined) registry.description = input.Description;
    await this.persist();
    return this.registryDescription(registry);
  }

  async deleteRegistry(name: string): Promise<void> {
    this.registry(name);
    delete this.state.registries[name];
    await this.persist();
  }

  // ---- schemas -------------------------------------------------------------------------------

  async createSchema(
    registryName: string,
    schemaName: string,
    input: { Content?: string; Type?: string; Description?: string; Tags?: Record<string, string> },
  ): Promise<SchemaVersionDescription> {
    const registry = this.registry(registryName);
    checkName(schemaName, 'SchemaName');
    if (registry.schemas[schemaName]) {
      throw new AwsServiceError('ConflictException', `Schema with name ${schemaName} already exists.`, 409);
    }
    const type = checkType(input.Type);
    const content = checkContent(input.Content);
    const now = new Date().toISOString();
    const schema: StoredSchema = {
      name: schemaName,
      description: input.Description,
      tags: input.Tags ?? {},
      lastModified: now,
      lastVersion: 1,
      versions: [{ version: '1', content, type, created: now }],
    };
    registry.schemas[schemaName] = schema;
    await this.persist();
    return this.versionDescription(registry, schema, schema.versions[0]);
  }

  /** A new version when the content changes; a description-only update keeps the version. */
  async updateSchema(
    registryName: string,
    schemaName: string,
    input: { Content?: string; Type?: string; Description?: string },
  ): Promise<SchemaVersionDescription> {
    const registry = this.registry(registryName);
    const schema = this.schema(registry, schemaName);
    const latest = schema.versions[schema.versions.length - 1];
    const now = new Date().toISOString();
    if (input.Description !== undefined) schema.description = input.Description;
    let current = latest;
    if (input.Content !== undefined) {
      const content = checkContent(input.Content);
      const type = input.Type === undefined ? (latest?.type ?? SchemaType.OPEN_API_3) : checkType(input.Type);
      if (!latest || content !== latest.content || type !== latest.type) {
        schema.lastVersion += 1;
        current = { version: String(schema.lastVersion), content, type, created: now };
        schema.versions.push(current);
      }
    } else if (input.Description === undefined) {
      throw new AwsServiceError(
        'BadRequestException',
        'At least one of Content or Description must be given.',
      );
    }
    schema.lastModified = now;
    await this.persist();
    if (!current)
      throw new AwsServiceError('NotFoundException', `Schema ${schemaName} has no versions.`, 404);
    return this.versionDescription(registry, schema, current);
  }

  /** The latest version, or the one named. */
  describeSchema(registryName: string, schemaName: string, version?: string): SchemaVersionDescription {
    const registry = this.registry(registryName);
    const schema = this.schema(registry, schemaName);
    const found =
      version === undefined || version === ''
        ? schema.versions[schema.versions.length - 1]
        : schema.versions.find((v) => v.version === version);
    if (!found) {
      throw new AwsServiceError(
        'NotFoundException',
        version
          ? `Schema ${schemaName} with version ${version} does not exist.`
          : `Schema ${schemaName} has no versions.`,
        404,
      );
    }
    return this.versionDescription(registry, schema, found);
  }

  listSchemas(
    registryName: string,
    prefix?: string,
  ): {
    SchemaName: string;
    SchemaArn: string;
    LastModified: string;
    VersionCount: number;
    Tags: Record<string, string>;
  }[] {
    const registry = this.registry(registryName);
    return Object.values(registry.schemas)
      .filter((schema) => !prefix || schema.name.startsWith(prefix))
      .sort(byName)
      .map((schema) => ({
        SchemaName: schema.name,
        SchemaArn: this.schemaArn(registry.name, schema.name),
        LastModified: schema.lastModified,
        VersionCount: schema.versions.length,
        Tags: schema.tags,
      }));
  }

  listSchemaVersions(
    registryName: string,
    schemaName: string,
  ): { SchemaName: string; SchemaArn: string; SchemaVersion: string; Type: SchemaType }[] {
    const registry = this.registry(registryName);
    const schema = this.schema(registry, schemaName);
    return schema.versions.map((version) => ({
      SchemaName: schema.name,
      SchemaArn: this.schemaArn(registry.name, schema.name),
      SchemaVersion: version.version,
      Type: version.type,
    }));
  }

  async deleteSchema(registryName: string, schemaName: string): Promise<void> {
    const registry = this.registry(registryName);
    this.schema(registry, schemaName);
    delete registry.schemas[schemaName];
    await this.persist();
  }

  async deleteSchemaVersion(registryName: string, schemaName: string, version: string): Promise<void> {
    const registry = this.registry(registryName);
    const schema = this.schema(registry, schemaName);
    const index = schema.versions.findIndex((v) => v.version === version);
    if (index < 0) {
      throw new AwsServiceError(
        'NotFoundException',
        `Schema ${schemaName} with version ${version} does not exist.`,
        404,
      );
    }
    schema.versions.splice(index, 1);
    await this.persist();
  }

  async flush(): Promise<void> {
    await this.writes;
  }

  // ---- internals -----------------------------------------------------------------------------

  private registry(name: string): StoredRegistry {
    const registry = Object.hasOwn(this.state.registries, name) ? this.state.registries[name] : undefined;
    if (!registry) throw new AwsServiceError('NotFoundException', `Registry ${name} does not exist.`, 404);
    return registry;
  }

  private schema(registry: StoredRegistry, name: string): StoredSchema {
    const schema = Object.hasOwn(registry.schemas, name) ? registry.schemas[name] : undefined;
    if (!schema)
      throw new AwsServiceError(
        'NotFoundException',
        `Schema ${name} does not exist in registry ${registry.name}.`,
        404,
      );
    return schema;
  }

  private schemaArn(registryName: string, schemaName: string): string {
    return scopedArn(this.scope, 'schemas', `schema/${registryName}/${schemaName}`);
  }

  private registryDescription(registry: StoredRegistry): RegistryDescription {
    return {
      RegistryName: registry.name,
      RegistryArn: scopedArn(this.scope, 'schemas', `registry/${registry.name}`),
      ...(registry.description !== undefined ? { Description: registry.description } : {}),
      Tags: registry.tags,
    };
  }

  private versionDescription(
    registry: StoredRegistry,
    schema: StoredSchema,
    version: StoredVersion,
  ): SchemaVersionDescription {
    return {
      SchemaName: schema.name,
      SchemaArn: this.schemaArn(registry.name, schema.name),
      SchemaVersion: version.version,
      Type: version.type,
      Content: version.content,
      ...(schema.description !== undefined ? { Description: schema.description } : {}),
      Tags: schema.tags,
      LastModified: schema.lastModified,
      VersionCreatedDate: version.created,
    };
  }

  private persist(): Promise<void> {
    const text = JSON.stringify(this.state);
    const write = this.writes.then(() => writeFileAtomic(this.filePath, text));
    this.writes = write.catch(() => undefined);
    return write;
  }
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function checkName(name: string, field: string): void {
  if (!NAME.test(name)) throw new AwsServiceError('BadRequestException', `${field} is not valid: ${name}`);
}

function checkType(type: string | undefined): SchemaType {
  if (type === undefined || !SCHEMA_TYPES.includes(type)) {
    throw new AwsServiceError('BadRequestException', `Type must be one of ${SCHEMA_TYPES.join(', ')}.`);
  }
  return type as SchemaType;
}

function checkContent(content: string | undefined): string {
  if (typeof content !== 'string' || content.length === 0) {
    throw new AwsServiceError('BadRequestException', 'Content is required.');
  }
  if (content.length > MAX_CONTENT_LENGTH) {
    throw new AwsServiceError(
      'BadRequestException',
      `Content must be at most ${MAX_CONTENT_LENGTH} characters.`,
    );
  }
  try {
    JSON.parse(content);
  } catch {
    throw new AwsServiceError('BadRequestException', 'Content is not valid JSON.');
  }
  return content;
}
