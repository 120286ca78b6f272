/** The portal API's answers, as far as the web portal reads them (docs/api.md). */
import type { Json } from './schema-view';

export interface Page<T> {
  readonly items: T[];
  readonly next_token?: string;
}

export interface EventTypeListItem {
  readonly event_type: string;
  readonly application: string;
  readonly description: string;
  readonly connection_type: string;
  readonly latest_version: number;
  readonly updated_at: string;
}

export interface VersionSummary {
  readonly version: number;
  readonly status: string;
  readonly status_reason?: string;
  readonly created_at: string;
}

export interface EventTypeView extends EventTypeListItem {
  readonly status: string;
  readonly versions: VersionSummary[];
  readonly subscription_count: number;
  readonly created_at: string;
}

export interface SchemaChange {
  readonly path: string;
  readonly kind: string;
  readonly compatible: boolean;
  readonly detail?: string;
  readonly message?: string;
}

export interface Compatibility {
  readonly backward_compatible: boolean;
  readonly changes: SchemaChange[];
}

export interface EventVersionView {
  readonly event_type: string;
  readonly version: number;
  readonly application: string;
  readonly description: string;
  readonly connection_type: string;
  readonly detail_type: string;
  readonly status: string;
  readonly status_reason?: string;
  readonly schema: Json;
  readonly data: Json;
  readonly compatibility?: Compatibility;
}

export interface SubscriptionView {
  readonly id: string;
  readonly event_type: string;
  readonly version: number;
  readonly application: string;
  readonly connection_type: string;
  /** Absent for another team's subscription. */
  readonly connection_string?: string;
  readonly target_unit?: string;
  readonly filter?: Json;
  readonly status: string;
  readonly status_reason?: string;
  readonly team?: string;
  readonly created_at: string;
}

export interface DeadLetterView {
  readonly id?: string;
  readonly dead_letter_id?: string;
  readonly event?: Json;
  readonly error_code?: string;
  readonly error_message?: string;
  readonly retry_attempts?: number;
  readonly failed_at?: string;
}

export interface MatchReport {
  readonly valid: boolean;
  readonly errors: { path: string; message: string }[];
  readonly draft?: { readonly pattern: Json; readonly matches: boolean };
  readonly subscriptions: {
    readonly id: string;
    readonly connection_type: string;
    readonly target_unit?: string;
    readonly status: string;
    readonly matches: boolean;
  }[];
  readonly receivers: number;
}

/** One period of an insights series: its start and the counts of that period. */
export interface InsightsPoint {
  readonly timestamp: string;
  readonly [figure: string]: number | string;
}

export interface SubscriptionInsights {
  readonly id: string;
  readonly team?: string;
  readonly connection_type: string;
  /** Only for the caller's own team's subscriptions. */
  readonly endpoint?: string;
  readonly status: string;
  readonly matched: number;
  readonly delivered: number;
  readonly failed: number;
  readonly dead_lettered: number;
  readonly retried: number;
  /** p50 and p99 from the bus to the target; `null` fields (or `null`) when nothing was delivered. */
  readonly latency_ms: { readonly p50: number | null; readonly p99: number | null } | null;
  readonly series: InsightsPoint[];
}

export interface VersionInsights {
  readonly version: number;
  readonly published: number;
  readonly rejected: {
    readonly schema: number;
    readonly size: number;
    readonly auth: number;
    readonly total: number;
  };
  readonly series: InsightsPoint[];
  readonly subscriptions: SubscriptionInsights[];
}

/** `GET /events/{event_type}/insights` (docs/api.md#insights). */
export interface EventTypeInsights {
  readonly event_type: string;
  readonly from: string;
  readonly to: string;
  readonly period: number;
  readonly versions: VersionInsights[];
}
