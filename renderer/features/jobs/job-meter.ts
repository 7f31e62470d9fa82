// Rate and ETA of a long job from its job:progress events (done/total bytes). Pure: the caller
// passes the clock. The rate is a moving average over the last few seconds, so a stall shows
// as a falling rate instead of the average since the start.

export interface JobProgress {
  done: number;
  total: number;
  /** 0..1 */
  fraction: number;
  /** Bytes per second over the window; 0 until two samples exist. */
  rate: number;
  /** Seconds left at that rate; -1 when unknown. */
  eta: number;
}

const WINDOW_MS = 5000;
/** Bounded: at a few Hz of events a 5 s window never holds more than this many samples. */
const MAX_SAMPLES = 64;

export interface JobMeter {
  update(done: number, total: number, nowMs: number): JobProgress;
}

export function createJobMeter(): JobMeter {
  const samples: Array<{ t: number; done: number }> = [];
  return {
    update(done, total, nowMs) {
      samples.push({ t: nowMs, done });
      while (samples.length > MAX_SAMPLES || (samples.length > 2 && nowMs - (samples[0]?.t ?? nowMs) > WINDOW_MS)) samples.shift();
      const first = samples[0];
      const dt = first ? (nowMs - first.t) / 1000 : 0;
      const rate = first && dt > 0 ? Math.max(0, (done - first.done) / dt) : 0;
      const left = Math.max(0, total - done);
      return {
        done, total,
        fraction: total > 0 ? Math.min(1, done / total) : 0,
        rate,
        eta: left === 0 ? 0 : rate > 0 ? left / rate : -1,
      };
    },
  };
}

/** A fresh job id the contract accepts ([A-Za-z0-9_-], ≤ 128). */
export function newJobId(prefix: string): string {
  const rnd = Math.random().toString(36).slice(2, 10);
  return `${prefix}-${Date.now().toString(36)}-${rnd}`;
}
