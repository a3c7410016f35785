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
  }>;
  createdAt: string;
  updatedAt: string;
}
