import { DevupError } from '../../errors.js';

export interface GpuModel {
  id: string;
  name: string;
  vendor: 'nvidia' | 'amd';
  /** Memory the driver reports (nvidia-smi's total, in MiB × 2^20); the marketed "80GB" is about GiB. */
  memoryBytes: number;
  /** GPUs in one server of the usual build (HGX/DGX/OAM boards: 8). */
  gpusPerNode: number;
  /** Kubernetes extended resource name of the device plugin. */
  resource: 'nvidia.com/gpu' | 'amd.com/gpu';
  /** Native FP8 tensor cores (Hopper, Ada, Blackwell, CDNA3); older GPUs run FP8 weights through slower paths. */
  fp8: boolean;
}

const mebibytes = 1024 ** 2;

/**
 * The GPUs the planner knows.
 *
 * @example findGpu('h200').memoryBytes // 143771 MiB ≈ 150.8e9 ("141 GB")
 */
export const gpuCatalog: readonly GpuModel[] = [
  {
    id: 'b200',
    name: 'NVIDIA B200',
    vendor: 'nvidia',
    memoryBytes: 183359 * mebibytes,
    gpusPerNode: 8,
    resource: 'nvidia.com/gpu',
    fp8: true,
  },
  {
    id: 'h200',
    name: 'NVIDIA H200',
    vendor: 'nvidia',
    memoryBytes: 143771 * mebibytes,
    gpusPerNode: 8,
    resource: 'nvidia.com/gpu',
    fp8: true,
  },
  {
    id: 'h100',
    name: 'NVIDIA H100 80GB',
    vendor: 'nvidia',
    memoryBytes: 81559 * mebibytes,
    gpusPerNode: 8,
    resource: 'nvidia.com/gpu',
    fp8: true,
  },
  {
    id: 'h800',
    name: 'NVIDIA H800',
    vendor: 'nvidia',
    memoryBytes: 81559 * mebibytes,
    gpusPerNode: 8,
    resource: 'nvidia.com/gpu',
    fp8: true,
  },
  {
    id: 'h20',
    name: 'NVIDIA H20',
    vendor: 'nvidia',
    memoryBytes: 97871 * mebibytes,
    gpusPerNode: 8,
    resource: 'nvidia.com/gpu',
    fp8: true,
  },
  {
    id: 'a100-80g',
    name: 'NVIDIA A100 80GB',
    vendor: 'nvidia',
    memoryBytes: 81920 * mebibytes,
    gpusPerNode: 8,
    resource: 'nvidia.com/gpu',
    fp8: false,
  },
  {
    id: 'a100-40g',
    name: 'NVIDIA A100 40GB',
    vendor: 'nvidia',
    memoryBytes: 40960 * mebibytes,
    gpusPerNode: 8,
    resource: 'nvidia.com/gpu',
    fp8: false,
  },
  {
    id: 'l40s',
    name: 'NVIDIA L40S',
    vendor: 'nvidia',
    memoryBytes: 46068 * mebibytes,
    gpusPerNode: 8,
    resource: 'nvidia.com/gpu',
    fp8: true,
  },
  { id: 'l4', name: 'NVIDIA L4', vendor: 'nvidia', memoryBytes: 23034 * mebibytes, gpusPerNode: 8, resource: 'nvidia.com/gpu', fp8: true },
  {
    id: 'a10g',
    name: 'NVIDIA A10G',
    vendor: 'nvidia',
    memoryBytes: 23028 * mebibytes,
    gpusPerNode: 8,
    resource: 'nvidia.com/gpu',
    fp8: false,
  },
  {
    id: 'rtx-4090',
    name: 'NVIDIA GeForce RTX 4090',
    vendor: 'nvidia',
    memoryBytes: 24564 * mebibytes,
    gpusPerNode: 4,
    resource: 'nvidia.com/gpu',
    fp8: true,
  },
  {
    id: 'rtx-5090',
    name: 'NVIDIA GeForce RTX 5090',
    vendor: 'nvidia',
    memoryBytes: 32607 * mebibytes,
    gpusPerNode: 4,
    resource: 'nvidia.com/gpu',
    fp8: true,
  },
  {
    id: 'mi300x',
    name: 'AMD Instinct MI300X',
    vendor: 'amd',
    memoryBytes: 196592 * mebibytes,
    gpusPerNode: 8,
    resource: 'amd.com/gpu',
    fp8: true,
  },
  {
    id: 'mi325x',
    name: 'AMD Instinct MI325X',
    vendor: 'amd',
    memoryBytes: 262128 * mebibytes,
    gpusPerNode: 8,
    resource: 'amd.com/gpu',
    fp8: true,
  },
];

export function findGpu(id: string): GpuModel {
  const gpu = gpuCatalog.find((candidate) => candidate.id === id.toLowerCase());
  if (gpu) return gpu;
  throw new DevupError('invalid_request', `Unknown GPU '${id}'; known: ${gpuCatalog.map((candidate) => candidate.id).join(', ')}`, {
    param: 'gpu',
  });
}
