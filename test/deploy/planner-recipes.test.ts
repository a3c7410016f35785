import { describe, expect, it } from 'vitest';
import { findArchitecture } from '../../src/deploy/planner/architecture-source.js';
import { formatPlan } from '../../src/deploy/planner/format-plan.js';
import { planDeployment } from '../../src/deploy/planner/plan-deployment.js';
import { recipeFor } from '../../src/deploy/recipes/recipe-for.js';
import { runCli } from '../support/run-cli.js';

const deepseek = () => findArchitecture('deepseek-v3');

describe('engine recipes', () => {
  it('vLLM on one node: TP 8 with expert parallel for DeepSeek-V3 FP8 on 8 × H200', async () => {
    const plan = planDeployment({ spec: await deepseek(), model: 'deepseek-v3', gpu: 'h200', dtype: 'fp8', context: 32_768 });
    const recipe = recipeFor(plan);
    expect(recipe.nodes).toHaveLength(1);
    expect(recipe.nodes[0].argv).toEqual([
      'vllm',
      'serve',
      'deepseek-ai/DeepSeek-V3',
      '--served-model-name',
      'deepseek-v3',
      '--host',
      '127.0.0.1',
      '--port',
      '8000',
      '--tensor-parallel-size',
      '8',
      '--enable-expert-parallel',
      '--max-model-len',
      '32768',
      '--max-num-seqs',
      String(plan.concurrentSequences),
      '--gpu-memory-utilization',
      '0.9',
      '--trust-remote-code',
    ]);
    expect(recipe).toMatchObject({ port: 8000, healthPath: '/health', image: 'vllm/vllm-openai:latest' });
  });

  it('vLLM on 2 × 8 H100: a Ray cluster, TP 8 × PP 2', async () => {
    const plan = planDeployment({ spec: await deepseek(), model: 'deepseek-v3', gpu: 'h100', dtype: 'fp8' });
    const [leader, worker] = recipeFor(plan).nodes;
    expect(leader.argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(leader.argv[2]).toMatch(/^ray start --head --port=6379 && vllm serve deepseek-ai\/DeepSeek-V3 /);
    expect(leader.argv[2]).toContain(
      '--tensor-parallel-size 8 --pipeline-parallel-size 2 --distributed-executor-backend ray --enable-expert-parallel',
    );
    expect(worker).toEqual({ role: 'worker', rank: 1, argv: ['sh', '-c', 'ray start --address=LEADER_IP:6379 --block'] });
  });

  it('SGLang on 2 × 8 H100: the DeepSeek-V3 README’s flags, one rank per node', async () => {
    const plan = planDeployment({ spec: await deepseek(), model: 'deepseek-v3', gpu: 'h100', dtype: 'fp8', engine: 'sglang' });
    const recipe = recipeFor(plan);
    expect(recipe.nodes.map((node) => node.role)).toEqual(['leader', 'worker']);
    for (const node of recipe.nodes) {
      const command = node.argv.join(' ');
      expect(command).toMatch(/^python3 -m sglang\.launch_server --model-path deepseek-ai\/DeepSeek-V3 /);
      expect(command).toContain(`--tp 16 --ep-size 16 --dist-init-addr LEADER_IP:5000 --nnodes 2 --node-rank ${node.rank}`);
      expect(command).toContain('--trust-remote-code');
    }
    expect(recipe.shell).toContain('# node 1 (worker)');
  });

  it('quantizes a BF16 checkpoint to FP8 online, and asks for another checkpoint for int4', async () => {
    const llama = planDeployment({ spec: await findArchitecture('llama-3.1-405b-instruct'), model: 'llama', gpu: 'h100', dtype: 'fp8' });
    expect(llama.checkpointDtype).toBe('bf16');
    expect(recipeFor(llama).nodes[0].argv.join(' ')).toContain('--quantization fp8');
    const native = planDeployment({ spec: await deepseek(), model: 'deepseek-v3', gpu: 'h200', dtype: 'fp8', engine: 'sglang' });
    expect(recipeFor(native).nodes[0].argv).not.toContain('--quantization');
    const int4 = recipeFor(
      planDeployment({ spec: await findArchitecture('qwen2.5-72b-instruct'), model: 'qwen', gpu: 'l40s', dtype: 'int4' }),
    );
    expect(int4.nodes[0].argv).not.toContain('--quantization');
    expect(int4.notes).toContain(
      'The plan serves int4 weights but the checkpoint ships bf16: point the engine at a checkpoint in int4 (converted or quantized).',
    );
  });

  it('llama-server: -c covers every slot, all layers offloaded, split by layer', async () => {
    const plan = planDeployment({
      spec: await findArchitecture('qwen2.5-72b-instruct'),
      model: 'qwen2.5-72b-instruct',
      gpu: 'rtx-4090',
      dtype: 'q4_k_m',
      context: 8192,
      concurrency: 2,
    });
    expect(plan).toMatchObject({ engine: 'llama-server', split: 'layer', fits: true });
    expect(plan.gpuCount).toBeGreaterThan(1);
    const argv = recipeFor(plan, { model: '/models/qwen2.5-72b-instruct-q4_k_m.gguf' }).nodes[0].argv;
    const parallel = Number(argv[argv.indexOf('--parallel') + 1]);
    expect(parallel).toBeGreaterThanOrEqual(2);
    expect(argv.slice(0, 7)).toEqual([
      'llama-server',
      '-m',
      '/models/qwen2.5-72b-instruct-q4_k_m.gguf',
      '-c',
      String(8192 * parallel),
      '-ngl',
      '999',
    ]);
    expect(argv).toEqual(expect.arrayContaining(['--host', '127.0.0.1', '--port', '8080', '--split-mode', 'layer']));
  });

  it('Ollama: a Modelfile with num_ctx and the parallel slots in its environment', async () => {
    const plan = planDeployment({
      spec: await findArchitecture('qwen2.5-72b'),
      model: 'qwen2.5-72b',
      gpu: 'h100',
      dtype: 'q4_k_m',
      engine: 'ollama',
      context: 16_384,
    });
    const recipe = recipeFor(plan, { model: './qwen2.5-72b-q4_k_m.gguf' });
    expect(recipe.files).toEqual([
      { name: 'Modelfile', content: 'FROM ./qwen2.5-72b-q4_k_m.gguf\nPARAMETER num_ctx 16384\nPARAMETER num_gpu 999\n' },
    ]);
    expect(recipe.env.OLLAMA_NUM_PARALLEL).toBe(String(Math.min(16, plan.concurrentSequences)));
    expect(recipe.shell).toEqual(expect.arrayContaining(['ollama create qwen2.5-72b -f Modelfile', 'ollama run qwen2.5-72b']));
  });

  it('binds every engine to 127.0.0.1, where the gateway keys guard it, unless another host is asked for', async () => {
    const plans = [
      planDeployment({ spec: await deepseek(), model: 'deepseek-v3', gpu: 'h200', dtype: 'fp8', engine: 'vllm' }),
      planDeployment({ spec: await deepseek(), model: 'deepseek-v3', gpu: 'h200', dtype: 'fp8', engine: 'sglang' }),
      planDeployment({
        spec: await findArchitecture('qwen2.5-72b'),
        model: 'qwen2.5-72b',
        gpu: 'h100',
        dtype: 'q4_k_m',
        engine: 'llama-server',
      }),
      planDeployment({ spec: await findArchitecture('qwen2.5-72b'), model: 'qwen2.5-72b', gpu: 'h100', dtype: 'q4_k_m', engine: 'ollama' }),
    ];
    const bound = (host?: string) =>
      plans.map((plan) => {
        const recipe = recipeFor(plan, { host });
        const argv = recipe.nodes[0].argv;
        return `${plan.engine} ${recipe.env.OLLAMA_HOST ?? argv[argv.indexOf('--host') + 1]}`;
      });
    expect(bound()).toEqual(['vllm 127.0.0.1', 'sglang 127.0.0.1', 'llama-server 127.0.0.1', 'ollama 127.0.0.1:11434']);
    expect(bound('0.0.0.0')).toEqual(['vllm 0.0.0.0', 'sglang 0.0.0.0', 'llama-server 0.0.0.0', 'ollama 0.0.0.0:11434']);
    expect(recipeFor(plans[0]).shell.join('\n')).toContain('--host 127.0.0.1 --port 8000');
  });

  it('devup plan --host puts the printed launch command on that address', async () => {
    const printed = await runCli(['plan', 'deepseek-v3', '--gpu', 'h200', '--host', '0.0.0.0']);
    expect(printed.exitCode).toBe(0);
    expect(printed.stdout).toContain('--host 0.0.0.0 --port 8000');
    expect((await runCli(['plan', 'deepseek-v3', '--gpu', 'h200'])).stdout).toContain('--host 127.0.0.1 --port 8000');
  });

  it('Ollama stays on one node: a model beyond it does not fit', async () => {
    const plan = planDeployment({
      spec: await findArchitecture('llama-3.1-405b'),
      model: 'llama-3.1-405b',
      gpu: 'rtx-4090',
      dtype: 'q4_k_m',
      engine: 'ollama',
    });
    expect(plan.fits).toBe(false);
    expect(plan.nodes).toBe(1);
  });

  it('prints a readable report with a memory bar', async () => {
    const plan = planDeployment({ spec: await deepseek(), model: 'deepseek-v3', gpu: 'h200', dtype: 'fp8' });
    const text = formatPlan(plan, recipeFor(plan));
    expect(text).toContain('70,272 bytes/token');
    expect(text).toContain('8 × h200 = 1 node × 8 GPUs · TP 8 × EP 8 · vllm');
    expect(text).toMatch(/per GPU +\[W+R*K+·*\]/);
    expect(text).toContain('vllm serve deepseek-ai/DeepSeek-V3');
  });
});
