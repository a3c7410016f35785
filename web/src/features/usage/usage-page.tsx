import { useResource } from '../../api/use-resource.js';
import { formatNumber, formatTime } from '../../components/format.js';
import { Badge, EmptyState, ErrorNotice, Loading } from '../../components/status.js';
import { TableScroll } from '../../components/table-scroll.js';
import { useDocumentTitle } from '../../components/use-document-title.js';
import { navigate, useLocation } from '../../router.js';
import { UsageCharts } from './usage-charts.js';
import { filterNames, UsageFilters } from './usage-filters.js';
import type { RequestRecord, UsageRow } from './usage-types.js';

/** `/usage`: usage over time by key and deployment (chart and table) and the filtered request log. */
export function UsagePage() {
  useDocumentTitle('Usage');
  const { query } = useLocation();
  const usageQuery = new URLSearchParams();
  const logQuery = new URLSearchParams({ limit: '100' });
  for (const name of filterNames) {
    const value = query.get(name);
    if (!value) continue;
    if (name !== 'status') usageQuery.set(name, value);
    logQuery.set(name, value);
  }
  if (query.get('errors') === 'true') logQuery.set('errors', 'true');
  const usage = useResource<{ data: UsageRow[] }>(`/api/usage?${usageQuery}`);
  const logs = useResource<{ data: RequestRecord[] }>(`/api/logs?${logQuery}`);
  // The hourly chart reads the unfiltered-by-status log of the same range (up to 1,000 requests).
  const timeline = useResource<{ data: RequestRecord[] }>(`/api/logs?${new URLSearchParams([...usageQuery, ['limit', '1000']])}`);
  const rows = usage.data?.data ?? [];
  const totals = rows.reduce(
    (sum, row) => ({
      requests: sum.requests + row.requests,
      tokens: sum.tokens + row.promptTokens + row.completionTokens,
      cost: sum.cost + (row.costUsd ?? 0),
      errors: sum.errors + row.errors,
    }),
    { requests: 0, tokens: 0, cost: 0, errors: 0 },
  );

  return (
    <>
      <h1>Usage</h1>
      <p className="subtitle">
        Every request through <code>/v1</code>: tokens, cost, latency and time to first token.
      </p>
      <UsageFilters query={query} onApply={(next) => navigate(`/usage${next.size ? `?${next}` : ''}`, { replace: true })} />
      {(usage.error || logs.error) && <ErrorNotice error={(usage.error ?? logs.error)!} />}
      {!usage.data && usage.loading && <Loading />}
      {usage.data && rows.length === 0 && <EmptyState title="No usage yet">Requests through /v1 show here within a second.</EmptyState>}
      {rows.length > 0 && (
        <>
          <dl className="key-specs">
            <div>
              <dt>Requests</dt>
              <dd data-testid="total-requests">{totals.requests}</dd>
            </div>
            <div>
              <dt>Errors</dt>
              <dd>{totals.errors}</dd>
            </div>
            <div>
              <dt>Tokens</dt>
              <dd>{formatNumber(totals.tokens, 0)}</dd>
            </div>
            <div>
              <dt>Cost (priced)</dt>
              <dd>{rows.some((row) => row.costUsd !== null) ? `$${formatNumber(totals.cost, 4)}` : 'unpriced'}</dd>
            </div>
          </dl>
          <UsageCharts
            rows={rows}
            records={timeline.data?.data ?? []}
            keyNames={new Map(rows.flatMap((row) => (row.keyId && row.keyName ? [[row.keyId, row.keyName] as const] : [])))}
          />
          <h2>By day, key and deployment</h2>
          <TableScroll label="Usage by day, key and deployment">
            <table>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">Key</th>
                  <th scope="col">Deployment</th>
                  <th className="number">Requests</th>
                  <th className="number">Errors</th>
                  <th className="number">Prompt tokens</th>
                  <th className="number">Completion tokens</th>
                  <th className="number">Cost</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={`${row.day}:${row.keyId}:${row.deployment}`}>
                    <td>{row.day}</td>
                    <td className="cell-wrap">{row.keyName ?? (row.keyId ? row.keyId : <span className="muted">admin key</span>)}</td>
                    <td className="cell-wrap">{row.deployment}</td>
                    <td className="number">{row.requests}</td>
                    <td className="number">{row.errors}</td>
                    <td className="number">{row.promptTokens}</td>
                    <td className="number">{row.completionTokens}</td>
                    <td className="number">{row.costUsd === null ? <Badge>unpriced</Badge> : `$${row.costUsd.toFixed(6)}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
      <h2>Request log</h2>
      <p className="row">
        <label>
          <input
            type="checkbox"
            checked={query.get('errors') === 'true'}
            onChange={(event) => {
              const next = new URLSearchParams(query);
              if (event.target.checked) next.set('errors', 'true');
              else next.delete('errors');
              navigate(`/usage${next.size ? `?${next}` : ''}`, { replace: true });
            }}
          />{' '}
          Errors only
        </label>
      </p>
      {logs.data && (
        <TableScroll label="Request log">
          <table data-testid="request-log">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Deployment</th>
                <th scope="col">Operation</th>
                <th scope="col">Status</th>
                <th className="number">Tokens in / out</th>
                <th className="number">Latency</th>
                <th className="number">TTFT</th>
                <th className="number">Overhead</th>
                <th className="number">Cost</th>
              </tr>
            </thead>
            <tbody>
              {logs.data.data.length === 0 && (
                <tr>
                  <td colSpan={9} className="muted">
                    No requests match.
                  </td>
                </tr>
              )}
              {logs.data.data.map((record) => (
                <tr key={record.id} data-deployment={record.deployment}>
                  <td className="muted">{formatTime(record.at)}</td>
                  <td className="cell-wrap">{record.deployment}</td>
                  <td>
                    {record.operation}
                    {record.stream ? ' (stream)' : ''}
                  </td>
                  <td>
                    <Badge tone={record.status < 400 ? 'good' : 'bad'}>{record.status}</Badge> {record.error_code ?? ''}
                  </td>
                  <td className="number">
                    {record.prompt_tokens} / {record.completion_tokens}
                  </td>
                  <td className="number">{formatNumber(record.latency_ms, 1)} ms</td>
                  <td className="number">{record.ttft_ms === null ? '-' : `${formatNumber(record.ttft_ms, 1)} ms`}</td>
                  <td className="number">{formatNumber(record.overhead_ms, 2)} ms</td>
                  <td className="number">{record.cost_usd === null ? 'unpriced' : `$${record.cost_usd.toFixed(6)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </>
  );
}
