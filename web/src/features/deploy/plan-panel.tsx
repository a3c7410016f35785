import { useEffect, useState } from 'react';
import { request } from '../../api/client.js';
import { formatBytes, formatNumber } from '../../components/format.js';
import { ErrorNotice, Loading } from '../../components/status.js';

export interface PlanRequest {
  model: string;
  gpu: string;
  dtype: string;
  engine: string;
}

/** The parts of the planner's answer (`POST /api/plan`) that the wizard shows. */
export interface Plan {
  weightsBytes: number;
  kvBytesPerToken: number;
  minGpus: number;
  gpuCount: number;
  nodes: number;
  gpusPerNode: number;
  tensorParallel: number;
  fits: boolean;
  context: number;
  concurrentSequences: number;
  gpu: { name: string };
  shortfall?: { message: string };
  alternatives: Array<{ gpu: string; dtype: string; gpuCount: number; nodes: number }>;
  notes: string[];
  recipe: { engine: string; port: number; shell: string[]; nodes: Array<{ role: string; argv: string[] }> } | null;
}

/** Asks the planner what the model needs on the chosen GPU, dtype and engine. */
export function PlanPanel({ planRequest, onPlan }: { planRequest: PlanRequest; onPlan?(plan: Plan | undefined): void }) {
  const [plan, setPlan] = useState<Plan>();
  const [error, setError] = useState<Error>();
  const key = JSON.stringify(planRequest);
  useEffect(() => {
    const controller = new AbortController();
    setPlan(undefined);
    setError(undefined);
    onPlan?.(undefined);
    request<Plan>('/api/plan', { method: 'POST', body: planRequest, signal: controller.signal }).then(
      (answer) => (setPlan(answer), onPlan?.(answer)),
      (failure: Error) => !controller.signal.aborted && setError(failure),
    );
    return () => controller.abort();
    // `key` (the serialized request) stands for the request object, rebuilt on every render.
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
            {plan.nodes} node{plan.nodes === 1 ? '' : 's'} × {plan.gpusPerNode} {plan.gpu.name} (TP {plan.tensorParallel})
          </dd>
        </div>
        <div>
          <dt>Sequences at {formatNumber(plan.context, 0)} tokens</dt>
          <dd>{formatNumber(plan.concurrentSequences, 0)}</dd>
        </div>
      </dl>
      {!plan.fits && plan.shortfall && <p className="notice notice-warn">{plan.shortfall.message}</p>}
      {plan.alternatives.length > 0 && (
        <p className="plan-note">
          Would fit:{' '}
          {plan.alternatives
            .map(
              (alternative) =>
                `${alternative.gpuCount}× ${alternative.gpu} (${alternative.dtype}, ${alternative.nodes} node${alternative.nodes === 1 ? '' : 's'})`,
            )
            .join(' · ')}
        </p>
      )}
      {plan.recipe && (
        <>
          <h4>Launch command ({plan.recipe.engine})</h4>
          <pre className="log">{plan.recipe.shell.join('\n')}</pre>
        </>
      )}
      {plan.notes.map((note) => (
        <p key={note} className="plan-note">
          {note}
        </p>
      ))}
    </div>
  );
}
