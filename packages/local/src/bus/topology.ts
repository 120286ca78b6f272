/**
 * The local EventBridge's event buses, rules and targets. Kept as one class past ~400 lines on purpose: every
 * change of a bus, rule or target updates the same maps, the per-bus pattern `RuleSet` that routing reads and
 * the topology file in one step, and the queries (describe, list, route) read that same state; split, each part
 * would need the others' maps. Beside it: the stored form (`topology-file.ts`), the input checks
 * (`rule-input.ts`) and paging (`paginate.ts`).
 */
import { readFile } from 'node:fs/promises';
import { formatArn } from '@bridgeport/core';
import { check, InvalidEventPatternError, RuleSet } from '@bridgeport/event-patterns';
import { writeFileAtomic } from './durable-file';
import {
  BusInvalidEventPatternError,
  BusLimitExceededError,
  BusResourceAlreadyExistsError,
  BusResourceNotFoundError,
  BusValidationError,
} from './errors';
import { paginate } from './paginate';
import { BUS_NAME_PATTERN, RULE_STATES, validateName, validateTarget } from './rule-input';
import { INVALID_SCHEDULE_EXPRESSION, parseSchedule } from './schedule';
import type { StoredBus, StoredRule, TopologyFile } from './topology-file';
import {
  type EventBusDescription,
  type Page,
  type PutRuleInput,
  type RuleDescription,
  RuleState,
  type TargetDefinition,
} from './types';

export const DEFAULT_EVENT_BUS = 'default';

export interface TopologyOptions {
  readonly account: string;
  readonly region: string;
  /** ARN partition. Default `aws`. */
  readonly partition?: string;
  /** Rules per event bus. Default 300 (EventBridge's quota). */
  readonly maxRulesPerBus?: number;
  /** Targets per rule. Default 5 (EventBridge's quota). */
  readonly maxTargetsPerRule?: number;
  /** The clock schedules count from. Default `Date.now`. */
  readonly now?: () => number;
}

/** A rule that runs on a schedule. */
export interface ScheduledRule {
  readonly eventBusName: string;
  readonly name: string;
  readonly scheduleExpression: string;
  readonly scheduledSince: number;
}

/** A rule and one of its targets, as routing and delivery need them. */
export interface RoutedTarget {
  readonly rule: RuleDescription;
  readonly target: TargetDefinition;
}

/**
 * Event buses, rules and targets of the local EventBridge, persisted as one JSON file (written
 * atomically on every change) and compiled into one pattern `RuleSet` per bus for routing.
 */
export class Topology {
  private readonly buses = new Map<string, StoredBus>();
  private readonly rules = new Map<string, Map<string, StoredRule>>();
  private readonly ruleSets = new Map<string, RuleSet>();
  private readonly descriptions = new WeakMap<StoredRule, RuleDescription>();
  private writes: Promise<void> = Promise.resolve();
  /** Stored rules whose pattern no longer compiles (they are kept but not routed). */
  readonly loadProblems: string[] = [];
  private readonly partition: string;
  private readonly maxRulesPerBus: number;
  private readonly maxTargetsPerRule: number;
  private readonly now: () => number;

  private constructor(
    private readonly filePath: string,
    private readonly options: TopologyOptions,
  ) {
    this.partition = options.partition ?? 'aws';
    this.maxRulesPerBus = options.maxRulesPerBus ?? 300;
    this.maxTargetsPerRule = options.maxTargetsPerRule ?? 5;
    this.now = options.now ?? Date.now;
  }

  /** Loads the topology from `filePath` (creating the default bus when the file is new). */
  static async open(filePath: string, options: TopologyOptions): Promise<Topology> {
    const topology = new Topology(filePath, options);
    let file: TopologyFile | undefined;
    try {
      file = JSON.parse(await readFile(filePath, 'utf8')) as TopologyFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const now = Date.now();
    for (const bus of file?.buses ?? [
      { name: DEFAULT_EVENT_BUS, creationTime: now, lastModifiedTime: now },
    ]) {
      topology.buses.set(bus.name, bus);
      topology.rules.set(bus.name, new Map());
      topology.ruleSets.set(bus.name, new RuleSet());
    }
    if (!topology.buses.has(DEFAULT_EVENT_BUS)) {
      topology.buses.set(DEFAULT_EVENT_BUS, {
        name: DEFAULT_EVENT_BUS,
        creationTime: now,
        lastModifiedTime: now,
      });
      topology.rules.set(DEFAULT_EVENT_BUS, new Map());
      topology.ruleSets.set(DEFAULT_EVENT_BUS, new RuleSet());
    }
    for (const rule of file?.rules ?? []) {
      topology.rules.get(rule.eventBusName)?.set(rule.name, rule);
      try {
        topology.index(rule);
      } catch (error) {
        // Kept (so it can be listed, fixed or deleted) but not routed.
        topology.loadProblems.push(
          `Rule ${rule.name} on ${rule.eventBusName} is not routed: ${(error as Error).message}`,
        );
      }
    }
    if (!file) await topology.persist();
    return topology;
  }

  // ---- event buses -------------------------------------------------------------------------

  busArn(name: string): string {
    return this.eventsArn(`event-bus/${name}`);
  }

  ruleArn(eventBusName: string, ruleName: string): string {
    return this.eventsArn(
      eventBusName === DEFAULT_EVENT_BUS ? `rule/${ruleName}` : `rule/${eventBusName}/${ruleName}`,
    );
  }

  /** The ARN of an EventBridge resource (`rule/…`, `event-bus/…`, `api-destination/…`) of this bus's account and region. */
  eventsArn(resource: string): string {
    return formatArn({
      partition: this.partition,
      service: 'events',
      region: this.options.region,
      account: this.options.account,
      resource,
    });
  }

  /** Accepts a bus name or ARN (as the API does); `undefined` is the default bus. */
  resolveBusName(nameOrArn: string | undefined): string {
    if (nameOrArn === undefined || nameOrArn === '') return DEFAULT_EVENT_BUS;
    const marker = ':event-bus/';
    const at = nameOrArn.indexOf(marker);
    return nameOrArn.startsWith('arn:') && at >= 0 ? nameOrArn.slice(at + marker.length) : nameOrArn;
  }

  hasEventBus(nameOrArn: string | undefined): boolean {
    return this.buses.has(this.resolveBusName(nameOrArn));
  }

  async createEventBus(input: { Name: string; Description?: string }): Promise<{ EventBusArn: string }> {
    const name = input.Name;
    if (typeof name !== 'string' || name.length < 1 || name.length > 256 || !BUS_NAME_PATTERN.test(name)) {
      throw new BusValidationError(
        `1 validation error detected: Value '${String(name)}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+`,
      );
    }
    if (name === DEFAULT_EVENT_BUS || name.startsWith('aws.')) {
      throw new BusValidationError(`Event bus name ${name} is reserved.`);
    }
    if (this.buses.has(name)) throw new BusResourceAlreadyExistsError(`Event bus ${name} already exists.`);
    const now = Date.now();
    this.buses.set(name, { name, description: input.Description, creationTime: now, lastModifiedTime: now });
    this.rules.set(name, new Map());
    this.ruleSets.set(name, new RuleSet());
    await this.persist();
    return { EventBusArn: this.busArn(name) };
  }

  /** Creates the bus unless it exists; for runtimes that provision their bus at start. */
  async ensureEventBus(name: string): Promise<EventBusDescription> {
    if (!this.buses.has(name)) await this.createEventBus({ Name: name });
    return this.describeEventBus(name);
  }

  describeEventBus(nameOrArn?: string): EventBusDescription {
    const bus = this.requireBus(nameOrArn);
    return this.busDescription(bus);
  }

  listEventBuses(
    input: { NamePrefix?: string; Limit?: number; NextToken?: string } = {},
  ): Page<EventBusDescription> {
    const all = [...this.buses.values()]
      .filter((bus) => !input.NamePrefix || bus.name.startsWith(input.NamePrefix))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((bus) => this.busDescription(bus));
    return paginate(all, input.Limit, input.NextToken);
  }

  async deleteEventBus(name: string): Promise<void> {
    if (name === DEFAULT_EVENT_BUS) throw new BusValidationError('Cannot delete event bus default.');
    if (!this.buses.has(name)) return;
    this.buses.delete(name);
    this.rules.delete(name);
    this.ruleSets.delete(name);
    await this.persist();
  }

  // ---- rules ---------------------------------------------------------------------------------

  async putRule(input: PutRuleInput): Promise<{ RuleArn: string }> {
    validateName(input.Name, 'name', 64);
    const busName = this.resolveBusName(input.EventBusName);
    const rules = this.rulesOf(busName);
    if (input.EventPattern === undefined && input.ScheduleExpression === undefined) {
      throw new BusValidationError('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    }
    if (input.ScheduleExpression !== undefined && busName !== DEFAULT_EVENT_BUS) {
      throw new BusValidationError('ScheduleExpression is supported only on the default event bus.');
    }
    if (input.ScheduleExpression !== undefined && parseSchedule(input.ScheduleExpression) === undefined) {
      throw new BusValidationError(INVALID_SCHEDULE_EXPRESSION);
    }
    const state = input.State ?? RuleState.ENABLED;
    if (!RULE_STATES.includes(state)) {
      throw new BusValidationError(
        `1 validation error detected: Value '${state}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [${RULE_STATES.join(', ')}]`,
      );
    }
    if (input.EventPattern !== undefined) {
      const reason = check(input.EventPattern);
      if (reason !== undefined)
        throw new BusInvalidEventPatternError(`Event pattern is not valid. Reason: ${reason}`);
    }
    const existing = rules.get(input.Name);
    if (!existing && rules.size >= this.maxRulesPerBus) throw new BusLimitExceededError();
    const rule: StoredRule = {
      name: input.Name,
      eventBusName: busName,
      eventPattern: input.EventPattern,
      scheduleExpression: input.ScheduleExpression,
      state,
      description: input.Description,
      roleArn: input.RoleArn,
      targets: existing?.targets ?? [],
      ...(input.ScheduleExpression === undefined
        ? {}
        : {
            scheduledSince:
              existing?.scheduleExpression === input.ScheduleExpression
                ? (existing.scheduledSince ?? this.now())
                : this.now(),
          }),
    };
    rules.set(rule.name, rule);
    this.index(rule);
    await this.persist();
    return { RuleArn: this.ruleArn(busName, rule.name) };
  }

  async deleteRule(input: { Name: string; EventBusName?: string }): Promise<void> {
    const busName = this.resolveBusName(input.EventBusName);
    const rules = this.rulesOf(busName);
    const rule = rules.get(input.Name);
    if (!rule) return;
    if (rule.targets.length > 0) throw new BusValidationError("Rule can't be deleted since it has targets.");
    rules.delete(rule.name);
    this.ruleSets.get(busName)?.remove(rule.name);
    await this.persist();
  }

  async setRuleState(input: { Name: string; EventBusName?: string }, state: RuleState): Promise<void> {
    const rule = this.requireRule(input.Name, input.EventBusName);
    rule.state = state;
    this.index(rule);
    await this.persist();
  }

  describeRule(input: { Name: string; EventBusName?: string }): RuleDescription {
    return this.ruleDescription(this.requireRule(input.Name, input.EventBusName));
  }

  /** The rule if it exists, without throwing. */
  findRule(eventBusName: string, ruleName: string): RuleDescription | undefined {
    const rule = this.rules.get(eventBusName)?.get(ruleName);
    return rule ? this.ruleDescription(rule) : undefined;
  }

  listRules(
    input: { NamePrefix?: string; EventBusName?: string; Limit?: number; NextToken?: string } = {},
  ): Page<RuleDescription> {
    const rules = [...this.rulesOf(this.resolveBusName(input.EventBusName)).values()]
      .filter((rule) => !input.NamePrefix || rule.name.startsWith(input.NamePrefix))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((rule) => this.ruleDescription(rule));
    return paginate(rules, input.Limit, input.NextToken);
  }

  /** Enabled rules with a schedule, for the scheduler. */
  scheduledRules(): ScheduledRule[] {
    const scheduled: ScheduledRule[] = [];
    for (const rules of this.rules.values()) {
      for (const rule of rules.values()) {
        if (rule.scheduleExpression === undefined || rule.state === RuleState.DISABLED) continue;
        scheduled.push({
          eventBusName: rule.eventBusName,
          name: rule.name,
          scheduleExpression: rule.scheduleExpression,
          scheduledSince: rule.scheduledSince ?? 0,
        });
      }
    }
    return scheduled;
  }

  /** ListRuleNamesByTarget: the rules of a bus (name order) with a target of this ARN. */
  ruleNamesByTarget(input: {
    TargetArn: string;
    EventBusName?: string;
    Limit?: number;
    NextToken?: string;
  }): Page<string> {
    const names = [...this.rulesOf(this.resolveBusName(input.EventBusName)).values()]
      .filter((rule) => rule.targets.some((target) => target.Arn === input.TargetArn))
      .map((rule) => rule.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return paginate(names, input.Limit, input.NextToken);
  }

  // ---- targets -------------------------------------------------------------------------------

  async putTargets(input: {
    Rule: string;
    EventBusName?: string;
    Targets: readonly TargetDefinition[];
  }): Promise<{
    FailedEntryCount: number;
    FailedEntries: { TargetId: string; ErrorCode: string; ErrorMessage: string }[];
  }> {
    const rule = this.requireRule(input.Rule, input.EventBusName);
    const targets = input.Targets;
    if (!Array.isArray(targets) || targets.length < 1 || targets.length > 10) {
      throw new BusValidationError(
        `1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length ${Array.isArray(targets) && targets.length > 10 ? 'less than or equal to 10' : 'greater than or equal to 1'}`,
      );
    }
    targets.forEach((target, i) => {
      validateTarget(target, i + 1);
    });
    const byId = new Map(rule.targets.map((target) => [target.Id, target]));
    for (const target of targets) byId.set(target.Id, structuredClone(target));
    if (byId.size > this.maxTargetsPerRule) throw new BusLimitExceededError();
    rule.targets = [...byId.values()];
    await this.persist();
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  async removeTargets(input: { Rule: string; EventBusName?: string; Ids: readonly string[] }): Promise<{
    FailedEntryCount: number;
    FailedEntries: { TargetId: string; ErrorCode: string; ErrorMessage: string }[];
  }> {
    const rule = this.requireRule(input.Rule, input.EventBusName);
    if (!Array.isArray(input.Ids) || input.Ids.length < 1 || input.Ids.length > 100) {
      throw new BusValidationError(
        "1 validation error detected: Value at 'ids' failed to satisfy constraint: Member must have length between 1 and 100",
      );
    }
    const ids = new Set(input.Ids);
    rule.targets = rule.targets.filter((target) => !ids.has(target.Id));
    await this.persist();
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  listTargetsByRule(input: {
    Rule: string;
    EventBusName?: string;
    Limit?: number;
    NextToken?: string;
  }): Page<TargetDefinition> {
    const rule = this.requireRule(input.Rule, input.EventBusName);
    return paginate(
      rule.targets.map((target) => structuredClone(target)),
      input.Limit,
      input.NextToken,
    );
  }

  /** The current definition of a rule's target, or undefined when the rule or target is gone. */
  findTarget(eventBusName: string, ruleName: string, targetId: string): RoutedTarget | undefined {
    const rule = this.rules.get(eventBusName)?.get(ruleName);
    const target = rule?.targets.find((candidate) => candidate.Id === targetId);
    return rule && target ? { rule: this.describedRule(rule), target } : undefined;
  }

  /** The rule's description, made once per rule definition (a new one at every PutRule) and state. */
  private describedRule(rule: StoredRule): RuleDescription {
    const cached = this.descriptions.get(rule);
    if (cached !== undefined && cached.State === rule.state) return cached;
    const description = this.ruleDescription(rule);
    this.descriptions.set(rule, description);
    return description;
  }

  // ---- routing -------------------------------------------------------------------------------

  /** Every target of one rule, as delivery addresses (for events EventBridge sends to that rule only). */
  routeToRule(eventBusName: string, ruleName: string): { ruleName: string; targetId: string }[] {
    const rule = this.rules.get(eventBusName)?.get(ruleName);
    return rule === undefined ? [] : rule.targets.map((target) => ({ ruleName, targetId: target.Id }));
  }

  /** Every (rule, target) an event on `eventBusName` is routed to, rules in name order. */
  route(eventBusName: string, event: unknown): { ruleName: string; targetId: string }[] {
    const ruleSet = this.ruleSets.get(eventBusName);
    const rules = this.rules.get(eventBusName);
    if (!ruleSet || !rules || ruleSet.size === 0) return [];
    const routes: { ruleName: string; targetId: string }[] = [];
    for (const ruleName of ruleSet.matches(event)) {
      const rule = rules.get(ruleName);
      if (!rule) continue;
      for (const target of rule.targets) routes.push({ ruleName, targetId: target.Id });
    }
    return routes;
  }

  /** Resolves once every change made so far is on disk. */
  async flush(): Promise<void> {
    await this.writes;
  }

  // ---- internals -----------------------------------------------------------------------------

  private index(rule: StoredRule): void {
    const ruleSet = this.ruleSets.get(rule.eventBusName);
    if (!ruleSet) return;
    if (rule.eventPattern !== undefined && rule.state !== RuleState.DISABLED) {
      try {
        ruleSet.add(rule.name, rule.eventPattern);
      } catch (error) {
        ruleSet.remove(rule.name);
        // Only a pattern EventBridge would refuse is the caller's mistake; anything else is an internal error.
        if (!(error instanceof InvalidEventPatternError)) throw error;
        throw new BusInvalidEventPatternError(error.message, { cause: error });
      }
    } else {
      ruleSet.remove(rule.name);
    }
  }

  private persist(): Promise<void> {
    const snapshot: TopologyFile = {
      format: 1,
      buses: [...this.buses.values()],
      rules: [...this.rules.values()].flatMap((rules) => [...rules.values()]),
    };
    const text = `${JSON.stringify(snapshot, null, 2)}\n`;
    const write = this.writes.then(() => writeFileAtomic(this.filePath, text));
    this.writes = write.catch(() => undefined);
    return write;
  }

  private requireBus(nameOrArn: string | undefined): StoredBus {
    const name = this.resolveBusName(nameOrArn);
    const bus = this.buses.get(name);
    if (!bus) throw new BusResourceNotFoundError(`Event bus ${name} does not exist.`);
    return bus;
  }

  private rulesOf(busName: string): Map<string, StoredRule> {
    const rules = this.rules.get(busName);
    if (!rules) throw new BusResourceNotFoundError(`Event bus ${busName} does not exist.`);
    return rules;
  }

  private requireRule(name: string, eventBusNameOrArn: string | undefined): StoredRule {
    const busName = this.resolveBusName(eventBusNameOrArn);
    const rule = this.rulesOf(busName).get(name);
    if (!rule) throw new BusResourceNotFoundError(`Rule ${name} does not exist on EventBus ${busName}.`);
    return rule;
  }

  private busDescription(bus: StoredBus): EventBusDescription {
    return {
      Name: bus.name,
      Arn: this.busArn(bus.name),
      ...(bus.description !== undefined ? { Description: bus.description } : {}),
      CreationTime: bus.creationTime,
      LastModifiedTime: bus.lastModifiedTime,
    };
  }

  private ruleDescription(rule: StoredRule): RuleDescription {
    return {
      Name: rule.name,
      Arn: this.ruleArn(rule.eventBusName, rule.name),
      EventBusName: rule.eventBusName,
      ...(rule.eventPattern !== undefined ? { EventPattern: rule.eventPattern } : {}),
      ...(rule.scheduleExpression !== undefined ? { ScheduleExpression: rule.scheduleExpression } : {}),
      State: rule.state,
      ...(rule.description !== undefined ? { Description: rule.description } : {}),
      ...(rule.roleArn !== undefined ? { RoleArn: rule.roleArn } : {}),
      CreatedBy: this.options.account,
    };
  }
}
