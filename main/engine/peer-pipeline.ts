// Request queue depth for one peer: the pieces helper's queueDepth (libtorrent's
// request_queue_time), with a floor high enough that a fresh peer on a fast link is not starved
// while its rate meter warms up.
import { queueDepth } from './pieces/pipeline.ts';

export const MIN_DEPTH = 16;
export const MAX_DEPTH = 500;

export function requestDepth(bytesPerSecond: number): number {
  return queueDepth(bytesPerSecond, { minDepth: MIN_DEPTH, maxDepth: MAX_DEPTH, targetLatencyMs: 1500 });
}
