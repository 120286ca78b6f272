import {
  ConflictException,
  CreateRegistryCommand,
  CreateSchemaCommand,
  DeleteSchemaCommand,
  DeleteSchemaVersionCommand,
  DescribeRegistryCommand,
  DescribeSchemaCommand,
  ListSchemaVersionsCommand,
  NotFoundException,
  SchemasClient,
  UpdateSchemaCommand,
} from '@aws-sdk/client-schemas';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';

/** One stored version of a schema. */
export interface FakeSchemaVersion {
  readonly version: string;
  readonly content: string;
}

/** A call held back by `pauseNext` until released. */
export interface PausedCall {
  /** Resolves when the call has arrived (and is waiting). */
  readonly reached: Promise<void>;
  /** Lets the call proceed. */
  release(): void;
}

/** An in-memory registry behind the mocked Schemas client: registries, schemas and their versions' content. */
export interface SchemasFake {
  readonly mock: AwsClientStub<SchemasClient>;
  readonly registries: Set<string>;
  /** `registry/schema` → every version (numbered as the service does: never reused), oldest first. */
  readonly schemas: Map<string, FakeSchemaVersion[]>;
  /** Every version of a schema, parsed. */
  versions(registry: string, schema: string): unknown[];
  /** The version numbers of a schema, oldest first. */
  versionNumbers(registry: string, schema: string): string[];
  /** Makes the next call of `command` fail with `error` (later calls behave again). */
  failOnce(command: { readonly name: string }, error: Error): void;
  /**
   * Holds the next call of `command` (for schema `schemaName`, if given) before it takes effect, until
   * released: a deterministic way to interleave two requests.
   */
  pauseNext(command: { readonly name: string }, schemaName?: string): PausedCall;
}

interface SchemaInput {
  readonly RegistryName?: string;
  readonly SchemaName?: string;
  readonly Content?: string;
  readonly SchemaVersion?: string;
}

const notFound = (message: string) =>
  new NotFoundException({ message, Code: 'NotFoundException', Message: message, $metadata: {} });
const conflict = (message: string) =>
  new ConflictException({ message, Code: 'ConflictException', Message: message, $metadata: {} });

/** Mocks every SchemasClient with aws-sdk-client-mock, answering like the service does. */
export function fakeSchemas(): SchemasFake {
  const mock = mockClient(SchemasClient);
  const registries = new Set<string>();
  const schemas = new Map<string, FakeSchemaVersion[]>();
  const lastVersion = new Map<string, number>();
  const failures = new Map<string, Error>();
  const pauses: { command: string; schemaName?: string; arrive: () => void; wait: Promise<void> }[] = [];
  const key = (input: SchemaInput) => `${input.RegistryName ?? ''}/${input.SchemaName ?? ''}`;
  const requireRegistry = (input: SchemaInput) => {
    if (!registries.has(input.RegistryName ?? ''))
      throw notFound(`Registry ${input.RegistryName} does not exist.`);
  };
  const requireSchema = (input: SchemaInput) => {
    requireRegistry(input);
    const versions = schemas.get(key(input));
    if (versions === undefined) throw notFound(`Schema ${input.SchemaName} does not exist.`);
    return versions;
  };
  const addVersion = (input: SchemaInput): string => {
    const number = (lastVersion.get(key(input)) ?? 0) + 1;
    lastVersion.set(key(input), number);
    const versions = schemas.get(key(input)) ?? [];
    versions.push({ version: String(number), content: input.Content ?? '' });
    schemas.set(key(input), versions);
    return String(number);
  };
  const answer = (command: { readonly name: string }, fn: (input: SchemaInput) => unknown) => {
    return async (input: SchemaInput) => {
      const index = pauses.findIndex(
        (pause) =>
          pause.command === command.name &&
          (pause.schemaName === undefined || pause.schemaName === input.SchemaName),
      );
      if (index >= 0) {
        const [pause] = pauses.splice(index, 1);
        pause?.arrive();
        await pause?.wait;
      }
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
      const versions = requireSchema(input);
      const found =
        input.SchemaVersion === undefined
          ? versions.at(-1)
          : versions.find((version) => version.version === input.SchemaVersion);
      if (found === undefined) throw notFound(`Schema ${input.SchemaName} has no such version.`);
      return { Content: found.content, SchemaVersion: found.version, Type: 'JSONSchemaDraft4' };
    }),
  );
  mock.on(CreateSchemaCommand).callsFake(
    answer(CreateSchemaCommand, (input) => {
      requireRegistry(input);
      if (schemas.has(key(input))) throw conflict('Schema already exists');
      return { SchemaVersion: addVersion(input) };
    }),
  );
  mock.on(UpdateSchemaCommand).callsFake(
    answer(UpdateSchemaCommand, (input) => {
      requireSchema(input);
      return { SchemaVersion: addVersion(input) };
    }),
  );
  mock.on(ListSchemaVersionsCommand).callsFake(
    answer(ListSchemaVersionsCommand, (input) => ({
      SchemaVersions: requireSchema(input).map((version) => ({
        SchemaName: input.SchemaName,
        SchemaVersion: version.version,
      })),
    })),
  );
  mock.on(DeleteSchemaVersionCommand).callsFake(
    answer(DeleteSchemaVersionCommand, (input) => {
      const versions = requireSchema(input);
      const index = versions.findIndex((version) => version.version === input.SchemaVersion);
      if (index < 0) throw notFound(`Schema ${input.SchemaName} has no version ${input.SchemaVersion}.`);
      versions.splice(index, 1);
      return {};
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
      (schemas.get(`${registry}/${schema}`) ?? []).map((version) => JSON.parse(version.content) as unknown),
    versionNumbers: (registry, schema) =>
      (schemas.get(`${registry}/${schema}`) ?? []).map((version) => version.version),
    failOnce: (command, error) => {
      failures.set(command.name, error);
    },
    pauseNext: (command, schemaName) => {
      let arrive: () => void = () => undefined;
      let release: () => void = () => undefined;
      const reached = new Promise<void>((resolve) => {
        arrive = resolve;
      });
      const wait = new Promise<void>((resolve) => {
        release = resolve;
      });
      pauses.push({ command: command.name, schemaName, arrive, wait });
      return { reached, release };
    },
  };
}
