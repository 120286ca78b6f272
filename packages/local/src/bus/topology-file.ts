/** The topology file: event buses and rules (with their targets) as stored, one JSON document. */
import type { RuleState, TargetDefinition } from './types';

export interface StoredBus {
  name: string;
  description?: string;
  creationTime: number;
  lastModifiedTime: number;
}

export interface StoredRule {
  name: string;
  eventBusName: string;
  eventPattern?: string;
  scheduleExpression?: string;
  state: RuleState;
  description?: string;
  roleArn?: string;
  targets: TargetDefinition[];
  /** When the rule got its current schedule (epoch ms): `rate(…)` intervals count from it. */
  scheduledSince?: number;
}

/** The file's content (format 1). */
export interface TopologyFile {
  format: 1;
  buses: StoredBus[];
  rules: StoredRule[];
}
