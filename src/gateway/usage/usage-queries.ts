import { sql, type Expression, type ExpressionBuilder, type Selectable, type SqlBool } from 'kysely';
import type { Store } from '../../store/database.js';
import type { Database, UsageRecordRow } from '../../store/schema.js';

export interface UsageFilter {
  keyId?: string;
  deployment?: string;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
}

export interface UsageSummaryRow {
  day: string;
  keyId: string | null;
  keyName: string | null;
  deployment: string;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  /** USD of the priced requests; null when none of them had a price. */
  costUsd: number | null;
  /** Requests of deployments without a price: their cost is unknown, not zero. */
  unpricedRequests: number;
}

const dayMs = 86_400_000;

/** Totals per UTC day, key and deployment, newest day first. */
export async function summarizeUsage(store: Store, filter: UsageFilter): Promise<UsageSummaryRow[]> {
  // Integer division of epoch ms gives the UTC day in both dialects without date functions.
  const day = sql<number>`(usage_records.at / ${sql.lit(dayMs)})`;
  const rows = await store.db
    .selectFrom('usage_records')
    .where(matching(filter))
    .leftJoin('api_keys', 'api_keys.id', 'usage_records.key_id')
    .select([
      day.as('day'),
      'usage_records.key_id as keyId',
      sql<string | null>`max(api_keys.name)`.as('keyName'),
      'usage_records.deployment as deployment',
      sql<number>`count(*)`.as('requests'),
      sql<number>`sum(case when usage_records.status >= 400 or usage_records.error_code is not null then 1 else 0 end)`.as('errors'),
      sql<number>`sum(usage_records.prompt_tokens)`.as('promptTokens'),
      sql<number>`sum(usage_records.completion_tokens)`.as('completionTokens'),
      sql<number | null>`sum(usage_records.cost_usd)`.as('costUsd'),
      sql<number>`sum(case when usage_records.cost_usd is null and usage_records.status < 400 then 1 else 0 end)`.as('unpricedRequests'),
    ])
    .groupBy([day, 'usage_records.key_id', 'usage_records.deployment'])
    .orderBy(day, 'desc')
    .orderBy('usage_records.deployment')
    .execute();
  return rows.map((row) => ({
    ...row,
    day: new Date(Math.floor(Number(row.day)) * dayMs).toISOString().slice(0, 10),
    requests: Number(row.requests),
    errors: Number(row.errors),
    promptTokens: Number(row.promptTokens),
    completionTokens: Number(row.completionTokens),
    costUsd: row.costUsd === null ? null : Number(row.costUsd),
    unpricedRequests: Number(row.unpricedRequests),
  }));
}

export interface LogFilter extends UsageFilter {
  status?: number;
  /** Only errors (status ≥ 400). */
  errors?: boolean;
  /** Records with an id below this (paging backwards). */
  before?: number;
  limit: number;
}

/** The request log, newest first. */
export async function listRequests(store: Store, filter: LogFilter): Promise<Selectable<UsageRecordRow>[]> {
  let query = store.db.selectFrom('usage_records').where(matching(filter)).selectAll('usage_records');
  if (filter.status !== undefined) query = query.where('usage_records.status', '=', filter.status);
  if (filter.errors) query = query.where('usage_records.status', '>=', 400);
  if (filter.before !== undefined) query = query.where('usage_records.id', '<', filter.before);
  return query.orderBy('usage_records.id', 'desc').limit(filter.limit).execute();
}

function matching(filter: UsageFilter) {
  return (where: ExpressionBuilder<Database, 'usage_records'>) => {
    const conditions: Expression<SqlBool>[] = [];
    if (filter.keyId !== undefined) conditions.push(where('usage_records.key_id', '=', filter.keyId));
    if (filter.deployment !== undefined) conditions.push(where('usage_records.deployment', '=', filter.deployment));
    if (filter.since !== undefined) conditions.push(where('usage_records.at', '>=', filter.since));
    if (filter.until !== undefined) conditions.push(where('usage_records.at', '<', filter.until));
    return where.and(conditions);
  };
}
