/** How long a provider waits on one upstream: to connect, for the first byte, and between body bytes. */
export interface TargetTimeouts {
  connectMs: number;
  firstByteMs: number;
  idleMs: number;
}

export const defaultTimeouts: TargetTimeouts = { connectMs: 5_000, firstByteMs: 120_000, idleMs: 60_000 };
