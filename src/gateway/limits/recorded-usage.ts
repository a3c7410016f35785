import type { Store } from '../../store/database.js';

/** Records of requests that never reached the limits (refused before, or by them) do not count as the minute's requests. */
const refusedBeforeRouting = ['invalid_request', 'permission_denied', 'model_not_found', 'rate_limited', 'quota_exceeded', 'unavailable'];

export interface RecordedUsage {
  /** USD over every record of the key. */
  spentUsd: number;
  /** Requests and tokens recorded since `since`. */
  requests: number;
  tokens: number;
}

/**
 * What a key used by the usage records, to rebuild its lost counters: its total spend, and the
 * requests and tokens of the current window. One query over the `(key_id, at)` index. Records still
 * buffered (on any replica) are not in it yet.
 *
 * @example const used = await recordedUsage(store, 'key_1a2b', minuteStart);
 */
export async function recordedUsage(store: Store, keyId: string, since: number): Promise<RecordedUsage> {
  const row = await store.db
    .selectFrom('usage_records')
    .where('key_id', '=', keyId)
    .select((expression) => [
      expression.fn.sum<number | string | null>('cost_usd').as('spent'),
      expression.fn
        .sum<number | string | null>(
          expression
            .case()
            .when(
              expression.and([
                expression('at', '>=', since),
                expression.or([expression('error_code', 'is', null), expression('error_code', 'not in', refusedBeforeRouting)]),
              ]),
            )
            .then(1)
            .else(0)
            .end(),
        )
        .as('requests'),
      expression.fn
        .sum<number | string | null>(
          expression
            .case()
            .when('at', '>=', since)
            .then(expression(expression.ref('prompt_tokens'), '+', expression.ref('completion_tokens')))
            .else(0)
            .end(),
        )
        .as('tokens'),
    ])
    .executeTakeFirst();
  return { spentUsd: Number(row?.spent ?? 0), requests: Number(row?.requests ?? 0), tokens: Number(row?.tokens ?? 0) };
}
