/** `GET /api/deployments/:name` (the deploy area's DeploymentView). */
export interface DeploymentDetails {
  id: string;
  name: string;
  model: string | null;
  desiredState: string;
  state: string;
  reason: string | null;
  fallbacks: string[];
  pricing: { inputPerMillion: number; outputPerMillion: number } | null;
  targets: Array<{
    id: string;
    label: string;
    kind: string;
    weight: number;
    status: string;
    address: string | null;
    detail: string | null;
    /** A download under way while the target starts (a hub variant being pulled). */
    progress: TargetProgress | null;
  }>;
  createdAt: string;
  updatedAt: string;
}

export interface TargetProgress {
  phase: 'pulling';
  label: string;
  receivedBytes: number;
  totalBytes: number | null;
  bytesPerSecond: number;
}
