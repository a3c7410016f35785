import { useState, type FormEvent } from 'react';
import { ApiError, request } from '../../api/client.js';
import type { Model, ModelDownload } from '../../api/types.js';
import { formatBytes, formatContext } from '../../components/format.js';
import { useDocumentTitle } from '../../components/use-document-title.js';
import type { DeploymentDetails } from './deployment-details.js';
import { useResource } from '../../api/use-resource.js';
import { Link, navigate, useLocation } from '../../router.js';
import { PlanPanel, type Plan } from './plan-panel.js';
import { dtypeChoices, engineChoices, gpuChoices, targetKinds } from './target-kinds.js';

/** A deployment name from the model id (`deepseek-v3`, a variant's `stories260k-gguf-q8_0`), else a file's base name. */
function suggestName(modelId: string | undefined, quant: string | undefined, file: string): string {
  const base =
    (modelId && quant ? `${modelId}-${quant}` : modelId) ??
    file
      .split('/')
      .pop()
      ?.replace(/\.gguf$/i, '') ??
    '';
  return base
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The target the wizard opens on: a library model with weights opens on a managed process, so its
 * hardware plan and launch command are in view; an API-only one on an endpoint; no model on a GGUF file.
 */
function initialKind(modelId: string | undefined, openWeights: boolean | undefined, hubVariant: boolean): string {
  if (!modelId || hubVariant) return 'embedded';
  return openWeights === false ? 'endpoint' : 'process';
}

/** The GGUF variant a model page's Deploy asked for (`?source=hf:OWNER/REPO@REV&quant=Q8_0`), with its files when the card lists it. */
function useHubVariant(model: Model | undefined): { source: string; quant: string; download?: ModelDownload } | undefined {
  const { query } = useLocation();
  const source = query.get('source');
  const quant = query.get('quant');
  if (!source || !quant) return undefined;
  const download = model?.downloads.find((entry) => `hf:${entry.repo}@${entry.revision}` === source && entry.label === quant);
  return { source, quant, download };
}

/**
 * `/models/:id/deploy` and `/deploy`: choose a target, see the plan, name it, create it. From a
 * GGUF variant's Deploy it opens on the embedded target, which pulls the variant when it starts.
 */
export function DeployWizard({ modelId }: { modelId?: string }) {
  const model = useResource<Model>(modelId ? `/api/models/${encodeURIComponent(modelId)}` : null);
  const hubVariant = useHubVariant(model.data);
  const [chosenKind, setKind] = useState<string>();
  const kind = chosenKind ?? initialKind(modelId, model.data?.openWeights, hubVariant !== undefined);
  const fromHub = kind === 'embedded' && hubVariant !== undefined;
  const title = `Deploy ${model.data?.name ?? modelId ?? 'a model'}`;
  useDocumentTitle(title);
  const [values, setValues] = useState<Record<string, string>>({});
  const [name, setName] = useState('');
  const [gpu, setGpu] = useState('h200');
  const [dtype, setDtype] = useState('fp8');
  const [engine, setEngine] = useState('vllm');
  const [plan, setPlan] = useState<Plan>();
  const [errors, setErrors] = useState<string[]>([]);
  const [creating, setCreating] = useState(false);
  const target = targetKinds.find((entry) => entry.kind === kind) ?? targetKinds[0];
  const effectiveName = name || suggestName(modelId, hubVariant?.quant, values['embedded.file'] ?? '');
  // A variant from the hub replaces the file: the target pulls it.
  const fields = target.fields.filter((field) => !(fromHub && field.name === 'file'));
  const useRecipe = () => {
    const argv = plan?.recipe?.nodes[0]?.argv;
    if (!argv) return;
    // The gateway picks the port of a managed process: the recipe's port becomes {port}.
    const args = argv.slice(1).map((word, index, all) => (all[index - 1] === '--port' || all[index - 1] === '-p' ? '{port}' : word));
    setValues({ ...values, 'process.command': argv[0], 'process.args': args.join(' ') });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors([]);
    setCreating(true);
    const spec: Record<string, unknown> = {};
    let secret: string | undefined;
    for (const field of fields) {
      const value = values[`${kind}.${field.name}`]?.trim();
      if (!value) continue;
      if (field.secret) secret = value;
      else spec[field.name] = field.words ? value.split(/\s+/) : field.numeric ? Number(value) : value;
    }
    if (fromHub) Object.assign(spec, { source: hubVariant.source, quant: hubVariant.quant });
    // A cluster target is sized by the plan; a local process runs the command it is given.
    if (kind === 'kubernetes') Object.assign(spec, { gpu, dtype, engine });
    try {
      const created = await request<DeploymentDetails>('/api/deployments', {
        method: 'POST',
        body: { name: effectiveName, ...(modelId ? { model: modelId } : {}), targets: [{ kind, spec, ...(secret ? { secret } : {}) }] },
      });
      navigate(`/deployments/${encodeURIComponent(created.name)}`);
    } catch (failure) {
      const details = failure instanceof ApiError ? failure.details : [];
      setErrors(
        details.length ? details.map((detail) => `${detail.path.replace(/^body\./, '')}: ${detail.message}`) : [(failure as Error).message],
      );
    } finally {
      setCreating(false);
    }
  };

  return (
    <form onSubmit={submit} aria-labelledby="deploy-title">
      <p className="breadcrumb">
        {modelId ? <Link to={`/models/${modelId}`}>{model.data?.name ?? modelId}</Link> : <Link to="/deployments">Deployments</Link>} /
        Deploy
      </p>
      <h1 id="deploy-title">{title}</h1>
      <p className="subtitle">
        The deployment’s name is the <code>model</code> your clients send to the gateway.
      </p>

      <section className="panel">
        <h2>1. Target</h2>
        <fieldset className="target-options">
          <legend className="visually-hidden">Where the model runs</legend>
          {targetKinds.map((entry) => (
            <label key={entry.kind} className="target-option">
              <input type="radio" name="target" value={entry.kind} checked={kind === entry.kind} onChange={() => setKind(entry.kind)} />
              <div>
                <strong>{entry.title}</strong>
                <span>{entry.summary}</span>
              </div>
            </label>
          ))}
        </fieldset>
      </section>

      <section className="panel">
        <h2>2. Configure {target.title.toLowerCase()}</h2>
        {fromHub && (
          <p className="notice notice-info" data-testid="hub-variant">
            Pulls <strong>{hubVariant.quant}</strong> of <code>{hubVariant.source.replace(/^hf:/, '')}</code>
            {hubVariant.download &&
              ` (${hubVariant.download.files.length} file${hubVariant.download.files.length > 1 ? 's' : ''}, ${formatBytes(hubVariant.download.bytes)})`}{' '}
            into the gateway’s models folder when the deployment starts (the deployment page shows the download), then loads it. A variant
            pulled before is used as it is.
          </p>
        )}
        <div className="form-grid">
          {fields.map((field) => {
            const id = `field-${kind}-${field.name}`;
            const valueKey = `${kind}.${field.name}`;
            return (
              <div key={valueKey} className="field">
                <label htmlFor={id}>{field.label}</label>
                <input
                  id={id}
                  type={field.secret ? 'password' : field.numeric ? 'number' : 'text'}
                  placeholder={
                    field.name === 'contextSize' && model.data?.contextLength
                      ? `up to ${formatContext(model.data.contextLength)} (${model.data.contextLength} tokens, trained)`
                      : field.placeholder
                  }
                  required={field.required}
                  value={values[valueKey] ?? ''}
                  onChange={(event) => setValues({ ...values, [valueKey]: event.target.value })}
                />
                {field.hint && <span className="field-hint">{field.hint}</span>}
              </div>
            );
          })}
          {target.planned && (
            <>
              <div className="field">
                <label htmlFor="plan-engine">Engine</label>
                <select id="plan-engine" value={engine} onChange={(event) => setEngine(event.target.value)}>
                  {engineChoices.map((choice) => (
                    <option key={choice}>{choice}</option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="plan-gpu">GPU</label>
                <select id="plan-gpu" value={gpu} onChange={(event) => setGpu(event.target.value)}>
                  {gpuChoices.map((choice) => (
                    <option key={choice}>{choice}</option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="plan-dtype">Weights dtype</label>
                <select id="plan-dtype" value={dtype} onChange={(event) => setDtype(event.target.value)}>
                  {dtypeChoices.map((choice) => (
                    <option key={choice}>{choice}</option>
                  ))}
                </select>
              </div>
            </>
          )}
        </div>
        {target.planned && modelId && (
          <>
            <h3>Hardware plan</h3>
            <PlanPanel planRequest={{ model: modelId, gpu, dtype, engine }} onPlan={setPlan} />
            {kind === 'process' && plan?.recipe && (
              <button type="button" className="button" onClick={useRecipe}>
                Use this launch command
              </button>
            )}
          </>
        )}
      </section>

      <section className="panel">
        <h2>3. Name and create</h2>
        <div className="field">
          <label htmlFor="deployment-name">Deployment name</label>
          <input
            id="deployment-name"
            value={effectiveName}
            onChange={(event) => setName(event.target.value)}
            required
            maxLength={128}
            // Compiled with the `v` flag: `/` and `-` are escaped inside the class.
            pattern="[A-Za-z0-9][A-Za-z0-9._:@\/\-]*"
          />
          <span className="field-hint">Letters, digits and . _ : @ / -</span>
        </div>
        {errors.length > 0 && (
          <div className="notice notice-error" role="alert">
            <strong>The deployment was not created:</strong>
            <ul>
              {errors.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          </div>
        )}
        <button className="button button-primary" type="submit" disabled={creating || !effectiveName}>
          {creating ? 'Creating…' : 'Create deployment'}
        </button>
      </section>
    </form>
  );
}
