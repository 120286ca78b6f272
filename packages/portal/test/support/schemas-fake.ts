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
  /** Every version of a schema, parsed. */
  versions(registry: string, schema: string): unknown[];
  /** Makes the next call of `command` fail with `error` (later calls behave again). */
  failOnce(command: { readonly name: string }, error: Error): void;
}

interface SchemaInput {
  readonly RegistryName?: string;
  readonly SchemaName?: string;
  readonly Content?: string;
}

const notFound = (message: string) =>
  new NotFoundException({ message, Code: 'NotFoundException', Message: message, $metadata: {} });
const conflict = (message: string) =>
  new ConflictException({ message, Code: 'ConflictException', Message: message, $metadata: {} });

/** Mocks every SchemasClient with aws-sdk-client-mock, answering like the service does. */
export function fakeSchemas(): SchemasFake {
  const mock = mockClient(SchemasClient);
  const registries = new Set<string>();
  const schemas = new Map<string, string[]>();
  const failures = new Map<string, Error>();
  const key = (input: SchemaInput) => `${input.RegistryName ?? ''}/${input.SchemaName ?? ''}`;
  const requireRegistry = (input: SchemaInput) => {
    if (!registries.has(input.RegistryName ?? ''))
      throw notFound(`Registry ${input.RegistryName} does not exist.`);
  };
  const answer = (command: { readonly name: string }, fn: (input: SchemaInput) => unknown) => {
    return (input: SchemaInput) => {
      const failure = failures.get(command.name);
      if (failure !== undefined) {
        failures.delete(command.name);
        throw failure;
      }
      return fn(input);
    };
  };

  mock.on(DescribeRegistryCommand).callsFake(
    answer(DescribeRegistryCommand, (input) => {
      requireRegistry(input);
      return { RegistryName: input.RegistryName };
    }),
  );
  mock.on(CreateRegistryCommand).callsFake(
    answer(CreateRegistryCommand, (input) => {
      if (registries.has(input.RegistryName ?? '')) throw conflict('Registry already exists');
      registries.add(input.RegistryName ?? '');
      return { RegistryName: input.RegistryName };
    }),
  );
  mock.on(DescribeSchemaCommand).callsFake(
    answer(DescribeSchemaCommand, (input) => {
      requireRegistry(input);
      const versions = schemas.get(key(input));
      if (versions === undefined) throw notFound(`Schema ${input.SchemaName} does not exist.`);
      return { Content: versions.at(-1), SchemaVersion: String(versions.length), Type: 'JSONSchemaDraft4' };
    }),
  );
  mock.on(CreateSchemaCommand).callsFake(
    answer(CreateSchemaCommand, (input) => {
      requireRegistry(input);
      if (schemas.has(key(input))) throw conflict('Schema already exists');
      schemas.set(key(input), [input.Content ?? '']);
      return { SchemaVersion: '1' };
    }),
  );
  mock.on(UpdateSchemaCommand).callsFake(
    answer(UpdateSchemaCommand, (input) => {
      requireRegistry(input);
      const versions = schemas.get(key(input));
      if (versions === undefined) throw notFound(`Schema ${input.SchemaName} does not exist.`);
      versions.push(input.Content ?? '');
      return { SchemaVersion: String(versions.length) };
    }),
  );
  mock.on(DeleteSchemaCommand).callsFake(
    answer(DeleteSchemaCommand, (input) => {
      requireRegistry(input);
      if (!schemas.delete(key(input))) throw notFound(`Schema ${input.SchemaName} does not exist.`);
      return {};
    }),
  );

  return {
    mock,
    registries,
    schemas,
    versions: (registry, schema) =>
      (schemas.get(`${registry}/${schema}`) ?? []).map((text) => JSON.parse(text) as unknown),
    failOnce: (command, error) => {
      failures.set(command.name, error);
    },
  };
}
