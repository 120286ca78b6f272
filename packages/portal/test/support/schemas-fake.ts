import {
  ConflictException,
  CreateRegistryCommand,
  CreateSchemaCommand,
  DeleteSchemaCommand,
  DescribeRegistryCommand,
  DescribeSchemaCommand,
  NotFoundException,
  SchemasClient,
  UpdateSchemaCommand,
} from '@aws-sdk/client-schemas';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';

/** An in-memory registry behind the mocked Schemas client: registries, schemas and their versions' content. */
export interface SchemasFake {
  readonly mock: AwsClientStub<SchemasClient>;
  readonly registries: Set<string>;
  /** `registry/schema` → every version's content, oldest first. */
  readonly schemas: Map<string, string[]>;
  versions(registry: string, schema: string): unknown[];
}

const notFound = (message: string) =>
  new NotFoundException({ message, Code: 'NotFoundException', Message: message, $metadata: {} });

/** Mocks every SchemasClient with aws-sdk-client-mock, answering like the service does. */
export function fakeSchemas(): SchemasFake {
  const mock = mockClient(SchemasClient);
  const registries = new Set<string>();
  const schemas = new Map<string, string[]>();
  const key = (registry = '', schema = '') => `${registry}/${schema}`;
  const requireRegistry = (name = '') => {
    if (!registries.has(name)) throw notFound(`Registry ${name} does not exist.`);
  };
  mock.on(DescribeRegistryCommand).callsFake((input: { RegistryName?: string }) => {
    requireRegistry(input.RegistryName);
    return { RegistryName: input.RegistryName };
  });
  mock.on(CreateRegistryCommand).callsFake((input: { RegistryName?: string }) => {
    if (registries.has(input.RegistryName ?? '')) {
      throw new ConflictException({
        message: 'Registry already exists',
        Code: 'ConflictException',
        Message: 'Registry already exists',
        $metadata: {},
      });
    }
    registries.add(input.RegistryName ?? '');
    return { RegistryName: input.RegistryName };
  });
  mock.on(DescribeSchemaCommand).callsFake((input: { RegistryName?: string; SchemaName?: string }) => {
    requireRegistry(input.RegistryName);
    const versions = schemas.get(key(input.RegistryName, input.SchemaName));
    if (versions === undefined) throw notFound(`Schema ${input.SchemaName} does not exist.`);
    return { Content: versions.at(-1), SchemaVersion: String(versions.length), Type: 'JSONSchemaDraft4' };
  });
  mock
    .on(CreateSchemaCommand)
    .callsFake((input: { RegistryName?: string; SchemaName?: string; Content?: string }) => {
      requireRegistry(input.RegistryName);
      const name = key(input.RegistryName, input.SchemaName);
      if (schemas.has(name))
        throw new ConflictException({
          message: 'Schema already exists',
          Code: 'ConflictException',
          Message: 'Schema already exists',
          $metadata: {},
        });
      schemas.set(name, [input.Content ?? '']);
      return { SchemaVersion: '1' };
    });
  mock
    .on(UpdateSchemaCommand)
    .callsFake((input: { RegistryName?: string; SchemaName?: string; Content?: string }) => {
      requireRegistry(input.RegistryName);
      const versions = schemas.get(key(input.RegistryName, input.SchemaName));
      if (versions === undefined) throw notFound(`Schema ${input.SchemaName} does not exist.`);
      versions.push(input.Content ?? '');
      return { SchemaVersion: String(versions.length) };
    });
  mock.on(DeleteSchemaCommand).callsFake((input: { RegistryName?: string; SchemaName?: string }) => {
    requireRegistry(input.RegistryName);
    if (!schemas.delete(key(input.RegistryName, input.SchemaName))) {
      throw notFound(`Schema ${input.SchemaName} does not exist.`);
    }
    return {};
  });
  return {
    mock,
    registries,
    schemas,
    versions: (registry, schema) =>
      (schemas.get(key(registry, schema)) ?? []).map((text) => JSON.parse(text)),
  };
}
