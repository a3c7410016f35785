import { useEffect, useState } from 'react';
import { request } from '../../api/client.js';
import { formatBytes, formatNumber } from '../../components/format.js';
import { ErrorNotice, Loading } from '../../components/status.js';

export interface PlanRequest {
  model: string;
  gpu: string;
  dtype: string;
  context?: number;
  concurrency?: number;
}

/** A subset of the planner's answer (`POST /api/plan`) that the wizard shows. */
interface Plan {
  weightsBytes: number;
  kvBytesPerToken: number;
  minGpus: number;
  gpuCount: number;
  nodes: number;
  gpusPerNode: number;
  tensorParallel: number;
  fits?: boolean;
  concurrentSequences?: number;
  gpu?: { name: string };
  shortfall?: { message: string };
  notes?: string[];
}

/** Asks the planner what the model needs on the chosen GPU and dtype. */
export function PlanPanel({ planRequest }: { planRequest: PlanRequest }) {
  const [plan, setPlan] = useState<Plan>();
  const [error, setError] = useState<Error>();
  const key = JSON.stringify(planRequest);
  useEffect(() => {
    const controller = new AbortController();
    setPlan(undefined);
    setError(undefined);
    request<Plan>('/api/plan', { method: 'POST', body: planRequest, signal: controller.signal }).then(setPlan, (failure: Error) => !controller.signal.aborted && setError(failure));
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  if (error) return <ErrorNotice error={error} />;
  if (!plan) return <Loading label="Planning hardware…" />;
  return (
    <div className="plan" data-testid="plan">
      <dl>
        <div>
          <dt>Weights</dt>
          <dd>{formatBytes(plan.weightsBytes)}</dd>
        </div>
        <div>
          <dt>KV cache per token</dt>
          <dd>{formatNumber(plan.kvBytesPerToken, 0)} bytes</dd>
        </div>
        <div>
          <dt>Fewest GPUs for weights</dt>
          <dd>{plan.minGpus}</dd>
        </div>
        <div>
          <dt>Layout</dt>
          <dd>
            {plan.nodes} × {plan.gpusPerNode} {plan.gpu?.name ?? ''} (TP {plan.tensorParallel})
          </dd>
        </div>
        {plan.concurrentSequences !== undefined && (
          <div>
            <dt>Concurrent sequences</dt>
            <dd>{formatNumber(plan.concurrentSequences, 0)}</dd>
          </div>
        )}
      </dl>
      {plan.shortfall && <p className="notice notice-warn">{plan.shortfall.message}</p>}
      {plan.notes?.map((note) => (
        <p key={note} className="table-note">
          {note}
        </p>
      ))}
    </div>
  );
}
