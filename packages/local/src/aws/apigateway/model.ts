/** The local API Gateway's API keys and usage plans: as the API describes them and as the store keeps them. */
/** API Gateway's throttle settings. */
export interface ThrottleSettings {
  readonly burstLimit?: number;
  readonly rateLimit?: number;
}

/** An API stage a usage plan admits its keys to. */
export interface ApiStage {
  readonly apiId: string;
  readonly stage: string;
  readonly throttle?: Record<string, ThrottleSettings>;
}

/** An API key as API Gateway describes it (`value` only when asked for). */
export interface ApiKeyDescription {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly enabled: boolean;
  readonly value?: string;
  /** Epoch seconds, as the REST JSON protocol sends timestamps. */
  readonly createdDate: number;
  readonly lastUpdatedDate: number;
  readonly stageKeys: string[];
  readonly tags: Record<string, string>;
}

export interface UsagePlanDescription {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly apiStages: ApiStage[];
  readonly throttle?: ThrottleSettings;
  readonly quota?: Record<string, unknown>;
  readonly tags: Record<string, string>;
}

export interface UsagePlanKeyDescription {
  readonly id: string;
  readonly type: 'API_KEY';
  readonly value: string;
  readonly name: string;
}

/** An API key as stored. */
export interface StoredKey {
  id: string;
  name: string;
  description?: string;
  enabled: boolean;
  value: string;
  createdDate: number;
  lastUpdatedDate: number;
  tags: Record<string, string>;
}

/** A usage plan as stored, with the ids of its keys. */
export interface StoredPlan {
  id: string;
  name: string;
  description?: string;
  apiStages: ApiStage[];
  throttle?: ThrottleSettings;
  quota?: Record<string, unknown>;
  tags: Record<string, string>;
  keyIds: string[];
}

/** The store's file (format 1). */
export interface StateFile {
  format: 1;
  keys: Record<string, StoredKey>;
  plans: Record<string, StoredPlan>;
}

/** One patch operation of `UpdateUsagePlan`. */
export interface PatchOperation {
  readonly op?: string;
  readonly path?: string;
  readonly value?: string;
}
