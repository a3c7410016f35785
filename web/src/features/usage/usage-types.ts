/** `GET /api/usage`: totals per UTC day, key and deployment. */
export interface UsageRow {
  day: string;
  keyId: string | null;
  keyName: string | null;
  deployment: string;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number | null;
  unpricedRequests: number;
}

/** `GET /api/logs`: one record per `/v1` request, newest first. */
export interface RequestRecord {
  id: number;
  request_id: string;
  at: string;
  key_id: string | null;
  deployment: string;
  upstream_model: string | null;
  operation: string;
  stream: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number | null;
  status: number;
  error_code: string | null;
  latency_ms: number;
  ttft_ms: number | null;
  overhead_ms: number;
}
