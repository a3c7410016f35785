import { Ajv, type ValidateFunction } from 'ajv';
import deployment from '../../src/deploy/kubernetes/schemas/deployment-apps-v1.json' with { type: 'json' };
import inferenceService from '../../src/deploy/kubernetes/schemas/inferenceservice-v1beta1.json' with { type: 'json' };
import leaderWorkerSet from '../../src/deploy/kubernetes/schemas/leaderworkerset-v1.json' with { type: 'json' };
import persistentVolumeClaim from '../../src/deploy/kubernetes/schemas/persistentvolumeclaim-v1.json' with { type: 'json' };
import service from '../../src/deploy/kubernetes/schemas/service-v1.json' with { type: 'json' };

// The vendored schemas (see schemas/SOURCES.md) carry Kubernetes' own formats (int32, int64) and
// nullable union types; ajv checks types, enums, required fields and unknown keys.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validators: Record<string, ValidateFunction> = {
  Deployment: ajv.compile(deployment),
  Service: ajv.compile(service),
  PersistentVolumeClaim: ajv.compile(persistentVolumeClaim),
  LeaderWorkerSet: ajv.compile(leaderWorkerSet),
  InferenceService: ajv.compile(inferenceService),
};

/** Validates one manifest against its kind's schema; returns ajv's errors as readable lines. */
export function schemaErrors(manifest: object): string[] {
  const kind = (manifest as { kind?: string }).kind ?? '';
  const validate = validators[kind];
  if (!validate) return [`no schema for kind ${kind}`];
  return validate(manifest)
    ? []
    : (validate.errors ?? []).map((error) => `${kind}${error.instancePath}: ${error.message} ${JSON.stringify(error.params)}`);
}
