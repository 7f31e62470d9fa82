// The shape of an e2e spec: a name, the targets it applies to, and a body that gets the running
// app. The runner gives every spec a fresh engine and user-data folder.
import type { Target, TargetKind } from './targets.ts';

export interface SpecContext {
  target: Target;
  /** Writes docs/screenshots/<name>.png (headless) or <name>-electron.png. */
  screenshot(name: string): Promise<void>;
  log(message: string): void;
}

export interface Spec {
  name: string;
  /** Default: both targets. */
  targets?: TargetKind[];
  /** Why a target is left out, printed when it is skipped. */
  timeoutMs?: number;
  run(ctx: SpecContext): Promise<void>;
}
